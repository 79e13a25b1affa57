import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pooledFetch } from './pooled-fetch.js';

/** The simulator's fetch against a real loopback server: sockets go back to the pool, or are closed. */
describe('pooledFetch', () => {
  let server: Server;
  let base: string;
  let open = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/status') return void res.writeHead(204).end();
      if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n'); // a stream that never ends
    });
    server.on('connection', (socket) => {
      open++;
      socket.once('close', () => open--);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('answers through one shared connection, bodiless answers (204) included', async () => {
    const fetch = pooledFetch(1);
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/status`, { method: 'POST', body: '{}' })).status).toBe(204);
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${base}/json`).then((res) => res.json())));
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(open).toBe(1);
  });

  it('closes the connection of a body cancelled or aborted midway', async () => {
    const fetch = pooledFetch(Infinity);
    const before = open;
    const cancelled = await fetch(`${base}/events`);
    const reader = cancelled.body!.getReader();
    await reader.read();
    const abort = new AbortController();
    const aborted = await fetch(`${base}/events`, { signal: abort.signal });
    expect(open).toBe(before + 2);
    await reader.cancel();
    abort.abort();
    await expect(aborted.text()).rejects.toThrow();
    const deadline = Date.now() + 5000;
    while (open > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(open).toBe(before);
  });
});
