/**
 * A share of the push bench's receivers, in a process of its own (forked with IPC): one event stream
 * per token, on raw node:http, reconnecting as loa-receiver does (receiver/src/protocol/backoff.ts:
 * exponential backoff with full jitter, first wait up to 10 s; polling /device/queue every 30 s while
 * the stream is down, and reconnecting at once when a poll is answered after the server was
 * unreachable). It reports to the parent what the receivers saw: hellos, the time each broadcast event
 * arrived, connection attempts and polls per second.
 */
import { request, type ClientRequest } from 'node:http';
import { Backoff, pollWait, sleep } from '../../receiver/src/protocol/backoff.js';

export interface ClientsStart {
  url: string;
  tokens: string[];
  /** Source address of this share's connections: each loopback address has its own ephemeral ports. */
  localAddress: string;
  connectPerSec: number;
  /** loa-receiver's defaults: first reconnect within 10 s, at most 120 s. */
  reconnectFirstMs: number;
  reconnectMaxMs: number;
}

export type ClientsReport =
  | { kind: 'connected'; count: number }
  | { kind: 'broadcast'; broadcastId: string; at: number[] }
  /** reconnectedAt: every `hello` received, when. */
  | { kind: 'attempts'; perSecond: Record<number, number>; pollsPerSecond: Record<number, number>; refused: number; errors: Record<string, number>; reconnectedAt: number[] };

interface Receiver {
  token: string;
  backoff: Backoff;
  request?: ClientRequest;
  everConnected?: boolean;
  /** Its stream is open (a `hello` came). */
  up?: boolean;
  /** The last loss had no HTTP answer: the server was unreachable. */
  unreachable?: boolean;
  /** The backoff's timer, while it waits to reconnect. */
  waiting?: NodeJS.Timeout;
  /** The next poll, while its stream is down. */
  polling?: NodeJS.Timeout;
}

/** loa-receiver's poll interval while push is down (receiver/src/protocol/receiver.ts); its waits are pollWait's. */
const POLL_MS = 30_000;

let start: ClientsStart;
const attemptsPerSecond: Record<number, number> = {};
const pollsPerSecond: Record<number, number> = {};
const errors: Record<string, number> = {};
let refused = 0;
const reconnectedAt: number[] = [];
const arrivals = new Map<string, number[]>();
let connected = 0;
let counting = false;

function connect(receiver: Receiver): void {
  const second = Math.floor(Date.now() / 1000);
  attemptsPerSecond[second] = (attemptsPerSecond[second] ?? 0) + 1;
  const req = request(`${start.url}/api/v1/device/events`, { agent: false, localAddress: start.localAddress, headers: { authorization: `Bearer ${receiver.token}`, accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) {
      errors[`HTTP ${res.statusCode}`] = (errors[`HTTP ${res.statusCode}`] ?? 0) + 1;
      res.resume();
      res.on('end', () => retry(receiver, false));
      return;
    }
    // Bytes, not text: frames are cut at their blank line and only their first bytes looked at (the
    // load generator shares the api's two cores, and every cycle it spends is one the api lacks).
    let carried: Buffer | null = null;
    res.on('data', (chunk: Buffer) => {
      const bytes: Buffer = carried ? Buffer.concat([carried, chunk]) : chunk;
      let from = 0;
      let end: number;
      while ((end = bytes.indexOf(FRAME_END, from)) >= 0) {
        onFrame(receiver, bytes, from, end);
        from = end + FRAME_END.length;
      }
      carried = from < bytes.length ? bytes.subarray(from) : null;
    });
    res.on('close', () => retry(receiver, true));
  });
  req.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNREFUSED') refused++;
    else if (error.code !== 'ECONNRESET') errors[error.code ?? error.message] = (errors[error.code ?? error.message] ?? 0) + 1;
    retry(receiver, true);
  });
  req.end();
  receiver.request = req;
}

const FRAME_END = Buffer.from('\n\n');
const HELLO = Buffer.from('event: hello');
const BROADCAST = Buffer.from('event: broadcast');
/** A queue item's JSON starts with its id (QueueItems.build): read as 36 bytes, without parsing the rest. */
const BROADCAST_ID = Buffer.from('"broadcastId":"');

