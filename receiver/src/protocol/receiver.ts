import { DeviceApiError, type DeviceApi } from './api.js';
import { Backoff, pollWait, sleep, Waker } from './backoff.js';
import type { ServerClock } from './clock.js';
import { Downloads, type AudioCache } from './downloads.js';
import type { ReceiverEvent, ReceiverLog } from './events.js';
import { Outbox, type OutboxStore } from './outbox.js';
import { Playback, type Player } from './playback.js';
import { QueueState } from './queue-state.js';
import { ReceiptSender } from './receipt-sender.js';
import { readEventStream, type PushedEvent } from './sse.js';
import { PRIORITY_RANK, type DeviceStatus, type PushEventData, type QueueItem } from './types.js';

export interface ReceiverOptions {
  api: DeviceApi;
  clock: ServerClock;
  cache: AudioCache;
  player: Player;
  outbox: OutboxStore;
  log: ReceiverLog;
  agent: string;
  version: string;
  /** Keep a push connection (GET /device/events); false: poll only. */
  push?: boolean;
  /** Poll interval while the push connection is down. */
  pollMs?: number;
  /** Poll interval while it is up (the queue stays the source of truth). */
  safetyPollMs?: number;
  statusMs?: number;
  /** Push reconnects: the first wait is uniform in [0, firstMs], doubling up to maxMs. */
  reconnectFirstMs?: number;
  reconnectMaxMs?: number;
  /** A push connection silent this long is dead (the server comments every 30 s). */
  idleMs?: number;
  receiptBatch?: number;
  /** Free bytes where the cache lives, for the status report. */
  freeBytes?: () => Promise<number | null>;
  /** The server refused the token: read it again (it may have been replaced). */
  onUnauthorized?: () => void;
}

/** A connection that lasted this long was healthy: the next reconnect starts from the first window again. */
const HEALTHY_CONNECTION_MS = 60_000;
const jittered = (ms: number) => ms * (0.8 + Math.random() * 0.4);

/**
 * One loudspeaker receiver's device protocol (SPEC §8, §9): learns its queue from pushed events and
 * queue reads, downloads ahead, plays on the server's clock, keeps receipts durable and sends them,
 * reports its status. The agent runs one with disk cache, file journal and player processes; the
 * simulator runs many with in-memory ones.
 */
export class Receiver {
  readonly state = new QueueState();
  private readonly downloads: Downloads;
  private readonly playback: Playback;
  private readonly sender: ReceiptSender;
  private readonly log: ReceiverLog;
  private pushUp = false;
  private readonly pollWaker = new Waker();
  private readonly pushWaker = new Waker();
  private readonly statusWaker = new Waker();
  /** The push loop waits to reconnect after the server could not be reached (no HTTP answer), not after a refusal. */
  private pushUnreachable = false;
  /** The push channel has just dropped: the next poll's wait is spread over the whole interval (pollWait). */
  private pushJustLost = false;
  /** Playback changed since the last status report began. */
  private statusDue = false;
  private lastError: string | undefined;
  private statusRefused = false;

  private constructor(private readonly options: ReceiverOptions, readonly outbox: Outbox) {
    this.log = (event: ReceiverEvent) => {
      if (event.level === 'warn' || event.level === 'error') this.lastError = `${event.event}: ${String(event.error ?? '')}`;
      options.log(event);
    };
    this.downloads = new Downloads(options.cache, this.log, () => this.playback.replan());
    this.playback = new Playback(
      this.state,
      outbox,
      this.downloads,
      options.clock,
      options.player,
      this.log,
      () => {
        this.sender.kick();
        this.refreshDownloads();
      },
      () => this.statusChanged(),
    );
    this.sender = new ReceiptSender(options.api, outbox, this.log, options.receiptBatch, () => this.unauthorized());
  }

  static async open(options: ReceiverOptions): Promise<Receiver> {
    return new Receiver(options, await Outbox.open(options.outbox, options.clock.now()));
  }

  /** Whether the push connection is up (else the receiver is polling). */
  get pushing(): boolean {
    return this.pushUp;
  }

