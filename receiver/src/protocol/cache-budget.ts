export interface CachedEntry {
  id: string;
  bytes: number;
  /** Last use (download or play), any monotonic scale: the least recently used goes first. */
  usedAt: number;
}

/**
 * Which cached segments to drop so that `needed` more bytes fit within `bound`: the least recently
 * used first, never one in `keep` (audio still queued). Null if even dropping every other one is
 * not enough.
 */
export function evictionsFor(entries: CachedEntry[], bound: number, needed: number, keep: Set<string>): string[] | null {
  let held = entries.reduce((sum, e) => sum + e.bytes, 0);
  if (held + needed <= bound) return [];
  const evict: string[] = [];
  for (const entry of entries.filter((e) => !keep.has(e.id)).sort((a, b) => a.usedAt - b.usedAt)) {
    evict.push(entry.id);
    held -= entry.bytes;
    if (held + needed <= bound) return evict;
  }
  return null;
}
