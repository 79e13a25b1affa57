import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { DeviceApi } from '../../receiver/src/protocol/api.js';
import { sleep } from '../../receiver/src/protocol/backoff.js';
import { ServerClock } from '../../receiver/src/protocol/clock.js';
import { ChecksumMismatch, type AudioCache } from '../../receiver/src/protocol/downloads.js';
import type { ReceiverEvent } from '../../receiver/src/protocol/events.js';
import type { OutboxRecord, OutboxStore } from '../../receiver/src/protocol/outbox.js';
import type { Player } from '../../receiver/src/protocol/playback.js';
import { Receiver } from '../../receiver/src/protocol/receiver.js';
import type { QueueSegment } from '../../receiver/src/protocol/types.js';
import { pooledFetch } from './pooled-fetch.js';

export interface FleetOptions {
  /** Server origin, e.g. http://127.0.0.1:3000. */
  base: string;
  tokens: string[];
  /** Seconds between queue reads while the push connection is down (or with `pollOnly`). */
  pollSec: number;
  /** Never open the push connection: learn the queue by polling alone. */
  pollOnly?: boolean;
  /** Playback runs this many times faster than real time (startsAt is still honoured). */
  speed: number;
  /** Share of segment plays that fail (the broadcast is reported `failed`). */
  failRate: number;
  /** Share of receivers that lose the network once they have audio to play: half come back at the end of the run, half never. */
  offlineRate: number;
  /** Run this many seconds, then send what can be sent. */
  durationSec: number;
  /** Receipts per POST (1..500). */
  batch: number;
  /** Receivers start at random within this many seconds (default: one poll period, at most half the run). */
  startSpreadSec?: number;
  /** Connections the receivers' requests share (default 64); each event stream has one of its own. */
  connections?: number;
  /** Each receiver's events (the CLI prints the warnings). */
  log?: (event: ReceiverEvent) => void;
}

export interface FleetStats {
  polls: number;
  pollErrors: number;
  pushConnections: number;
  downloads: number;
  checksumMismatches: number;
  plays: number;
  /** Broadcasts reported `failed`: player faults, audio that never verified, too late to air. */
  failures: number;
  interrupted: number;
  receiptsSent: number;
  accepted: number;
  duplicates: number;
  /** Receipts the server refused for good (not addressed to the receiver). */
  refused: number;
  /** Receipt sends that failed and were kept for a retry. */
  postErrors: number;
  /** Receipts still held at the end: receivers that never came back, or a server that stayed away. */
  unsent: number;
}

/** The simulator's audio cache: each download is fetched and checked, and only the verdict kept. */
export class ChecksumCache implements AudioCache {
  private readonly verified = new Set<string>();

  constructor(private readonly api: DeviceApi) {}

  has(segment: QueueSegment): boolean {
    return this.verified.has(segment.id);
  }

  async fetch(segment: QueueSegment, _keep: Set<string>, _essential: boolean, signal: AbortSignal): Promise<void> {
    const res = await this.api.audio(segment.url, 0, signal);
    const sha = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
    if (segment.sha256 && sha !== segment.sha256) throw new ChecksumMismatch(segment, sha);
    this.verified.add(segment.id);
  }

  bytes(): number {
    return 0;
  }
}

/** The outbox journal in memory: durable enough for a simulated box. */
export class MemoryOutboxStore implements OutboxStore {
  private records: OutboxRecord[] = [];

  load(): Promise<OutboxRecord[]> {
    return Promise.resolve([...this.records]);
  }

  append(records: OutboxRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }

  rewrite(records: OutboxRecord[]): Promise<void> {
    this.records = [...records];
    return Promise.resolve();
  }
}

/** Plays nothing: waits for each segment's length divided by the speed, failing `failRate` of them. */
export class SimulatedPlayer implements Player {
  constructor(private readonly speed: number, private readonly failRate: number) {}

  async play(segment: QueueSegment, signal: AbortSignal): Promise<void> {
    if (Math.random() < this.failRate) throw new Error('simulated amplifier fault');
    await sleep((segment.durationSec * 1000) / this.speed, signal);
  }

  async silence(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms / this.speed, signal);
  }
}

type Behaviour = 'online' | 'late' | 'gone';

/** Sends of what is left in the outboxes once the run is over, this far apart. */
const FINAL_FLUSH_ROUNDS = 3;
const FINAL_FLUSH_PAUSE_MS = 3000;

/**
 * A fleet of simulated loudspeaker receivers in one process: each is the receiver agent's own
 * device-protocol core (push connection with polling fallback, download and sha256 check, planner,
 * outbox, receipts), with an in-memory cache and outbox and a player that only keeps time.
 */
export class ReceiverFleet {
  readonly stats: FleetStats = { polls: 0, pollErrors: 0, pushConnections: 0, downloads: 0, checksumMismatches: 0, plays: 0, failures: 0, interrupted: 0, receiptsSent: 0, accepted: 0, duplicates: 0, refused: 0, postErrors: 0, unsent: 0 };

