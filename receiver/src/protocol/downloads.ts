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
  private readonly waker = new Waker();

  constructor(
    private readonly cache: AudioCache,
    private readonly log: ReceiverLog,
    /** A segment became available: playback may start. */
    private readonly onReady: () => void,
  ) {}

  /** The broadcasts still to play, most urgent first. */
  want(items: QueueItem[]): void {
    const seen = new Set<string>();
    this.wanted = [];
    for (const item of items) {
      for (const segment of item.segments) {
        if (seen.has(segment.id)) continue;
        seen.add(segment.id);
        this.wanted.push(segment);
      }
    }
    this.items = items;
    this.keep = seen;
    this.deferred.clear();
    for (const id of this.failures.keys()) if (!seen.has(id)) this.failures.delete(id);
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
      const next = this.wanted.find((s) => !this.cache.has(s) && !this.deferred.has(s.id) && (this.failures.get(s.id)?.retryAt ?? 0) <= now);
      if (next) {
        await this.download(next, signal);
        continue;
      }
      const retries = this.wanted.map((s) => this.failures.get(s.id)?.retryAt).filter((at): at is number => at !== undefined && at > now);
      await this.waker.sleep(retries.length ? Math.min(...retries) - now : 3_600_000, signal);
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
