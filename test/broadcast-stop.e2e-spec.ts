import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaPath, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { SseClient } from './helpers/sse.js';
import { waitUntil } from './helpers/waiting.js';

const MINUTE = 60_000;

describe('POST /broadcasts/:id/stop', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let a1: Awaited<ReturnType<typeof createSpeaker>>;
  let a2: Awaited<ReturnType<typeof createSpeaker>>;
  const ids: Record<string, string> = {};
  const stop = (token: string, id: string) => t.http.post(`/api/v1/broadcasts/${id}/stop`).set(auth(token));
  const status = async (id: string) => (await t.app.get(DataSource).getRepository(BroadcastEntity).findOneByOrFail({ id })).status;

  beforeAll(async () => {
    t = await startTestApp({ LOA_RECEIPT_GRACE_SEC: '1' });
    tree = await areaTree(t);
    a1 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    a2 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const provincePath = await areaPath(t, tree.province.id);
    const communeA = { areaId: tree.communeA.id, areaPath: await areaPath(t, tree.communeA.id) };
    const communeB = { areaId: tree.communeB.id, areaPath: await areaPath(t, tree.communeB.id) };
    const segment = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, durationSec: 600 });
    const onAir = { status: 'on_air' as const, startsAt: new Date(Date.now() - MINUTE), segments: [segment] };
    for (const [name, values] of Object.entries({
      normalA: { ...communeA, ...onAir },
      priorityA: { ...communeA, ...onAir, priority: 'priority' as const },
      emergencyA: { ...communeA, ...onAir, priority: 'emergency' as const },
      provinceEmergency: { areaId: tree.province.id, areaPath: provincePath, ...onAir, priority: 'emergency' as const },
      normalB: { ...communeB, ...onAir },
      scheduledA: { ...communeA, status: 'scheduled' as const, startsAt: new Date(Date.now() + 60 * MINUTE), segments: [segment] },
      completedA: { ...communeA, status: 'completed' as const, startsAt: new Date(Date.now() - 60 * MINUTE), segments: [segment] },
    })) ids[name] = (await insertBroadcast(t, values)).id;
    // Each on-air row gets its delivery, as dispatch leaves it (the dispatcher would fill in, or skip, one without).
    const b1 = await createSpeaker(t, t.adminToken, tree.communeB.id);
    for (const name of ['normalA', 'priorityA', 'emergencyA', 'provinceEmergency']) await insertDelivery(t, { broadcastId: ids[name], speakerId: a1.id, communeId: tree.communeA.id });
    await insertDelivery(t, { broadcastId: ids.normalB, speakerId: b1.id, communeId: tree.communeB.id });
  });
  afterAll(() => t.close());

  it('lets each role stop only what is its own: 403 for what it sees but may not stop, 404 for what it cannot see', async () => {
    const cases: Array<[string, string, string, number]> = [
      ['auditor', tree.auditor.token, 'normalA', 403],
      ['commune operator, another commune', tree.operatorA.token, 'normalB', 404],
      ['commune operator, an emergency of its commune', tree.operatorA.token, 'emergencyA', 403],
      ['commune operator, a provincial emergency covering it', tree.operatorA.token, 'provinceEmergency', 403],
      ['district staff, a provincial emergency covering it', tree.staffA.token, 'provinceEmergency', 403],
      ['district staff, another district', tree.staffB.token, 'normalA', 404],
    ];
    for (const [who, token, broadcast, expected] of cases) {
      const res = await stop(token, ids[broadcast]);
      expect({ who, status: res.status }).toEqual({ who, status: expected });
      expect(await status(ids[broadcast])).toBe('on_air');
    }
    expect((await stop(t.adminToken, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await stop(t.adminToken, 'not-a-uuid')).status).toBe(400);

    const allowed: Array<[string, string, string]> = [
      ['commune operator, its own priority broadcast', tree.operatorA.token, 'priorityA'],
      ['district staff, an emergency in its district', tree.staffA.token, 'emergencyA'],
      ['district staff of B, its commune', tree.staffB.token, 'normalB'],
      ['admin, a provincial emergency', t.adminToken, 'provinceEmergency'],
    ];
    for (const [who, token, broadcast] of allowed) {
      const res = await stop(token, ids[broadcast]);
      expect({ who, status: res.status, body: res.body.status }).toEqual({ who, status: 200, body: 'stopped' });
    }
  });

  it('stops an on-air broadcast: its receivers are told at once, its queue drops it, the stop is audited; a second stop is 409', async () => {
    const stream = await SseClient.connect(t.url, a1.deviceToken);
    try {
      await stream.next((e) => e.event === 'hello');
      expect((await t.http.get('/api/v1/device/queue').set(auth(a1.deviceToken))).body.items.map((i: { broadcastId: string }) => i.broadcastId)).toContain(ids.normalA);
      const res = await stop(tree.operatorA.token, ids.normalA);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.normalA, status: 'stopped', reason: expect.stringContaining('stopped by'), counts: { targeted: 1, pending: 1 } });
      expect((await stream.next((e) => e.event === 'cancel')).data).toEqual({ broadcastId: ids.normalA, status: 'stopped' });
      expect((await t.http.get('/api/v1/device/queue').set(auth(a1.deviceToken))).body.items.map((i: { broadcastId: string }) => i.broadcastId)).not.toContain(ids.normalA);
    } finally {
      stream.close();
    }
    const audit = await t.app.get(DataSource).getRepository(AuditEntryEntity).findOneByOrFail({ action: 'broadcast.stop', resourceId: ids.normalA });
    expect(audit.details).toMatchObject({ from: 'on_air', to: 'stopped' });
    const again = await stop(tree.operatorA.token, ids.normalA);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already stopped/);
    expect((await stop(t.adminToken, ids.completedA)).status).toBe(409);
  });

  it('calls off a scheduled broadcast (cancelled); stopping it again is 409', async () => {
    const res = await stop(tree.operatorA.token, ids.scheduledA);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect((await stop(tree.operatorA.token, ids.scheduledA)).body.message).toMatch(/already cancelled/);
  });

  it('finalises a stopped broadcast as usual: what played in part counts as interrupted, the rest missed, in counts and reports', async () => {
    const segment = await createReadySegment(t, { areaId: tree.province.id, durationSec: 3 });
    const startsAt = new Date(Date.now() + 1500);
    const res = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
      .send({ communeId: tree.communeA.id, title: 'Tin chiều', segmentIds: [segment.id], at: startsAt.toISOString(), repeat: 1 });
    expect(res.status).toBe(201);
    const broadcast = await waitUntil(
      async () => (await t.http.get('/api/v1/broadcasts').query({ communeId: tree.communeA.id, status: 'on_air', from: new Date(startsAt.getTime() - 1).toISOString() }).set(auth(t.adminToken))).body.items[0],
      (b) => !!b, 20_000, 'the broadcast on air',
    );
    expect((await stop(tree.operatorA.token, broadcast.id)).status).toBe(200);
    const receipt = await t.http.post('/api/v1/device/receipts').set(auth(a1.deviceToken))
      .send({ receipts: [{ broadcastId: broadcast.id, status: 'interrupted', startedAt: startsAt.toISOString(), finishedAt: new Date().toISOString() }] });
    expect(receipt.body).toEqual({ accepted: 1, duplicates: 0 });

    const finalised = await waitUntil(async () => (await t.http.get(`/api/v1/broadcasts/${broadcast.id}`).set(auth(t.adminToken))).body, (b) => b.finalisedAt !== null, 30_000, 'finalisation');
    expect(finalised).toMatchObject({ status: 'stopped', counts: { targeted: 2, played: 0, interrupted: 1, failed: 0, missed: 1, pending: 0 } });
    const deliveries = (await t.http.get(`/api/v1/broadcasts/${broadcast.id}/deliveries`).set(auth(t.adminToken))).body.items;
    expect(deliveries.map((d: { speakerId: string; status: string }) => [d.speakerId, d.status]).sort()).toEqual([[a1.id, 'interrupted'], [a2.id, 'missed']].sort());
    const report = await t.http.get('/api/v1/reports/deliveries').query({ groupBy: 'commune', areaId: tree.communeA.id, from: new Date(startsAt.getTime() - 1).toISOString() }).set(auth(t.adminToken));
    expect(report.body.items).toEqual([expect.objectContaining({ key: tree.communeA.id, broadcasts: 1, targeted: 2, played: 0, interrupted: 1, missed: 1, airtimeSec: 0 })]);
  });
});