  private readonly pooled: typeof fetch;
  /**
   * Event streams over node:http too: a stream the receiver gives up on (silent too long, or at the end)
   * closes its socket there, where the global fetch's cancelled body left it open (and, once the server
   * closed its side, in CLOSE_WAIT): thousands of them exhausted the fleet's open files.
   */
  private readonly streams = pooledFetch(Infinity);

  constructor(readonly options: FleetOptions) {
    this.pooled = pooledFetch(options.connections ?? 64);
  }

  async run(): Promise<FleetStats> {
    const { options } = this;
    const offline = Math.round(options.tokens.length * options.offlineRate);
    const behaviours: Behaviour[] = options.tokens.map((_, i) => (i < offline ? (i % 2 ? 'gone' : 'late') : 'online'));
    const network = behaviours.map(() => ({ up: true }));
    const receivers = await Promise.all(options.tokens.map((token, i) => this.receiver(token, behaviours[i], network[i])));

    // One stop signal per receiver: its loops each wait on it, and an EventTarget checks every listener it
    // holds before adding one, so a signal shared by thousands of receivers made each wait cost thousands
    // of steps (81% of the fleet's CPU at 5,000 receivers a process, too slow to play on time).
    const stops = receivers.map(() => new AbortController());
    setMaxListeners(0, ...stops.map((stop) => stop.signal));
    const spreadMs = options.startSpreadSec !== undefined ? options.startSpreadSec * 1000 : Math.min(options.pollSec * 1000, options.durationSec * 500);
    const runs = receivers.map(async (receiver, i) => {
      // Receivers do not all start in step.
      if (await sleep(Math.random() * spreadMs, stops[i].signal)) await receiver.run(stops[i].signal);
    });
    await sleep(options.durationSec * 1000);
    for (const stop of stops) stop.abort();
    await Promise.all(runs);

    // The late ones are back: everything that can be sent is, retried a few times as a box would keep
    // retrying (a server still busy may time out or answer 409 while deliveries are being written).
    network.forEach((link, i) => {
      if (behaviours[i] !== 'gone') link.up = true;
    });
    for (let round = 0; round < FINAL_FLUSH_ROUNDS; round++) {
      const holding = receivers.filter((receiver, i) => behaviours[i] !== 'gone' && receiver.outbox.size > 0);
      if (!holding.length) break;
      if (round) await sleep(FINAL_FLUSH_PAUSE_MS);
      for (const receiver of holding) await receiver.flushReceipts().catch(() => undefined);
    }
    this.stats.unsent = receivers.reduce((sum, r) => sum + r.outbox.size, 0);
    return this.stats;
  }

  private receiver(token: string, behaviour: Behaviour, network: { up: boolean }): Promise<Receiver> {
    const { options } = this;
    const url = (input: Parameters<typeof fetch>[0]) => (input instanceof Request ? input.url : String(input));
    const online: typeof fetch = (input, init) => (url(input).endsWith('/api/v1/device/events') ? this.streams(input, init) : this.pooled(input, init));
    const offlineFetch: typeof fetch = (input, init) => (network.up ? online(input, init) : Promise.reject(new TypeError('fetch failed', { cause: { code: 'SIMULATED_OUTAGE' } })));
    const api = new DeviceApi({ server: options.base, token: () => token, fetch: offlineFetch });
    return Receiver.open({
      api,
      clock: new ServerClock(),
      cache: new ChecksumCache(api),
      player: new SimulatedPlayer(options.speed, options.failRate),
      outbox: new MemoryOutboxStore(),
      agent: 'loa-simulate',
      version: 'simulated',
      push: !options.pollOnly,
      pollMs: options.pollSec * 1000,
      receiptBatch: options.batch,
      log: (event) => {
        this.count(event);
        if (behaviour !== 'online' && event.event === 'downloaded') network.up = false; // offline from here on: plays from its cache only
        options.log?.(event);
      },
    });
  }

  private count(event: ReceiverEvent): void {
    const s = this.stats;
    switch (event.event) {
      case 'queue-read': s.polls++; break;
      case 'queue-failed': s.pollErrors++; break;
      case 'push-connected': s.pushConnections++; break;
      case 'downloaded': s.downloads++; break;
      case 'checksum-mismatch': s.checksumMismatches++; break;
      case 'not-played': s.failures++; break;
      case 'receipts-kept': s.postErrors++; break;
      case 'receipts-refused': s.refused += Array.isArray(event.broadcastIds) ? event.broadcastIds.length : 1; break;
      case 'receipts-sent':
        s.receiptsSent += Number(event.count);
        s.accepted += Number(event.accepted);
        s.duplicates += Number(event.duplicates);
        break;
      case 'play-end':
        s.plays++;
        if (event.status === 'failed') s.failures++;
        if (event.status === 'interrupted') s.interrupted++;
        break;
    }
  }
}
