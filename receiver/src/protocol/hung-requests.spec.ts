import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeviceApi } from './api.js';
import { ServerClock } from './clock.js';
import type { ReceiverEvent } from './events.js';
import { Outbox, type OutboxRecord, type OutboxStore } from './outbox.js';
import { ReceiptSender } from './receipt-sender.js';
import { Receiver } from './receiver.js';

/**
 * A server that takes a request and never answers (an api process killed behind a proxy that keeps the
 * client's connection, a half-open socket): every request of the device protocol must give up after its
 * timeout and be tried again, or a receiver waits on it for ever. A real HTTP server on loopback; the
 * first request of each route is left hanging (or, for audio, stops half way through its body).
 */
const TIMEOUT_MS = 300;

class MemoryStore implements OutboxStore {
  private records: OutboxRecord[] = [];
  load = () => Promise.resolve([...this.records]);
  append = (records: OutboxRecord[]) => Promise.resolve(void this.records.push(...records));
  rewrite = (records: OutboxRecord[]) => Promise.resolve(void (this.records = [...records]));
}

describe('requests a server never answers', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  const hanging: ServerResponse[] = [];
  const AUDIO = Buffer.alloc(4000, 7);

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const route = `${req.method} ${req.url}`;
      const first = !seen.includes(route);
      seen.push(route);
      req.resume();
      if (route.startsWith('GET /api/v1/device/audio/')) {
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': AUDIO.length });
        if (first) res.write(AUDIO.subarray(0, 1000)); // then nothing: the body stalls
        else res.end(AUDIO);
        if (first) hanging.push(res);
        return;
      }
      if (first) return void hanging.push(res); // no answer at all
      if (route === 'GET /api/v1/device/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: hello\ndata: ${JSON.stringify({ now: new Date().toISOString() })}\n\n`);
        return void hanging.push(res); // an open stream
      }
      if (route === 'GET /api/v1/device/queue') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: new Date().toISOString(), items: [] }));
      if (route === 'POST /api/v1/device/receipts') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 1, duplicates: 0 }));
      res.writeHead(204).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const api = () => new DeviceApi({ server: base, token: () => 'loa_dev_test', timeoutMs: TIMEOUT_MS });
  const until = async (what: string, done: () => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('a receipt batch left unanswered fails after the timeout and is sent again', async () => {
    const events: ReceiverEvent[] = [];
    const outbox = await Outbox.open(new MemoryStore(), Date.now());
    await outbox.add({ broadcastId: '5b0c6a9e-3f54-4a43-9a56-8e4f3f1d2c11', status: 'played', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() }, Date.now() + 60_000);
    const sender = new ReceiptSender(api(), outbox, (e) => events.push(e));
    const stop = new AbortController();
    const started = Date.now();
    const running = sender.run(stop.signal);
    await until('the receipt to be answered', () => outbox.size === 0);
    stop.abort();
    await running;
    expect(seen.filter((r) => r === 'POST /api/v1/device/receipts')).toHaveLength(2);
    expect(events.map((e) => e.event)).toEqual(['receipts-kept', 'receipts-sent']);
    expect(events[0].error).toMatch(/no answer in time/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
  }, 10_000);

  it('audio whose body stops coming fails after the timeout; the next try gets it whole', async () => {
    const client = api();
    const stalled = await client.audio('/api/v1/device/audio/seg-1', 0);
    await expect(stalled.arrayBuffer()).rejects.toThrow('no audio bytes in time');
    const again = await client.audio('/api/v1/device/audio/seg-1', 0);
    expect(Buffer.from(await again.arrayBuffer()).equals(AUDIO)).toBe(true);
  }, 10_000);

  it('a receiver whose queue read and event stream hang reconnects and reads its queue', async () => {
    const events: ReceiverEvent[] = [];
    const receiver = await Receiver.open({
      api: api(),
      clock: new ServerClock(),
      cache: { has: () => false, fetch: () => Promise.resolve(), bytes: () => 0 },
      player: { play: () => Promise.resolve(), silence: () => Promise.resolve() },
      outbox: new MemoryStore(),
      log: (e) => events.push(e),
      agent: 'test',
      version: 'test',
      reconnectFirstMs: 100,
      pollMs: 60_000,
    });
    const stop = new AbortController();
    const running = receiver.run(stop.signal);
    await until('the push connection to come up', () => receiver.pushing);
    await until('a queue read after it', () => events.some((e) => e.event === 'queue-read' && e.reason === 'connected'));
    stop.abort();
    await running;
    const named = (name: string) => events.filter((e) => e.event === name);
    expect(named('push-lost')[0].error).toMatch(/GET .*\/api\/v1\/device\/events: no answer in time/);
    expect(named('queue-failed')[0].error).toMatch(/GET .*\/api\/v1\/device\/queue: no answer in time/);
    expect(seen.filter((r) => r === 'GET /api/v1/device/events')).toHaveLength(2);
  }, 10_000);
});
