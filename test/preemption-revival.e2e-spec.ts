import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { SseClient } from './helpers/sse.js';
import { waitUntil } from './helpers/waiting.js';

/**
 * An emergency stopped early (SPEC §9 says nothing of what it had preempted; a commune operator expects
 * the programme back if its time has not gone): what it kept off the air before it started airs after
 * all where its window is still open and nothing else outranks it; what it cut off mid-play stays
 * `preempted` (its receivers reported it interrupted).
 */
describe('what a stopped emergency had preempted', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let long: { id: string };

  const broadcastOf = (id: string) => t.app.get(DataSource).getRepository(BroadcastEntity).findOneByOrFail({ id });
  const oneOff = async (communeId: string, inMs: number, extra: Record<string, unknown> = {}) => {
    const res = await t.http.post('/api/v1/schedules').set(auth(t.adminToken)).send({ communeId, title: 'Thường', segmentIds: [long.id], at: new Date(Date.now() + inMs).toISOString(), ...extra });
    if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
    return (await t.app.get(DataSource).getRepository(BroadcastEntity).findBy({ scheduleId: res.body.id }))[0];
  };

  beforeAll(async () => {
    t = await startTestApp({ LOA_RECEIPT_GRACE_SEC: '1' });
    tree = await areaTree(t);
    long = await createReadySegment(t, { areaId: tree.province.id, durationSec: 120 });
  });
  afterAll(() => t.close());

  it('puts back what it preempted before it aired (at once if its start has passed), not what it cut off nor what another still outranks; receivers are told, each revival audited', async () => {
    const district = await createArea(t, t.adminToken, { kind: 'district', parentId: tree.province.id });
    const commune = await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id });
    const [s1, s2, s3, s4] = [await createSpeaker(t, t.adminToken, commune.id), await createSpeaker(t, t.adminToken, commune.id), await createSpeaker(t, t.adminToken, commune.id), await createSpeaker(t, t.adminToken, commune.id)];
    const cutOff = await oneOff(commune.id, 1500, { speakerIds: [s1.id] });
    const ahead = await oneOff(commune.id, 60_000, { speakerIds: [s2.id] });
    const passed = await oneOff(commune.id, 6000, { speakerIds: [s3.id] });
    const priority = await oneOff(commune.id, 60_000, { speakerIds: [s4.id], priority: 'priority' });
    const under = await oneOff(commune.id, 60_000, { speakerIds: [s4.id] }); // preempted by `priority` from the start
    expect(under.status).toBe('preempted');
    await waitUntil(() => broadcastOf(cutOff.id), (b) => b.status === 'on_air', 10_000, 'the first programme on air');

    const stream = await SseClient.connect(t.url, s2.deviceToken);
    try {
      await stream.next((e) => e.event === 'hello');
      // 120 s long: it overlaps all of them.
      const emergency = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ title: 'Lũ quét', areaId: district.id, segmentIds: [long.id] });
      expect(emergency.status).toBe(201);
      for (const b of [cutOff, ahead, passed, priority]) expect(await broadcastOf(b.id)).toMatchObject({ status: 'preempted', reason: expect.stringContaining(emergency.body.id) });
      expect((await stream.next((e) => e.event === 'cancel')).data).toEqual({ broadcastId: ahead.id, status: 'preempted' });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, passed.startsAt.getTime() + 500 - Date.now()))); // its start goes by under the emergency

      const stop = await t.http.post(`/api/v1/broadcasts/${emergency.body.id}/stop`).set(auth(t.adminToken));
      expect(stop.status).toBe(200);
      expect(await broadcastOf(cutOff.id)).toMatchObject({ status: 'preempted', reason: expect.stringContaining(emergency.body.id) });
      expect(await broadcastOf(ahead.id)).toMatchObject({ status: 'scheduled', reason: null, startsAt: ahead.startsAt });
      expect(await broadcastOf(priority.id)).toMatchObject({ status: 'scheduled', reason: null });
      expect(await broadcastOf(under.id)).toMatchObject({ status: 'preempted', reason: expect.stringContaining(priority.id) });
      const told = await stream.next((e) => e.event === 'broadcast' && (e.data as { broadcastId: string }).broadcastId === ahead.id);
      expect(told.data).toMatchObject({ broadcastId: ahead.id, startsAt: ahead.startsAt.toISOString(), priority: 'normal' });
      // Its start went by while the emergency held its speaker: it goes on air at once, with its delivery.
      await waitUntil(() => broadcastOf(passed.id), (b) => b.status === 'on_air', 10_000, 'the passed programme on air');
      const deliveries = (await t.http.get(`/api/v1/broadcasts/${passed.id}/deliveries`).set(auth(t.adminToken))).body.items;
      expect(deliveries).toMatchObject([{ speakerId: s3.id, status: 'pending' }]);
      expect((await t.http.get('/api/v1/device/queue').set(auth(s3.deviceToken))).body.items.map((i: { broadcastId: string }) => i.broadcastId)).toContain(passed.id);

      const audits = await t.app.get(DataSource).getRepository(AuditEntryEntity).findBy({ action: 'broadcast.revive' });
      const revived = audits.filter((a) => (a.details as { freedBy: string[] }).freedBy.includes(emergency.body.id)).map((a) => a.resourceId).sort();
      expect(revived).toEqual([ahead.id, passed.id, priority.id].sort());
    } finally {
      stream.close();
    }
  });
});