  playing() {
    return this.playback.playing();
  }

  /** Runs until `signal` aborts; then stops the player (the journal keeps what was playing). */
  async run(signal: AbortSignal): Promise<void> {
    const loops = [this.downloads.run(signal), this.sender.run(signal), this.statusLoop(signal), this.pollLoop(signal)];
    if (this.options.push !== false) loops.push(this.pushLoop(signal));
    this.playback.replan();
    await Promise.all(loops);
    await this.playback.close();
  }

  /** Something changed that should let the server answer again (a new token): read the queue, send receipts and reconnect now. */
  async refresh(reason: string): Promise<void> {
    this.pushWaker.wake();
    this.sender.kick();
    await this.readQueue(reason);
  }

  /** Sends every receipt the outbox holds now; throws if the server cannot take them. */
  flushReceipts(): Promise<void> {
    return this.sender.sendAll();
  }

  /** Reads GET /device/queue and merges it; false if the server could not be reached. */
  async readQueue(reason: string): Promise<boolean> {
    const { api, clock } = this.options;
    const sentAt = clock.mark();
    try {
      const queue = await api.queue();
      clock.observe(queue.now, sentAt, clock.mark());
      const items = queue.items.filter((item) => !this.outbox.isHandled(item.broadcastId));
      const { added, withdrawn } = this.state.read(items, clock.now());
      this.log({ level: added.length || withdrawn.length ? 'info' : 'debug', event: 'queue-read', reason, items: items.length, added, withdrawn });
      for (const id of withdrawn) this.playback.cancel(id, 'no longer in the queue');
      if (this.outbox.size) this.sender.kick(); // the server answers again
      // It answers again after an outage: reconnect now rather than at the end of a backoff window that
      // may have grown to minutes. The polls that notice are spread over their jittered interval, so the
      // fleet still comes back over many seconds, and an outage costs no more attempts than the polls.
      if (this.pushUnreachable) this.pushWaker.wake();
      this.refreshDownloads();
      this.playback.replan();
      return true;
    } catch (error) {
      if (error instanceof DeviceApiError && error.unauthorized) this.unauthorized();
      this.log({ level: 'warn', event: 'queue-failed', reason, error: (error as Error).message });
      return false;
    }
  }

  private refreshDownloads(): void {
    const items = this.state
      .list()
      .filter((k) => !this.outbox.isHandled(k.item.broadcastId) || this.playback.playing()?.broadcastId === k.item.broadcastId)
      .map((k) => k.item);
    const now = this.options.clock.now();
    this.downloads.want(items.sort((a, b) => urgency(a, now) - urgency(b, now) || Date.parse(a.startsAt) - Date.parse(b.startsAt)));
  }

  private async pollLoop(signal: AbortSignal): Promise<void> {
    await this.readQueue('start');
    // The first exchange of a fresh process is slowed on the box's side (connection set-up) and skews
    // the clock estimate; a second one on the warm connection gives the fast sample the estimate keeps.
    if (await sleep(jittered(2000), signal)) await this.readQueue('clock');
    while (!signal.aborted) {
      const interval = this.pushUp ? (this.options.safetyPollMs ?? 600_000) : (this.options.pollMs ?? 30_000);
      const wait = pollWait(interval, this.pushJustLost);
      this.pushJustLost = false;
      const slept = await this.pollWaker.sleep(wait, signal);
      if (slept) await this.readQueue(this.pushUp ? 'periodic' : 'polling');
    }
  }

  private setPush(up: boolean): void {
    if (this.pushUp === up) return;
    this.pushUp = up;
    this.pushJustLost = !up;
    this.pollWaker.wake(); // the poll loop takes the interval of the new mode
  }

