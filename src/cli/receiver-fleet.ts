import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** One item of GET /device/queue, as a receiver sees it. */
interface QueueItem {
  broadcastId: string;
  startsAt: string;
  endsAt: string;
  repeat: number;
  gapSec: number;
  segments: Array<{ id: string; url: string; sha256: string | null; durationSec: number }>;
}

interface ReceiptBody {
  broadcastId: string;
  status: 'played' | 'failed';
  startedAt: string;
  finishedAt: string;
  error?: string;
}

export interface FleetOptions {
  /** Server origin, e.g. http://127.0.0.1:3000. */
  base: string;
  tokens: string[];
  /** Seconds between polls of each receiver. */
  pollSec: number;
  /** Playback runs this many times faster than real time (startsAt is still honoured). */
  speed: number;
  /** Share of plays that fail (reported as `failed`). */
  failRate: number;
  /** Share of receivers that go offline once they have something to play: half post their receipts late (at the end of the run), half never. */
  offlineRate: number;
  /** Stop polling after this many seconds, then flush what can be flushed. */
  durationSec: number;
  /** Receipts per POST (1..500). */
  batch: number;
  log?: (line: string) => void;
}

export interface FleetStats {
  polls: number;
  pollErrors: number;
  downloads: number;
  checksumMismatches: number;
  plays: number;
  /** Plays reported as failed (simulated faults, bad checksums). */
  failures: number;
  receiptsSent: number;
  accepted: number;
  duplicates: number;
  /** Receipts the server refused as not addressed to the receiver (404). */
  refused: number;
  postErrors: number;
  /** Receipts still held at the end: offline receivers that never came back, or unreachable server. */
  unsent: number;
}

type Behaviour = 'online' | 'late' | 'gone';

/** A fleet of simulated loudspeaker receivers: poll, cache and verify audio, play on time, report. */
export class ReceiverFleet {
  readonly stats: FleetStats = { polls: 0, pollErrors: 0, downloads: 0, checksumMismatches: 0, plays: 0, failures: 0, receiptsSent: 0, accepted: 0, duplicates: 0, refused: 0, postErrors: 0, unsent: 0 };
  private readonly receivers: Receiver[];
  /** Ends the waits of plays still in progress when the run is over. */
  private readonly stop = new AbortController();

  constructor(readonly options: FleetOptions) {
    setMaxListeners(0, this.stop.signal); // every play in progress waits on it
    const offline = Math.round(options.tokens.length * options.offlineRate);
    this.receivers = options.tokens.map((token, i) => new Receiver(this, token, i < offline ? (i % 2 ? 'gone' : 'late') : 'online'));
  }

  /** Runs for `durationSec`, then lets late receivers reconnect and flush. */
  async run(): Promise<FleetStats> {
    const until = Date.now() + this.options.durationSec * 1000;
    await Promise.all(this.receivers.map((r) => r.live(until)));
    this.stop.abort();
    await Promise.all(this.receivers.map((r) => r.flush(true)));
    this.stats.unsent = this.receivers.reduce((sum, r) => sum + r.outbox.length, 0);
    return this.stats;
  }

