import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { waitUntil } from './helpers/waiting.js';

jest.setTimeout(60_000);

type Item = { id: string; areaId: string; status: string; counts: Record<string, number> };
const ids = (items: Item[]) => items.map((b) => b.id);

describe('broadcast log', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let emergency: Item;
  let scheduledA: BroadcastEntity[];
  let scheduledB: BroadcastEntity[];

  const list = (token: string, query = '') => t.http.get(`/api/v1/broadcasts${query}`).set(auth(token));

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    const segment = await createReadySegment(t, { areaId: tree.province.id, durationSec: 600 });
    for (const communeId of [tree.communeA.id, tree.communeA.id, tree.communeB.id]) await createSpeaker(t, t.adminToken, communeId);
    const db = t.app.get(DataSource).getRepository(BroadcastEntity);
    // Half a day away, so the ten-minute emergency below never overlaps (and preempts) today's run.
    const hour = (new Date().getUTCHours() + 12) % 24;
    const schedule = async (communeId: string) => {
      const res = await t.http.post('/api/v1/schedules').set(auth(t.adminToken)).send({ communeId, title: 'Sáng', segmentIds: [segment.id], cron: `0 ${hour} * * *`, timezone: 'UTC' });
      return db.findBy({ scheduleId: res.body.id });
    };
    scheduledA = await schedule(tree.communeA.id);
    scheduledB = await schedule(tree.communeB.id);
    const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId: tree.province.id, segmentIds: [segment.id], title: 'Bão số 3' });
    expect(res.status).toBe(201);
    emergency = res.body;
  });
  afterAll(() => t.close());

  it('answers items with the documented fields and delivery counts', async () => {
    const res = await list(t.adminToken, `?status=on_air`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toEqual({
      id: emergency.id, scheduleId: null, areaId: tree.province.id, title: 'Bão số 3', startsAt: expect.any(String), endsAt: expect.any(String),
      priority: 'emergency', repeat: 1, gapSec: 0, segmentIds: [expect.any(String)], speakerIds: null, status: 'on_air', reason: null,
      onAirAt: expect.any(String), finalisedAt: null, createdAt: expect.any(String), counts: { targeted: 3, played: 0, interrupted: 0, failed: 0, missed: 0, pending: 3 },
    });
    expect(Date.parse(res.body.items[0].endsAt) - Date.parse(res.body.items[0].startsAt)).toBe(600_000);
  });

  it('shows each caller its subtree and the emergencies covering it, counting only its own speakers', async () => {
    const all = await list(t.adminToken, '?limit=500');
    expect(ids(all.body.items).sort()).toEqual([emergency.id, ...scheduledA.map((b) => b.id), ...scheduledB.map((b) => b.id)].sort());
    const operator = await list(tree.operatorA.token, '?limit=500');
    expect(ids(operator.body.items).sort()).toEqual([emergency.id, ...scheduledA.map((b) => b.id)].sort());
    expect(operator.body.items.find((b: Item) => b.id === emergency.id).counts).toEqual({ targeted: 2, played: 0, interrupted: 0, failed: 0, missed: 0, pending: 2 });
    const staffB = await list(tree.staffB.token, '?limit=500');
    expect(ids(staffB.body.items).sort()).toEqual([emergency.id, ...scheduledB.map((b) => b.id)].sort());
  });

  it('filters by commune (with the emergencies covering it), time window and status; pages', async () => {
    const commune = await list(tree.auditor.token, `?communeId=${tree.communeB.id}&limit=500`);
    expect(ids(commune.body.items).sort()).toEqual([emergency.id, ...scheduledB.map((b) => b.id)].sort());
    const first = scheduledA[0].startsAt;
    const window = await list(t.adminToken, `?communeId=${tree.communeA.id}&from=${first.toISOString()}&to=${new Date(first.getTime() + 1).toISOString()}`);
    expect(ids(window.body.items)).toEqual([scheduledA[0].id]);
    const scheduled = await list(t.adminToken, '?status=scheduled&limit=1');
    expect(scheduled.body).toMatchObject({ total: scheduledA.length + scheduledB.length, items: [expect.objectContaining({ status: 'scheduled' })] });
    // Newest first.
    const page = (await list(t.adminToken, '?limit=500')).body.items.map((b: { startsAt: string }) => b.startsAt);
    expect([...page].sort().reverse()).toEqual(page);
  });

  it('answers 404 for a commune filter or broadcast outside scope, 400 for bad filters', async () => {
    expect((await list(tree.staffB.token, `?communeId=${tree.communeA.id}`)).status).toBe(404);
    expect((await t.http.get(`/api/v1/broadcasts/${scheduledA[0].id}`).set(auth(tree.staffB.token))).status).toBe(404);
    expect((await t.http.get(`/api/v1/broadcasts/${scheduledA[0].id}/deliveries`).set(auth(tree.staffB.token))).status).toBe(404);
    expect((await t.http.get(`/api/v1/broadcasts/${emergency.id}`).set(auth(tree.staffB.token))).status).toBe(200);
    expect((await t.http.get('/api/v1/broadcasts/00000000-0000-4000-8000-000000000000').set(auth(t.adminToken))).status).toBe(404);
    for (const query of ['?status=aired', '?from=yesterday', '?to=2025-01-01', '?limit=501', '?communeId=abc']) expect((await list(t.adminToken, query)).status).toBe(400);
  });

  it('lists deliveries, an emergency from below showing only that area speakers', async () => {
    const admin = await t.http.get(`/api/v1/broadcasts/${emergency.id}/deliveries`).set(auth(t.adminToken));
    expect(admin.status).toBe(200);
    expect(admin.body.total).toBe(3);
    expect(admin.body.items[0]).toEqual({ speakerId: expect.any(String), communeId: expect.any(String), status: 'pending', startedAt: null, finishedAt: null, error: null, settledAt: null });
    const operator = await t.http.get(`/api/v1/broadcasts/${emergency.id}/deliveries`).set(auth(tree.operatorA.token));
    expect(operator.body.total).toBe(2);
    expect(operator.body.items.every((d: { communeId: string }) => d.communeId === tree.communeA.id)).toBe(true);
  });
});