  private async pushLoop(signal: AbortSignal): Promise<void> {
    const { api, clock } = this.options;
    const backoff = new Backoff(this.options.reconnectFirstMs ?? 10_000, this.options.reconnectMaxMs ?? 120_000);
    while (!signal.aborted) {
      const sentAt = clock.mark();
      let error: unknown;
      try {
        const response = await api.events(signal);
        this.setPush(true);
        this.log({ level: 'info', event: 'push-connected' });
        await readEventStream(response, (event) => this.onPushed(event, sentAt), this.options.idleMs ?? 75_000, signal);
      } catch (e) {
        error = e;
      }
      this.setPush(false);
      if (signal.aborted) break;
      if (clock.mark() - sentAt > HEALTHY_CONNECTION_MS) backoff.reset();
      if (error instanceof DeviceApiError && error.unauthorized) this.unauthorized();
      const delay = backoff.next();
      this.log({ level: 'warn', event: 'push-lost', retryInMs: delay, error: error ? (error as Error).message : 'the server closed the stream' });
      this.pushUnreachable = !(error instanceof DeviceApiError && error.status !== null);
      await this.pushWaker.sleep(delay, signal);
      this.pushUnreachable = false;
    }
  }

  private onPushed(event: PushedEvent, sentAt: number): void {
    const { clock } = this.options;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      this.log({ level: 'warn', event: 'push-unreadable', type: event.type, data: event.data.slice(0, 200) });
      return;
    }
    switch (event.type) {
      case 'hello': {
        const { now } = data as PushEventData['hello'];
        // The server reads its clock for `hello` at the very end of the exchange, so the midpoint of
        // this round trip is early: it only stands in until a queue read (next line) gives a fair sample.
        if (!clock.synced) clock.observe(now, sentAt, clock.mark());
        void this.readQueue('connected');
        break;
      }
      case 'broadcast': {
        const item = data as PushEventData['broadcast'];
        if (this.outbox.isHandled(item.broadcastId)) break;
        const added = this.state.learn(item, clock.now());
        this.log({ level: 'info', event: 'pushed-broadcast', broadcastId: item.broadcastId, priority: item.priority, startsAt: item.startsAt, added });
        this.refreshDownloads();
        this.playback.replan();
        break;
      }
      case 'cancel': {
        const { broadcastId, status } = data as PushEventData['cancel'];
        this.playback.cancel(broadcastId, `${status} by the server`);
        this.refreshDownloads();
        break;
      }
      case 'token':
        this.log({ level: 'error', event: 'token-revoked', error: 'the server rotated this speaker\'s token: install the new one in the token file' });
        this.unauthorized();
        break;
    }
  }

  private unauthorized(): void {
    this.options.onUnauthorized?.();
  }

  /**
   * Reports at start, every minute, and at once when playback starts or ends, so an emergency's progress
   * and the console show who is on the air within a second. A change during a report is sent right after it.
   */
  private async statusLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.statusDue = false;
      await this.reportStatus();
      if (!this.statusDue) await this.statusWaker.sleep(jittered(this.options.statusMs ?? 60_000), signal);
    }
  }

  private statusChanged(): void {
    this.statusDue = true;
    this.statusWaker.wake();
  }

  async status(): Promise<DeviceStatus> {
    return {
      agent: this.options.agent,
      version: this.options.version,
      playing: this.playback.playing(),
      cacheBytes: this.options.cache.bytes(),
      freeBytes: (await this.options.freeBytes?.()) ?? null,
      outbox: this.outbox.size,
      clockOffsetMs: this.options.clock.offsetMs(),
      ...(this.lastError ? { lastError: this.lastError.slice(0, 500) } : {}),
    };
  }

  private async reportStatus(): Promise<void> {
    try {
      await this.options.api.status(await this.status());
      this.statusRefused = false;
    } catch (error) {
      // Said once until a report goes through again, not every minute.
      if (!this.statusRefused) this.log({ level: 'warn', event: 'status-not-reported', error: (error as Error).message });
      this.statusRefused = true;
    }
  }
}

/** Broadcasts already due come first, the highest priority first; then the rest by start. */
function urgency(item: QueueItem, now: number): number {
  return Date.parse(item.startsAt) <= now ? -1 - PRIORITY_RANK[item.priority] : 0;
}
