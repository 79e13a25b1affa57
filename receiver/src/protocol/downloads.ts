import { Backoff, Waker } from './backoff.js';
import type { ReceiverLog } from './events.js';
import type { QueueItem, QueueSegment } from './types.js';

/** The downloaded file does not match the sha256 the queue gave: it is deleted and fetched again. */
export class ChecksumMismatch extends Error {
  constructor(segment: QueueSegment, actual: string) {
    super(`audio ${segment.id} does not match its sha256 (expected ${segment.sha256}, got ${actual})`);
  }
}

/** Fetching this segment now would take the cache over its bound, and nothing it holds may go. */
export class CacheFull extends Error {}

/** Where verified audio is kept: files on disk (the agent), or only their checksums (the simulator). */
export interface AudioCache {
  /** A verified copy of the segment is here. */
  has(segment: QueueSegment): boolean;
  /**
   * Downloads the segment (resuming a partial copy), checks its sha256 and keeps it. To make room
   * it may drop segments not in `keep`; if it still cannot, it throws CacheFull unless `essential`
   * (the next broadcast to play needs it: then the bound gives way).
   */
  fetch(segment: QueueSegment, keep: Set<string>, essential: boolean, signal: AbortSignal): Promise<void>;
  /** Bytes held, partial downloads included. */
  bytes(): number;
}

/**
 * How long a receiver may wait, at random, before fetching audio it learned of `leadMs` before the
 * broadcast starts: a broadcast pushed to a whole province at once would otherwise have every box
 * download it in the same second. Spread over half the lead beyond 20 s, at most a minute: an
 * emergency, or anything due within 20 s, is fetched at once, and everything else still has most of
 * its lead left to retry in.
 */
export function downloadSpreadMs(leadMs: number): number {
  return Math.min(MAX_DOWNLOAD_SPREAD_MS, Math.max(0, (leadMs - UNSPREAD_LEAD_MS) / 2));
}
const UNSPREAD_LEAD_MS = 20_000;
const MAX_DOWNLOAD_SPREAD_MS = 60_000;

interface Failure {
  count: number;
  mismatches: number;
  retryAt: number;
  problem: string;
}

/**
 * Downloads ahead, one file at a time, in the order the broadcasts need them: what plays next first.
 * Failed downloads are retried with backoff; a segment refused for lack of room waits until the
 * queue changes (a broadcast played frees its audio).
 */
export class Downloads {
  private wanted: QueueSegment[] = [];
  private items: QueueItem[] = [];
  private keep = new Set<string>();
  private readonly failures = new Map<string, Failure & { backoff: Backoff }>();
  private readonly deferred = new Set<string>();
  /** When each wanted segment may first be fetched (performance.now()): see downloadSpreadMs. */
  private readonly notBefore = new Map<string, number>();
  private readonly waker = new Waker();

  constructor(
    private readonly cache: AudioCache,
    private readonly log: ReceiverLog,
    /** A segment became available: playback may start. */
    private readonly onReady: () => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** The broadcasts still to play, most urgent first; `now` by the server's clock. */
  want(items: QueueItem[], now: number): void {
    const seen = new Set<string>();
    this.wanted = [];
    const at = performance.now();
    for (const item of items) {
      for (const segment of item.segments) {
        if (seen.has(segment.id)) continue;
        seen.add(segment.id);
        this.wanted.push(segment);
        // Items come most urgent first, so a segment's lead is that of the first broadcast needing it.
        const spread = downloadSpreadMs(Date.parse(item.startsAt) - now);
        const earliest = this.notBefore.get(segment.id);
        if (earliest === undefined || earliest > at + spread) this.notBefore.set(segment.id, at + this.random() * spread);
      }
    }
    this.items = items;
    this.keep = seen;
    this.deferred.clear();
    for (const id of this.failures.keys()) if (!seen.has(id)) this.failures.delete(id);
    for (const id of this.notBefore.keys()) if (!seen.has(id)) this.notBefore.delete(id);
    this.waker.wake();
  }

  ready(item: QueueItem): boolean {
    return item.segments.every((s) => this.cache.has(s));
  }

  /** Why an item's audio is missing, once a download of it has failed. */
  problem(item: QueueItem): string | undefined {
    for (const segment of item.segments) {
      const failure = this.failures.get(segment.id);
      if (failure && !this.cache.has(segment)) return failure.problem;
    }
    return undefined;
  }

  /** The segment is needed by the most urgent broadcast (playing, or the next to play): the cache bound gives way for it alone. */
  private essential(segment: QueueSegment): boolean {
    return this.items[0]?.segments.some((s) => s.id === segment.id) ?? false;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = performance.now();
      const dueAt = (s: QueueSegment) => Math.max(this.failures.get(s.id)?.retryAt ?? 0, this.notBefore.get(s.id) ?? 0);
      const missing = this.wanted.filter((s) => !this.cache.has(s) && !this.deferred.has(s.id));
      const next = missing.find((s) => dueAt(s) <= now);
      if (next) {
        await this.download(next, signal);
        continue;
      }
      await this.waker.sleep(missing.length ? Math.min(...missing.map(dueAt)) - now : 3_600_000, signal);
    }
  }

  private async download(segment: QueueSegment, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    try {
      await this.cache.fetch(segment, this.keep, this.essential(segment), signal);
      this.failures.delete(segment.id);
      this.log({ level: 'info', event: 'downloaded', segmentId: segment.id, ms: Math.round(performance.now() - started), cacheBytes: this.cache.bytes() });
      this.onReady();
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof CacheFull) {
        this.deferred.add(segment.id);
        this.log({ level: 'warn', event: 'cache-full', segmentId: segment.id, cacheBytes: this.cache.bytes(), error: error.message });
        return;
      }
      const failure = this.failures.get(segment.id) ?? { count: 0, mismatches: 0, retryAt: 0, problem: '', backoff: new Backoff(1000, 300_000) };
      failure.count++;
      const mismatch = error instanceof ChecksumMismatch;
      failure.mismatches = mismatch ? failure.mismatches + 1 : 0;
      // A first mismatch is fetched again at once (a corrupted transfer); one that keeps failing backs off.
      const delay = mismatch && failure.mismatches === 1 ? 0 : failure.backoff.next();
      failure.retryAt = performance.now() + delay;
      failure.problem = mismatch ? 'audio checksum mismatch' : (error as Error).message;
      this.failures.set(segment.id, failure);
      this.log({ level: 'warn', event: mismatch ? 'checksum-mismatch' : 'download-failed', segmentId: segment.id, attempt: failure.count, retryInMs: delay, error: (error as Error).message });
      this.onReady(); // the planner may now give up on a late broadcast, naming the problem
    }
  }
}
