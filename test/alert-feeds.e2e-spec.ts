import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { feedEntries } from '../src/alerts/cap-feeds.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { capXml } from './helpers/cap.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { waitUntil } from './helpers/waiting.js';

jest.setTimeout(180_000);

/** LOA_CAP_FEEDS: the worker polls Atom feeds of CAP messages, here from an HTTP server the test runs. */
describe('alerts: CAP feeds pulled by the worker', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  const messages = new Map<string, string>();
  const hits = new Map<string, number>();
  let entries: string[] = [];

  const feed = () => `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Cảnh báo</title><id>urn:test:feed</id><updated>2025-09-06T09:00:00Z</updated>
    ${entries.map((name) => `<entry><id>urn:test:${name}</id><updated>2025-09-06T09:00:00Z</updated><title>${name}</title><link rel="alternate" type="text/html" href="/page/${name}"/><link rel="related" type="application/cap+xml" href="/cap/${name}.xml"/></entry>`).join('')}</feed>`;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/feed.atom') return response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(feed());
      const name = /^\/cap\/(.+)\.xml$/.exec(path)?.[1];
      if (name && messages.has(name)) return response.writeHead(200, { 'content-type': 'application/cap+xml' }).end(messages.get(name));
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp({ LOA_CAP_FEEDS: `${base}/feed.atom`, LOA_CAP_FEED_INTERVAL_SEC: '1', LOA_ALERT_REPEAT: '1' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('receives each linked CAP message once, airs it, and refuses a hostile one', async () => {
    const tree = await areaTree(t);
    await createSpeaker(t, t.adminToken, tree.communeA.id);
    const id = `FEED-${process.pid}`;
    messages.set('storm', capXml({ identifier: id, geocodes: [['LOA', tree.communeA.code]] }));
    messages.set('bomb', `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&b;</alert>`);
    entries = ['storm', 'bomb'];

    const list = () => t.http.get('/api/v1/alerts').set(auth(t.adminToken));
    const received = await waitUntil(list, (r) => r.body.total >= 1 && r.body.items[0].outcome !== 'receiving', 30_000, 'the feed alert');
    expect(received.body.items[0]).toMatchObject({ identifier: id, via: `${base}/feed.atom`, outcome: 'on_air' });
    expect(received.body.items[0].broadcastIds).toHaveLength(1);

    // Several more polls: nothing received twice, and handled entries are not fetched again.
    const polls = hits.get('/feed.atom')!;
    await waitUntil(async () => hits.get('/feed.atom')!, (n) => n >= polls + 3, 30_000, 'three more polls');
    expect((await list()).body.total).toBe(1);
    expect(hits.get('/cap/storm.xml')).toBe(1);
    expect(hits.get('/cap/bomb.xml')).toBe(1);
    const refusals = await t.http.get('/api/v1/audit?action=alert.refuse').set(auth(t.adminToken));
    expect(refusals.body.items).toEqual([expect.objectContaining({ details: expect.objectContaining({ via: `${base}/feed.atom`, reason: expect.stringMatching(/DOCTYPE/) }) })]);
    const broadcasts = await t.http.get('/api/v1/broadcasts').set(auth(t.adminToken));
    expect(broadcasts.body.total).toBe(1);

    // A new entry is picked up at the next poll.
    messages.set('test', capXml({ identifier: `${id}-T`, status: 'Test', geocodes: [['LOA', tree.communeA.code]] }));
    entries = ['storm', 'bomb', 'test'];
    const both = await waitUntil(list, (r) => r.body.total >= 2 && r.body.items[0].outcome !== 'receiving', 30_000, 'the second feed alert');
    expect(both.body.items[0]).toMatchObject({ identifier: `${id}-T`, status: 'Test', outcome: 'not_aired' });
  });

  it('reads the CAP link of Atom entries, relative to the feed', () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id><link href="/x.html"/><link type="application/cap+xml" href="cap/a.xml"/></entry>
      <entry><id>b</id><link rel="alternate" href="https://other.example/b.xml"/></entry><entry><id>c</id></entry></feed>`;
    expect(feedEntries(xml, 'http://feeds.example/alerts/feed.atom')).toEqual([
      { key: 'http://feeds.example/alerts/feed.atom|a|', url: 'http://feeds.example/alerts/cap/a.xml' },
      { key: 'http://feeds.example/alerts/feed.atom|b|', url: 'https://other.example/b.xml' },
    ]);
    expect(() => feedEntries('<!DOCTYPE x [<!ENTITY a "b">]><feed/>', 'http://x/')).toThrow(/DOCTYPE/);
  });
});
