import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { SseClient } from './helpers/sse.js';
import { waitUntil } from './helpers/waiting.js';

type Speaker = { id: string; status: Record<string, unknown> | null; connection: string; behind: string[]; online: boolean };

describe('receiver status: POST /device/status, GET /speakers, broadcast progress', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let a1: Awaited<ReturnType<typeof createSpeaker>>;
  let a2: Awaited<ReturnType<typeof createSpeaker>>;
  const report = (token: string, body: unknown) => t.http.post('/api/v1/device/status').set(auth(token)).send(body as object);
  const healthy = { agent: 'loa-receiver linux-arm64', version: '1.4.0', playing: null, cacheBytes: 52_428_800, freeBytes: 8_000_000_000, outbox: 0, clockOffsetMs: -37 };
  const speaker = async (id: string): Promise<Speaker> => (await t.http.get(`/api/v1/speakers/${id}`).set(auth(tree.staffA.token))).body;
  const listed = async (id: string): Promise<Speaker> => (await t.http.get('/api/v1/speakers').query({ communeId: tree.communeA.id }).set(auth(tree.operatorA.token))).body.items.find((s: Speaker) => s.id === id);

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    a1 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    a2 = await createSpeaker(t, t.adminToken, tree.communeA.id);
  });
  afterAll(() => t.close());

  it('refuses a bad report with 400 naming the field, and a bad token with 401; records nothing', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['a missing field', { ...healthy, outbox: undefined }, /outbox is required/],
      ['a wrong type', { ...healthy, cacheBytes: '52MB' }, /cacheBytes must be integer/],
      ['a negative count', { ...healthy, outbox: -1 }, /outbox must be >= 0/],
      ['a playing broadcast that is no UUID', { ...healthy, playing: { broadcastId: 'now', priority: 'normal', startedAt: new Date().toISOString() } }, /playing.broadcastId must be a UUID/],
      ['an unknown priority', { ...healthy, playing: { broadcastId: randomUUID(), priority: 'urgent', startedAt: new Date().toISOString() } }, /playing.priority must be one of normal, priority, emergency/],
      ['an unknown field', { ...healthy, temperature: 41 }, /temperature should not exist/],
      ['an empty agent', { ...healthy, agent: '' }, /agent must NOT have fewer than 1 characters/],
      ['not an object', [healthy], /body must be object/],
    ];
    for (const [what, body, message] of cases) {
      const res = await report(a1.deviceToken, body);
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
      expect({ what, message: JSON.stringify(res.body.message) }).toEqual({ what, message: expect.stringMatching(message) });
    }
    expect((await report('loa_dev_unknown', healthy)).status).toBe(401);
    expect((await report(tree.staffA.token, healthy)).status).toBe(401);
    expect(await speaker(a1.id)).toMatchObject({ status: null, connection: 'offline', behind: ['offline'], online: false });
  });

  it('shows the last report on GET /speakers with when it came, and marks the receiver seen', async () => {
    const before = Date.now();
    expect((await report(a1.deviceToken, { ...healthy, lastError: 'ALSA: device busy' })).status).toBe(204);
    const shown = await waitUntil(() => listed(a1.id), (s) => s.status !== null, 10_000, 'the status on GET /speakers');
    expect(shown.status).toEqual({ ...healthy, lastError: 'ALSA: device busy', reportedAt: expect.any(String) });
    expect(Date.parse(shown.status!.reportedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(shown).toMatchObject({ online: true, connection: 'polling', behind: [] });
    expect((await report(a1.deviceToken, { ...healthy, lastError: null, outbox: 3 })).status).toBe(204);
    await waitUntil(() => speaker(a1.id), (s) => s.status?.outbox === 3 && s.status?.lastError === null, 10_000, 'the newer report');
  });

  it('marks receivers that are behind: receipts piling up, clock off by more than a second, an older version', async () => {
    expect((await report(a2.deviceToken, { ...healthy, version: '1.3.9', outbox: 57, clockOffsetMs: 1800 })).status).toBe(204);
    // The newest version reported (a1's 1.4.0) is read again every few seconds.
    const behind = await waitUntil(() => speaker(a2.id), (s) => s.behind.length === 3, 15_000, 'a2 behind');
    expect(behind.behind).toEqual(['outbox', 'clock', 'version']);
  });

  it('says push while an event stream is open, in whichever api process, and polling again once it closes', async () => {
    const stream = await SseClient.connect(t.url, a1.deviceToken);
    await stream.next((e) => e.event === 'hello');
    await waitUntil(() => speaker(a1.id), (s) => s.connection === 'push', 10_000, 'push');
    stream.close();
    await waitUntil(() => speaker(a1.id), (s) => s.connection === 'polling', 10_000, 'polling again');
  });

  it('shows an emergency live: receivers told, playing by their reports, and played by their receipts', async () => {
    const streams = [await SseClient.connect(t.url, a1.deviceToken), await SseClient.connect(t.url, a2.deviceToken)];
    try {
      for (const s of streams) await s.next((e) => e.event === 'hello');
      const segment = await createReadySegment(t, { areaId: tree.province.id, durationSec: 30 });
      const sent = await t.http.post('/api/v1/broadcasts/emergency').set(auth(tree.staffA.token)).send({ areaId: tree.communeA.id, segmentIds: [segment.id], title: 'Sạt lở đất' });
      expect(sent.status).toBe(201);
      const progress = () => t.http.get(`/api/v1/broadcasts/${sent.body.id}/progress`).set(auth(tree.staffA.token)).then((res) => res.body);
      expect(await waitUntil(progress, (p) => p.told === 2, 10_000, 'two receivers told')).toMatchObject({ broadcastId: sent.body.id, status: 'on_air', targeted: 2, told: 2, playing: 0, played: 0, pending: 2 });

      const playing = { broadcastId: sent.body.id, priority: 'emergency', startedAt: new Date().toISOString() };
      expect((await report(a1.deviceToken, { ...healthy, playing })).status).toBe(204);
      await waitUntil(progress, (p) => p.playing === 1, 10_000, 'one playing');
      const receipt = await t.http.post('/api/v1/device/receipts').set(auth(a2.deviceToken)).send({ receipts: [{ broadcastId: sent.body.id, status: 'played', startedAt: playing.startedAt, finishedAt: new Date().toISOString() }] });
      expect(receipt.body.accepted).toBe(1);
      expect(await progress()).toMatchObject({ targeted: 2, told: 2, playing: 1, played: 1, pending: 1 });

      expect((await t.http.get(`/api/v1/broadcasts/${sent.body.id}/progress`).set(auth(tree.staffB.token))).status).toBe(404);
      expect((await t.http.get(`/api/v1/broadcasts/${randomUUID()}/progress`).set(auth(t.adminToken))).status).toBe(404);
    } finally {
      for (const s of streams) s.close();
    }
  });
});