  async request(token: string, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(new URL(path, this.options.base), { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  }

  /** Resolves after `ms`, or false at once when the run is over. */
  wait(ms: number): Promise<boolean> {
    return sleep(ms, true, { signal: this.stop.signal }).catch(() => false);
  }

  log(line: string): void {
    this.options.log?.(line);
  }
}

class Receiver {
  readonly outbox: ReceiptBody[] = [];
  private readonly planned = new Set<string>();
  /** Verified downloads: segment id → whether its checksum matched. */
  private readonly cache = new Map<string, Promise<boolean>>();
  private readonly playing = new Set<Promise<void>>();
  /** Server clock minus ours, from the queue's `now`: playback follows the server's time line. */
  private clockOffset = 0;

  constructor(private readonly fleet: ReceiverFleet, private readonly token: string, private readonly behaviour: Behaviour) {}

  async live(until: number): Promise<void> {
    const { pollSec } = this.fleet.options;
    await sleep(Math.random() * Math.min(pollSec * 1000, until - Date.now())); // receivers do not all poll in step
    while (Date.now() < until) {
      await this.poll();
      if (this.behaviour !== 'online' && this.planned.size) break; // offline from here on: plays from its cache only
      await this.flush(false);
      await sleep(Math.min(pollSec * 1000, Math.max(0, until - Date.now())));
    }
    await Promise.race([Promise.all(this.playing), sleep(Math.max(0, until - Date.now()))]);
    await this.flush(false);
  }

  private async poll(): Promise<void> {
    const { stats } = this.fleet;
    try {
      const res = await this.fleet.request(this.token, '/api/v1/device/queue');
      if (!res.ok) throw new Error(`queue answered ${res.status}`);
      const queue = (await res.json()) as { now: string; items: QueueItem[] };
      stats.polls++;
      this.clockOffset = Date.parse(queue.now) - Date.now();
      for (const item of queue.items) {
        if (this.planned.has(item.broadcastId)) continue;
        this.planned.add(item.broadcastId);
        const play = this.play(item).finally(() => this.playing.delete(play));
        this.playing.add(play);
      }
    } catch (error) {
      stats.pollErrors++;
      this.fleet.log(`poll failed: ${(error as Error).message}`);
    }
  }

  /** Downloads ahead, waits for startsAt, "plays" for the broadcast's length (divided by --speed), queues the receipt. */
  private async play(item: QueueItem): Promise<void> {
    const verified = await Promise.all(item.segments.map((s) => this.download(s)));
    const serverNow = () => Date.now() + this.clockOffset;
    if (!(await this.fleet.wait(Math.max(0, Date.parse(item.startsAt) - serverNow())))) return;
    if (serverNow() >= Date.parse(item.endsAt)) return; // joined too late to air it: the server will count it missed
    const startedAt = new Date(serverNow());
    const seconds = item.repeat * item.segments.reduce((sum, s) => sum + s.durationSec, 0) + (item.repeat - 1) * item.gapSec;
    if (!(await this.fleet.wait((seconds * 1000) / this.fleet.options.speed))) return; // cut off by the end of the run
    this.fleet.stats.plays++;
    const receipt: ReceiptBody = { broadcastId: item.broadcastId, status: 'played', startedAt: startedAt.toISOString(), finishedAt: new Date(serverNow()).toISOString() };
    if (!verified.every(Boolean)) Object.assign(receipt, { status: 'failed', error: 'audio checksum mismatch' });
    else if (Math.random() < this.fleet.options.failRate) Object.assign(receipt, { status: 'failed', error: 'simulated amplifier fault' });
    if (receipt.status === 'failed') this.fleet.stats.failures++;
    this.outbox.push(receipt);
  }

  private download(segment: QueueItem['segments'][number]): Promise<boolean> {
    let cached = this.cache.get(segment.id);
    if (!cached) {
      cached = (async () => {
        try {
          const res = await this.fleet.request(this.token, segment.url);
          if (!res.ok) throw new Error(`audio ${segment.id} answered ${res.status}`);
          const sha256 = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
          this.fleet.stats.downloads++;
          if (sha256 !== segment.sha256) this.fleet.stats.checksumMismatches++;
          return sha256 === segment.sha256;
        } catch (error) {
          this.fleet.log(`download failed: ${(error as Error).message}`);
          this.cache.delete(segment.id); // try again at the next poll's plays
          return false;
        }
      })();
      this.cache.set(segment.id, cached);
    }
    return cached;
  }

  /** Posts held receipts in batches; at the end (`final`), late receivers are back online too. */
  async flush(final: boolean): Promise<void> {
    if (this.behaviour === 'gone' || (this.behaviour === 'late' && !final)) return;
    const { stats, options } = this.fleet;
    while (this.outbox.length) {
      const batch = this.outbox.slice(0, options.batch);
      let res: Response;
      try {
        res = await this.fleet.request(this.token, '/api/v1/device/receipts', { method: 'POST', body: JSON.stringify({ receipts: batch }) });
      } catch (error) {
        stats.postErrors++;
        this.fleet.log(`receipts not delivered, kept for later: ${(error as Error).message}`);
        return;
      }
      const body = (await res.json()) as { accepted?: number; duplicates?: number; unknownBroadcastIds?: string[]; message?: unknown };
      if (res.status === 404 && body.unknownBroadcastIds) {
        // Nothing of the batch was recorded: drop the refused receipts, resend the rest.
        const refused = new Set(body.unknownBroadcastIds);
        const kept = this.outbox.filter((r) => !refused.has(r.broadcastId));
        stats.refused += this.outbox.length - kept.length;
        this.outbox.splice(0, this.outbox.length, ...kept);
        continue;
      }
      if (!res.ok) {
        stats.postErrors++;
        this.fleet.log(`receipts answered ${res.status}: ${JSON.stringify(body.message)}`);
        if (res.status < 500) this.outbox.splice(0, batch.length); // the server will never take this batch
        return;
      }
      this.outbox.splice(0, batch.length);
      stats.receiptsSent += batch.length;
      stats.accepted += body.accepted ?? 0;
      stats.duplicates += body.duplicates ?? 0;
    }
  }
}