const startsWith = (bytes: Buffer, from: number, end: number, prefix: Buffer) => end - from >= prefix.length && bytes.compare(prefix, 0, prefix.length, from, from + prefix.length) === 0;

/** One frame, bytes[from, end): timestamped when complete, as a receiver could act on it no sooner. */
function onFrame(receiver: Receiver, bytes: Buffer, from: number, end: number): void {
  if (startsWith(bytes, from, end, HELLO)) {
    receiver.backoff.reset();
    receiver.up = true;
    reconnectedAt.push(Date.now());
    if (!receiver.everConnected) {
      receiver.everConnected = true;
      connected++;
    }
  } else if (startsWith(bytes, from, end, BROADCAST)) {
    const at = Date.now();
    const idAt = bytes.indexOf(BROADCAST_ID, from) + BROADCAST_ID.length;
    const broadcastId = bytes.toString('latin1', idAt, idAt + 36);
    let times = arrivals.get(broadcastId);
    if (!times) {
      arrivals.set(broadcastId, (times = []));
      // All of a share's events arrive within a second or two: report them together.
      setTimeout(() => send({ kind: 'broadcast', broadcastId, at: arrivals.get(broadcastId)! }), 3000);
    }
    times.push(at);
  }
}

const receivers = new Set<Receiver>();
/** The stream is lost: reconnect after the backoff, and poll meanwhile (`unreachable`: no HTTP answer, so a poll's answer ends the wait). */
function retry(receiver: Receiver, unreachable: boolean): void {
  if (!counting || !receivers.has(receiver)) return;
  receivers.delete(receiver);
  receiver.up = false;
  receiver.unreachable = unreachable;
  receiver.waiting = setTimeout(() => reconnect(receiver), receiver.backoff.next());
  receiver.polling ??= setTimeout(() => poll(receiver), pollWait(POLL_MS, true));
}

function reconnect(receiver: Receiver): void {
  clearTimeout(receiver.waiting);
  receiver.waiting = undefined;
  receivers.add(receiver);
  connect(receiver);
}

/** As loa-receiver polls /device/queue while its push channel is down (Receiver.pollLoop, readQueue). */
function poll(receiver: Receiver): void {
  receiver.polling = undefined;
  if (!counting || receiver.up) return;
  const second = Math.floor(Date.now() / 1000);
  pollsPerSecond[second] = (pollsPerSecond[second] ?? 0) + 1;
  const again = () => {
    if (!receiver.up) receiver.polling ??= setTimeout(() => poll(receiver), pollWait(POLL_MS, false));
  };
  const req = request(`${start.url}/api/v1/device/queue`, { agent: false, localAddress: start.localAddress, headers: { authorization: `Bearer ${receiver.token}` } }, (res) => {
    res.resume();
    if (res.statusCode === 200 && receiver.waiting && receiver.unreachable) reconnect(receiver);
    else again();
  });
  req.on('error', again);
  req.end();
}

function send(report: ClientsReport): void {
  process.send!(report);
}

process.on('message', async (message: { kind: 'start'; start: ClientsStart } | { kind: 'report' } | { kind: 'stop' }) => {
  if (message.kind === 'start') {
    start = message.start;
    counting = true;
    setInterval(() => send({ kind: 'connected', count: connected }), 500).unref();
    const gapMs = 1000 / start.connectPerSec;
    for (const token of start.tokens) {
      const receiver: Receiver = { token, backoff: new Backoff(start.reconnectFirstMs, start.reconnectMaxMs) };
      receivers.add(receiver);
      connect(receiver);
      await sleep(gapMs);
    }
  } else if (message.kind === 'report') {
    send({ kind: 'attempts', perSecond: attemptsPerSecond, pollsPerSecond, refused, errors, reconnectedAt });
  } else {
    counting = false;
    for (const receiver of receivers) receiver.request?.destroy();
    process.exit(0);
  }
});
