/**
 * The server's clock as seen from the receiver. Each exchange with the server gives a sample: the
 * server's `now`, taken while the request was in flight, against the midpoint of the round trip on
 * the receiver's monotonic clock (so a wall-clock step on the box, e.g. NTP syncing a Raspberry Pi
 * that has no RTC, does not move playback). Slow round trips carry queueing delay, so the estimate
 * follows the fastest sample of the recent ones, smoothed; a large jump (the server's clock was
 * corrected) is taken at once.
 */
const WINDOW = 8;
const SMOOTHING = 0.3;
const STEP_MS = 1000;

interface Sample {
  offset: number;
  rtt: number;
}

export class ServerClock {
  private readonly samples: Sample[] = [];
  /** Server epoch ms minus the monotonic clock; null until the first sample. */
  private offset: number | null = null;

  constructor(
    private readonly monotonic: () => number = () => performance.now(),
    private readonly wall: () => number = () => Date.now(),
  ) {}

  /** The monotonic clock, to time a request with (sentAt, receivedAt). */
  mark(): number {
    return this.monotonic();
  }

  /** A server time `serverNow` (ISO or epoch ms) read by a request sent at `sentAt` and answered at `receivedAt` (both from mark()). */
  observe(serverNow: string | number, sentAt: number, receivedAt: number): void {
    const server = typeof serverNow === 'number' ? serverNow : Date.parse(serverNow);
    if (!Number.isFinite(server) || receivedAt < sentAt) return;
    this.samples.push({ offset: server - (sentAt + receivedAt) / 2, rtt: receivedAt - sentAt });
    if (this.samples.length > WINDOW) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt <= a.rtt ? b : a)); // ties: the newest
    if (this.offset === null || Math.abs(best.offset - this.offset) > STEP_MS) this.offset = best.offset;
    else this.offset += SMOOTHING * (best.offset - this.offset);
  }

  /** Whether any exchange with the server has set the clock yet (else the box's own clock is used). */
  get synced(): boolean {
    return this.offset !== null;
  }

  /** The server's time now, epoch ms. */
  now(): number {
    return this.offset === null ? this.wall() : this.monotonic() + this.offset;
  }

  /** Server clock minus the box's wall clock, ms (for the status report). */
  offsetMs(): number {
    return Math.round(this.now() - this.wall());
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }
}
