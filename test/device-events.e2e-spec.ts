import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/app-config.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { SseClient, type SseEvent } from './helpers/sse.js';

type Item = { broadcastId: string; startsAt: string; priority: string; segments: Array<{ id: string; sha256: string }> };
const about = (event: string, broadcastId: string) => (e: SseEvent) => e.event === event && (e.data as Item).broadcastId === broadcastId;

describe('push channel: GET /device/events', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let a1: Awaited<ReturnType<typeof createSpeaker>>;
  let a2: Awaited<ReturnType<typeof createSpeaker>>;
  let b1: Awaited<ReturnType<typeof createSpeaker>>;
  let streams: Record<string, SseClient>;
  let segmentId: string;
  const open: SseClient[] = [];
  const connect = async (token: string, url = t.url) => {
    const client = await SseClient.connect(url, token);
    open.push(client);
    return client;
  };
  const schedule = async (body: Record<string, unknown>) => {
    const res = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token)).send({ communeId: tree.communeA.id, title: 'Bản tin', segmentIds: [segmentId], ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const queueItem = async (token: string, broadcastId: string) => {
    const res = await t.http.get('/api/v1/device/queue').set(auth(token));
    return (res.body.items as Item[]).find((i) => i.broadcastId === broadcastId);
  };

  beforeAll(async () => {
    t = await startTestApp({ LOA_PUSH_HEARTBEAT_SEC: '1' });
    tree = await areaTree(t);
    a1 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    a2 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    b1 = await createSpeaker(t, t.adminToken, tree.communeB.id);
    segmentId = (await createReadySegment(t, { areaId: tree.province.id, durationSec: 20 })).id;
    streams = { a1: await connect(a1.deviceToken), a2: await connect(a2.deviceToken), b1: await connect(b1.deviceToken) };
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await t.close();
  });

  it('greets every connection with hello {now}, and refuses a missing or unknown token', async () => {
    for (const client of Object.values(streams)) {
      expect(client.status).toBe(200);
      const hello = await client.next();
      expect(hello.event).toBe('hello');
      expect(Math.abs(Date.parse((hello.data as { now: string }).now) - hello.at)).toBeLessThan(2000);
    }
    expect((await SseClient.connect(t.url, 'loa_dev_not-a-token')).status).toBe(401);
    expect((await t.http.get('/api/v1/device/events')).status).toBe(401);
  });

  it('sends a comment line every heartbeat (LOA_PUSH_HEARTBEAT_SEC)', async () => {
    const before = streams.b1.comments;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(streams.b1.comments - before).toBeGreaterThanOrEqual(1);
  });

  it('announces a schedule broadcast to the speakers it targets as it is created, the same item as /device/queue, and cancels it when the schedule is deleted', async () => {
    const created = await schedule({ at: new Date(Date.now() + 3_600_000).toISOString(), speakerIds: [a1.id] });
    const event = await streams.a1.next((e) => e.event === 'broadcast');
    const item = event.data as Item;
    expect(item).toEqual(await queueItem(a1.deviceToken, item.broadcastId));
    expect(item.segments[0]).toEqual(expect.objectContaining({ id: segmentId, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }));

    expect((await t.http.delete(`/api/v1/schedules/${created.id}`).set(auth(tree.operatorA.token))).status).toBe(200);
    expect((await streams.a1.next((e) => e.event === 'cancel')).data).toEqual({ broadcastId: item.broadcastId, status: 'cancelled' });
    // Not addressed to a2 (speakerIds) nor b1 (another commune).
    expect(streams.a2.about('broadcast', item.broadcastId)).toEqual([]);
    expect(streams.b1.about('broadcast', item.broadcastId)).toEqual([]);
  });

  it('announces a broadcast again when it goes on air, and cancels one skipped at dispatch', async () => {
    const startsAt = new Date(Date.now() + 2500);
    await schedule({ at: startsAt.toISOString() });
    const scheduled = await streams.a2.next((e) => e.event === 'broadcast');
    const id = (scheduled.data as Item).broadcastId;
    const onAir = await streams.a2.next(about('broadcast', id));
    expect(onAir.at).toBeGreaterThanOrEqual(startsAt.getTime());
    expect(onAir.data).toEqual(await queueItem(a2.deviceToken, id));
    await streams.a1.next(about('broadcast', id));

    // A segment retired after scheduling: the broadcast is skipped when due, and its receivers told.
    const doomed = await createReadySegment(t, { areaId: tree.province.id, durationSec: 5 });
    const res = await t.http.post('/api/v1/schedules').set(auth(tree.staffB.token)).send({ communeId: tree.communeB.id, title: 'Tin xã', segmentIds: [doomed.id], at: new Date(Date.now() + 2500).toISOString() });
    expect(res.status).toBe(201);
    const skippedId = ((await streams.b1.next((e) => e.event === 'broadcast')).data as Item).broadcastId;
    expect((await t.http.delete(`/api/v1/segments/${doomed.id}`).set(auth(t.adminToken))).status).toBe(200);
    expect((await streams.b1.next((e) => e.event === 'cancel')).data).toEqual({ broadcastId: skippedId, status: 'skipped' });
  });

  it('announces an emergency at once to every speaker below its area, and cancels what it preempts', async () => {
    const onAir = streams.a1.events.filter((e) => e.event === 'broadcast').at(-1)!.data as Item;
    const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(tree.staffA.token)).send({ areaId: tree.districtA.id, segmentIds: [segmentId], title: 'Lũ quét' });
    expect(res.status).toBe(201);
    for (const client of [streams.a1, streams.a2]) {
      const event = await client.next(about('broadcast', res.body.id));
      expect(event.data).toEqual(expect.objectContaining({ broadcastId: res.body.id, priority: 'emergency' }));
      expect((await client.next(about('cancel', onAir.broadcastId))).data).toEqual({ broadcastId: onAir.broadcastId, status: 'preempted' });
    }
    expect(streams.b1.about('broadcast', res.body.id)).toEqual([]);
  });

  it('ends the stream with a token event when the token is rotated', async () => {
    const res = await t.http.post(`/api/v1/speakers/${a2.id}/token`).set(auth(tree.staffA.token));
    expect(res.status).toBe(201);
    expect((await streams.a2.next((e) => e.event === 'token')).data).toEqual({ revoked: true });
    await streams.a2.closed();
    expect((await SseClient.connect(t.url, a2.deviceToken)).status).toBe(401);
    const renewed = await connect(res.body.deviceToken);
    expect((await renewed.next()).event).toBe('hello');
  });

  it('keeps one stream per speaker: a second connection replaces the first', async () => {
    const second = await connect(a1.deviceToken);
    expect((await second.next()).event).toBe('hello');
    await streams.a1.closed();
    expect(second.ended).toBe(false);
    streams.a1 = second;
  });

  describe('across api processes on one Redis prefix', () => {
    let other: INestApplication;
    let otherUrl: string;

    beforeAll(async () => {
      other = await createApp(loadConfig({ ...t.env, LOA_ROLES: 'api' }));
      await other.listen(0, '127.0.0.1');
      otherUrl = `http://127.0.0.1:${(other.getHttpServer().address() as { port: number }).port}`;
    });
    afterAll(() => other.close());

    it('fans events out to streams held by the other process, and one stream per speaker holds across them', async () => {
      const there = await connect(b1.deviceToken, otherUrl);
      expect((await there.next()).event).toBe('hello');
      await streams.b1.closed();

      const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(tree.staffB.token)).send({ areaId: tree.communeB.id, segmentIds: [segmentId], title: 'Cháy rừng' });
      expect(res.status).toBe(201);
      expect((await there.next(about('broadcast', res.body.id))).data).toEqual(expect.objectContaining({ priority: 'emergency' }));

      // Back on the first process: the other process's stream closes.
      const back = await connect(b1.deviceToken);
      expect((await back.next()).event).toBe('hello');
      await there.closed();
      expect(back.ended).toBe(false);
    });
  });
});