describe('emergency broadcasts', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let short: { id: string };
  let long: { id: string };

  const emergency = (token: string, body: Record<string, unknown>) => t.http.post('/api/v1/broadcasts/emergency').set(auth(token)).send({ title: 'Lũ quét', ...body });
  const status = async (id: string) => (await t.http.get(`/api/v1/broadcasts/${id}`).set(auth(t.adminToken))).body;
  const oneOff = async (communeId: string, inMs: number, extra: Record<string, unknown> = {}) => {
    const res = await t.http.post('/api/v1/schedules').set(auth(t.adminToken)).send({ communeId, title: 'Thường', segmentIds: [long.id], at: new Date(Date.now() + inMs).toISOString(), ...extra });
    if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
    return (await t.app.get(DataSource).getRepository(BroadcastEntity).findBy({ scheduleId: res.body.id }))[0];
  };

  beforeAll(async () => {
    t = await startTestApp({ LOA_RECEIPT_GRACE_SEC: '1' });
    tree = await areaTree(t);
    short = await createReadySegment(t, { areaId: tree.province.id, durationSec: 3 });
    long = await createReadySegment(t, { areaId: tree.province.id, durationSec: 120 });
  });
  afterAll(() => t.close());

  it('refuses callers and bodies it must refuse', async () => {
    await createSpeaker(t, t.adminToken, tree.communeA.id);
    expect((await emergency(tree.operatorA.token, { areaId: tree.communeA.id, segmentIds: [short.id] })).status).toBe(403);
    expect((await emergency(tree.auditor.token, { areaId: tree.communeA.id, segmentIds: [short.id] })).status).toBe(403);
    expect((await emergency(tree.staffB.token, { areaId: tree.districtA.id, segmentIds: [short.id] })).status).toBe(403);
    const unknown = await emergency(t.adminToken, { areaId: '00000000-0000-4000-8000-000000000000', segmentIds: [short.id] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/areaId/);
    expect((await emergency(t.adminToken, { areaId: tree.districtA.id, segmentIds: [] })).status).toBe(400);
    expect((await emergency(t.adminToken, { areaId: tree.districtA.id, segmentIds: [short.id], title: '' })).status).toBe(400);
    const unapproved = await createReadySegment(t, { areaId: tree.province.id, approved: false });
    expect((await emergency(t.adminToken, { areaId: tree.districtA.id, segmentIds: [unapproved.id] })).body.message).toMatch(/segmentIds: .*not approved/);
    const foreign = await createReadySegment(t, { areaId: tree.districtB.id });
    expect((await emergency(tree.staffA.token, { areaId: tree.districtA.id, segmentIds: [foreign.id] })).status).toBe(403);
    const empty = await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtB.id });
    const silent = await emergency(t.adminToken, { areaId: empty.id, segmentIds: [short.id] });
    expect(silent.status).toBe(400);
    expect(silent.body.message).toMatch(/areaId: .*no speakers/);
  });

  it('plays at once on every speaker of the subtree, preempting lower broadcasts there, on air ones included', async () => {
    const district = await createArea(t, t.adminToken, { kind: 'district', parentId: tree.province.id });
    const commune = await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id });
    const other = await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id });
    const [s1, s2, s3] = [await createSpeaker(t, t.adminToken, commune.id), await createSpeaker(t, t.adminToken, commune.id), await createSpeaker(t, t.adminToken, other.id)];
    const outside = await createSpeaker(t, t.adminToken, tree.communeB.id);

    const onAir = await oneOff(commune.id, 1500, { speakerIds: [s1.id] });
    const upcoming = await oneOff(commune.id, 60_000, { speakerIds: [s2.id], priority: 'priority' });
    const later = await oneOff(commune.id, 3_600_000);
    const elsewhere = await oneOff(tree.communeB.id, 60_000);
    await waitUntil(() => status(onAir.id), (b) => b.status === 'on_air', 10_000, 'normal broadcast on air');

    // 120 s long: it overlaps "upcoming" (in 60 s) but not "later" (in an hour).
    const res = await emergency(t.adminToken, { areaId: district.id, segmentIds: [long.id] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scheduleId: null, areaId: district.id, priority: 'emergency', status: 'on_air', counts: { targeted: 3, pending: 3 } });
    const deliveries = (await t.http.get(`/api/v1/broadcasts/${res.body.id}/deliveries`).set(auth(t.adminToken))).body;
    expect(deliveries.items.map((d: { speakerId: string }) => d.speakerId).sort()).toEqual([s1.id, s2.id, s3.id].sort());
    expect(deliveries.items.map((d: { speakerId: string }) => d.speakerId)).not.toContain(outside.id);

    expect(await status(onAir.id)).toMatchObject({ status: 'preempted', reason: expect.stringContaining(res.body.id), finalisedAt: expect.any(String), counts: { targeted: 1, missed: 1, pending: 0 } });
    const cut = (await t.http.get(`/api/v1/broadcasts/${onAir.id}/deliveries`).set(auth(t.adminToken))).body.items[0];
    expect(cut).toMatchObject({ speakerId: s1.id, status: 'missed', error: expect.stringMatching(/preempted by emergency/) });
    expect(await status(upcoming.id)).toMatchObject({ status: 'preempted', reason: expect.stringContaining(res.body.id) });
    expect((await status(later.id)).status).toBe('scheduled');
    expect((await status(elsewhere.id)).status).toBe('scheduled');

    // A normal broadcast materialised while the emergency is live, on its speakers, is preempted at once.
    const underneath = await oneOff(other.id, 5000);
    expect(underneath.status).toBe('preempted');
    expect(underneath.reason).toMatch(new RegExp(`preempted by emergency broadcast ${res.body.id}`));
  });

  it('plays one emergency at a time on a speaker: a second one sent at once, or a second later, waits for the first there (§14)', async () => {
    const district = await createArea(t, t.adminToken, { kind: 'district', parentId: tree.province.id });
    const [east, west] = [await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id }), await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id })];
    const [s1, s2] = [await createSpeaker(t, t.adminToken, east.id), await createSpeaker(t, t.adminToken, west.id)];
    type Sent = { id: string; areaId: string; status: string; startsAt: string; endsAt: string; reason: string | null };

    // Sent together: the commune's and the district's (sharing speaker s1), from two requests racing.
    const together = await Promise.all([emergency(t.adminToken, { areaId: east.id, segmentIds: [short.id], title: 'Lũ' }), emergency(t.adminToken, { areaId: district.id, segmentIds: [short.id], title: 'Sạt lở' })]);
    expect(together.map((r) => r.status)).toEqual([201, 201]);
    const [first, second] = together.map((r) => r.body as Sent).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    expect(first.status).toBe('on_air');
    expect(second).toMatchObject({ status: 'scheduled', startsAt: first.endsAt, reason: expect.stringContaining(first.id) });
    const districtWide = [first, second].find((b) => b.areaId === district.id)!;

    // A second later, the other commune's: it shares s2 with the district's only, and takes its turn after it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = await emergency(t.adminToken, { areaId: west.id, segmentIds: [short.id], title: 'Lũ ống' });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ status: 'scheduled', startsAt: districtWide.endsAt });

    // What each receiver is told never holds two emergencies at once.
    for (const speaker of [s1, s2]) {
      const items = (await t.http.get('/api/v1/device/queue').set(auth(speaker.deviceToken)).expect(200)).body.items as Array<{ broadcastId: string; startsAt: string; endsAt: string }>;
      expect(items.length).toBe(2);
      const [a, b] = items.sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt));
      expect(Date.parse(a.endsAt)).toBeLessThanOrEqual(Date.parse(b.startsAt));
    }

    // The waiting one goes on air at its turn, on every speaker of its area.
    expect(await waitUntil(() => status(second.id), (b) => b.status !== 'scheduled', 15_000, 'second emergency on air')).toMatchObject({
      status: expect.stringMatching(/^(on_air|missed)$/), onAirAt: expect.any(String), counts: { targeted: second.areaId === district.id ? 2 : 1 },
    });
    const audit = (await t.http.get('/api/v1/audit').query({ action: 'broadcast.emergency' }).set(auth(t.adminToken))).body.items;
    expect(audit.find((e: { resourceId: string }) => e.resourceId === second.id).details).toMatchObject({ startsAt: second.startsAt, waitsFor: [first.id] });
  });

  it('is finalised after its end plus the grace', async () => {
    const res = await emergency(tree.staffA.token, { areaId: tree.communeA.id, segmentIds: [short.id] });
    expect(res.status).toBe(201);
    expect(await waitUntil(() => status(res.body.id), (b) => b.status !== 'on_air', 10_000, 'finalised')).toMatchObject({ status: 'missed', counts: { missed: 1 } });
    const audit = await t.http.get('/api/v1/audit').set(auth(t.adminToken));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('broadcast.emergency');
  });
});
