import type { QueueItem } from './types.js';

export interface KnownBroadcast {
  item: QueueItem;
  /** Server time when this receiver first learned of it (decides whether it was learned late). */
  learnedAt: number;
  /** Consecutive full queue reads that did not list it, and when the first of them was. */
  misses: number;
  firstMissAt: number | null;
}

/** Reads that must miss a broadcast, at least this far apart, before it is taken as withdrawn. */
const MISSES_TO_DROP = 2;
const MISS_SPAN_MS = 3000;

/**
 * What the receiver knows it must play, merged from pushed events and queue reads. The queue is the
 * source of truth, but a single read that does not list a broadcast is not proof it was withdrawn:
 * at the moment a broadcast goes on air the server may list it neither as scheduled nor yet as a
 * pending delivery. So only two reads missing it, a few seconds apart, withdraw it (pushed `cancel`
 * events do at once).
 */
export class QueueState {
  private readonly known = new Map<string, KnownBroadcast>();

  /** Adds or refreshes one broadcast; true if it is new. */
  learn(item: QueueItem, now: number): boolean {
    const known = this.known.get(item.broadcastId);
    if (known) {
      known.item = item;
      known.misses = 0;
      known.firstMissAt = null;
      return false;
    }
    this.known.set(item.broadcastId, { item, learnedAt: now, misses: 0, firstMissAt: null });
    return true;
  }

  /**
   * A full queue read. Returns the ids of broadcasts learned now and of those taken as withdrawn
   * (not listed by enough reads).
   */
  read(items: QueueItem[], now: number): { added: string[]; withdrawn: string[] } {
    const listed = new Set<string>();
    const added: string[] = [];
    for (const item of items) {
      listed.add(item.broadcastId);
      if (this.learn(item, now)) added.push(item.broadcastId);
    }
    const withdrawn: string[] = [];
    for (const [id, known] of this.known) {
      if (listed.has(id)) continue;
      known.misses++;
      known.firstMissAt ??= now;
      if (known.misses >= MISSES_TO_DROP && now - known.firstMissAt >= MISS_SPAN_MS) withdrawn.push(id);
    }
    for (const id of withdrawn) this.known.delete(id);
    return { added, withdrawn };
  }

  get(broadcastId: string): KnownBroadcast | undefined {
    return this.known.get(broadcastId);
  }

  /** Forgets a broadcast (handled, cancelled or withdrawn); true if it was known. */
  forget(broadcastId: string): boolean {
    return this.known.delete(broadcastId);
  }

  /** Everything known, soonest first. */
  list(): KnownBroadcast[] {
    return [...this.known.values()].sort((a, b) => Date.parse(a.item.startsAt) - Date.parse(b.item.startsAt));
  }

  get size(): number {
    return this.known.size;
  }
}
