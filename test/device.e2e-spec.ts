import { startTestApp, type TestApp } from './helpers/app.js';
import { areaPath, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('device API: queue and authentication', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let s1: Awaited<ReturnType<typeof createSpeaker>>;
  let s2: Awaited<ReturnType<typeof createSpeaker>>;
  let s3: Awaited<ReturnType<typeof createSpeaker>>;
  const ids: Record<string, string> = {};
  let segment: Awaited<ReturnType<typeof insertSegment>>;
  let other: Awaited<ReturnType<typeof insertSegment>>;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    s1 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    s2 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    s3 = await createSpeaker(t, t.adminToken, tree.communeB.id);
    const provincePath = await areaPath(t, tree.province.id);
    const communeAPath = await areaPath(t, tree.communeA.id);
    const communeBPath = await areaPath(t, tree.communeB.id);
    segment = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, durationSec: 95.5 });
    other = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, durationSec: 40 });
    const now = Date.now();
    const inCommuneA = { areaId: tree.communeA.id, areaPath: communeAPath };

    const onAir = await insertBroadcast(t, { ...inCommuneA, status: 'on_air', startsAt: new Date(now - MINUTE), segments: [segment, other], repeat: 2, gapSec: 15 });
    await insertDelivery(t, { broadcastId: onAir.id, speakerId: s1.id, communeId: tree.communeA.id });
    await insertDelivery(t, { broadcastId: onAir.id, speakerId: s2.id, communeId: tree.communeA.id, status: 'played', startedAt: new Date(now - MINUTE), settledAt: new Date() });
    ids.onAir = onAir.id;
    ids.forCommune = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + HOUR), segments: [segment] })).id;
    ids.forS2Only = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + 2 * HOUR), segments: [other], speakerIds: [s2.id] })).id;
    ids.tooFar = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + 30 * HOUR), segments: [segment] })).id;
    ids.emergency = (await insertBroadcast(t, { areaId: tree.province.id, areaPath: provincePath, status: 'scheduled', priority: 'emergency', startsAt: new Date(now + 5 * MINUTE), segments: [other] })).id;
    ids.communeB = (await insertBroadcast(t, { areaId: tree.communeB.id, areaPath: communeBPath, status: 'scheduled', startsAt: new Date(now + HOUR), segments: [segment] })).id;
    ids.cancelled = (await insertBroadcast(t, { ...inCommuneA, status: 'cancelled', startsAt: new Date(now + HOUR), segments: [segment] })).id;
    ids.ended = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now - HOUR), segments: [segment] })).id;
    const completed = await insertBroadcast(t, { ...inCommuneA, status: 'completed', startsAt: new Date(now - 3 * HOUR), segments: [segment] });
    await insertDelivery(t, { broadcastId: completed.id, speakerId: s1.id, communeId: tree.communeA.id, status: 'played' });
  });
  afterAll(() => t.close());

  const queueOf = async (token: string) => {
    const res = await t.http.get('/api/v1/device/queue').set(auth(token));
    expect(res.status).toBe(200);
    return res.body as { now: string; items: Array<{ broadcastId: string; startsAt: string; segments: Array<{ id: string; url: string; sha256: string; durationSec: number }> } & Record<string, unknown>> };
  };

  it('lists pending deliveries and what will target the speaker within the lookahead, by start time', async () => {
    const queue = await queueOf(s1.deviceToken);
    expect(queue.items.map((i) => i.broadcastId)).toEqual([ids.onAir, ids.emergency, ids.forCommune]);
    expect(Math.abs(Date.parse(queue.now) - Date.now())).toBeLessThan(5000);
    expect(queue.now).toMatch(/Z$/);
  });

  it('describes each item with its playlist: rendition url, rendition sha256 and duration', async () => {
    const [item] = (await queueOf(s1.deviceToken)).items;
    expect(item).toEqual({
      broadcastId: ids.onAir,
      startsAt: expect.stringMatching(/Z$/),
      endsAt: expect.stringMatching(/Z$/),
      priority: 'normal',
      repeat: 2,
      gapSec: 15,
      segments: [
        { id: segment.id, url: `/api/v1/device/audio/${segment.id}`, sha256: segment.renditionSha256, durationSec: 95.5 },
        { id: other.id, url: `/api/v1/device/audio/${other.id}`, sha256: other.renditionSha256, durationSec: 40 },
      ],
    });
    expect(item.segments[0].sha256).not.toBe(segment.sha256);
  });

  it('leaves out settled deliveries, other speakers, other communes, far-off, ended and cancelled broadcasts', async () => {
    expect((await queueOf(s2.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.forCommune, ids.forS2Only]);
    expect((await queueOf(s3.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.communeB]);
  });

  it('marks the speaker seen', async () => {
    const fresh = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const before = await t.http.get(`/api/v1/speakers/${fresh.id}`).set(auth(t.adminToken));
    expect(before.body).toMatchObject({ lastSeenAt: null, online: false });
    await queueOf(fresh.deviceToken);
    const after = await t.http.get(`/api/v1/speakers/${fresh.id}`).set(auth(t.adminToken));
    expect(after.body.online).toBe(true);
    expect(Math.abs(Date.parse(after.body.lastSeenAt) - Date.now())).toBeLessThan(5000);
  });

  it('follows a speaker moved to another commune (merge)', async () => {
    const moving = await createSpeaker(t, t.adminToken, tree.communeA.id);
    expect((await queueOf(moving.deviceToken)).items.map((i) => i.broadcastId)).toContain(ids.forCommune);
    const moved = await t.http.patch(`/api/v1/speakers/${moving.id}`).set(auth(t.adminToken)).send({ communeId: tree.communeB.id });
    expect(moved.status).toBe(200);
    expect((await queueOf(moving.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.communeB]);
  });

  it('refuses missing, unknown and user tokens on device routes, and device tokens on user routes', async () => {
    const none = await t.http.get('/api/v1/device/queue');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await t.http.get('/api/v1/device/queue').set(auth('loa_dev_nonsense'))).status).toBe(401);
    expect((await t.http.get('/api/v1/device/queue').set(auth(t.adminToken))).status).toBe(401);
    expect((await t.http.get('/api/v1/device/queue').set(auth(tree.operatorA.token))).status).toBe(401);
    expect((await t.http.get('/api/v1/speakers').set(auth(s1.deviceToken))).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set(auth(s1.deviceToken))).status).toBe(401);
  });

  it('stops answering a rotated token', async () => {
    const rotating = await createSpeaker(t, t.adminToken, tree.communeA.id);
    await queueOf(rotating.deviceToken);
    const rotated = await t.http.post(`/api/v1/speakers/${rotating.id}/token`).set(auth(t.adminToken));
    expect(rotated.status).toBe(201);
    expect((await t.http.get('/api/v1/device/queue').set(auth(rotating.deviceToken))).status).toBe(401);
    await queueOf(rotated.body.deviceToken);
  });
});
