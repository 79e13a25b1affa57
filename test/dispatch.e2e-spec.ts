import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DataSource, In } from 'typeorm';
import { AreaEntity } from '../src/areas/area.entity.js';
import { dispatchJobId, finaliseJobId } from '../src/broadcasts/broadcast-jobs.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { DeliveriesRepository } from '../src/broadcasts/deliveries.repository.js';
import { DeliveryEntity } from '../src/broadcasts/delivery.entity.js';
import { WriteTransactions } from '../src/database/write-transactions.js';
import { QueueName } from '../src/queue/queue.constants.js';
import { SchedulerTick } from '../src/schedules/scheduler.tick.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { deleteRedisPrefix } from './helpers/redis-prefix.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment, updateSegment } from './helpers/segments.js';
import { waitUntil } from './helpers/waiting.js';

// Broadcasts really air here, seconds apart; the e2e project's testTimeout is not applied per project.
jest.setTimeout(60_000);

const GRACE = { LOA_RECEIPT_GRACE_SEC: '1' };

async function oneOff(t: TestApp, token: string, communeId: string, segmentIds: string[], inMs: number, extra: Record<string, unknown> = {}) {
  const at = new Date(Date.now() + inMs);
  const res = await t.http.post('/api/v1/schedules').set(auth(token)).send({ communeId, title: 'Thông báo', segmentIds, at: at.toISOString(), ...extra });
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  const [broadcast] = await t.app.get(DataSource).getRepository(BroadcastEntity).findBy({ scheduleId: res.body.id });
  return { schedule: res.body as { id: string }, broadcast };
}

const broadcastStatus = (t: TestApp, id: string) => t.http.get(`/api/v1/broadcasts/${id}`).set(auth(t.adminToken)).then((r) => r.body);
const deliveriesOf = (t: TestApp, id: string) => t.http.get(`/api/v1/broadcasts/${id}/deliveries`).set(auth(t.adminToken)).then((r) => r.body);

describe('dispatch', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let segment: { id: string };

  beforeAll(async () => {
    t = await startTestApp(GRACE);
    tree = await areaTree(t);
    segment = await createReadySegment(t, { areaId: tree.districtA.id, durationSec: 2 });
  });
  afterAll(() => t.close());

  it('puts a one-off on air at its start with pending deliveries (speakers added later included), then finalises it missed', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    const first = await createSpeaker(t, t.adminToken, communeId);
    const { broadcast } = await oneOff(t, tree.staffA.token, communeId, [segment.id], 3000);
    const added = await createSpeaker(t, t.adminToken, communeId);
    expect(await broadcastStatus(t, broadcast.id)).toMatchObject({ status: 'scheduled', counts: { targeted: 0, pending: 0, played: 0, interrupted: 0, failed: 0, missed: 0 } });

    const onAir = await waitUntil(() => broadcastStatus(t, broadcast.id), (b) => b.status !== 'scheduled', 10_000, 'on air');
    expect(onAir).toMatchObject({ status: 'on_air', counts: { targeted: 2, pending: 2 } });
    const lateness = Date.parse(onAir.onAirAt) - broadcast.startsAt.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(2000);
    const deliveries = await deliveriesOf(t, broadcast.id);
    expect(deliveries.total).toBe(2);
    expect(deliveries.items.map((d: { speakerId: string }) => d.speakerId).sort()).toEqual([first.id, added.id].sort());
    expect(deliveries.items[0]).toMatchObject({ status: 'pending', startedAt: null, finishedAt: null, error: null, communeId });

    // endsAt = start + 2 s; the finaliser runs 1 s (the grace) later.
    const final = await waitUntil(() => broadcastStatus(t, broadcast.id), (b) => b.status !== 'on_air', 10_000, 'finalised');
    expect(final).toMatchObject({ status: 'missed', counts: { targeted: 2, pending: 0, missed: 2 }, finalisedAt: expect.any(String) });
    expect(Date.parse(final.finalisedAt)).toBeGreaterThanOrEqual(broadcast.endsAt.getTime() + 1000);
    expect((await deliveriesOf(t, broadcast.id)).items.every((d: { status: string }) => d.status === 'missed')).toBe(true);
  });

  it('settles receipts: first terminal one wins, late ones count and recompute the final status', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    const [a, b] = [await createSpeaker(t, t.adminToken, communeId), await createSpeaker(t, t.adminToken, communeId)];
    const { broadcast } = await oneOff(t, t.adminToken, communeId, [segment.id], 2500);
    await waitUntil(() => broadcastStatus(t, broadcast.id), (x) => x.status === 'on_air', 10_000, 'on air');
    const deliveries = t.app.get(DeliveriesRepository);
    const played = { broadcastId: broadcast.id, status: 'played' as const, startedAt: broadcast.startsAt, finishedAt: broadcast.endsAt, error: null };
    expect(await deliveries.settleReceipts(a.id, [played, { ...played, status: 'failed' }], new Date(), new Date())).toEqual({ accepted: 1, duplicates: 1, unknownBroadcastIds: [], fillingBroadcastIds: [], lateBroadcastIds: [] });
    const stranger = '00000000-0000-4000-8000-000000000001';
    expect(await deliveries.settleReceipts(a.id, [played, { ...played, broadcastId: stranger }], new Date(), new Date())).toEqual({ accepted: 0, duplicates: 1, unknownBroadcastIds: [stranger], fillingBroadcastIds: [], lateBroadcastIds: [] });

    expect(await waitUntil(() => broadcastStatus(t, broadcast.id), (x) => x.status !== 'on_air', 10_000, 'finalised')).toMatchObject({ status: 'partial', counts: { played: 1, missed: 1, pending: 0 } });
    // A late receipt turns b's missed delivery into played: the broadcast is complete after all.
    expect(await deliveries.settleReceipts(b.id, [{ ...played, finishedAt: null }], new Date(), new Date())).toEqual({ accepted: 1, duplicates: 0, unknownBroadcastIds: [], fillingBroadcastIds: [], lateBroadcastIds: [broadcast.id] });
    expect(await broadcastStatus(t, broadcast.id)).toMatchObject({ status: 'completed', counts: { targeted: 2, played: 2, missed: 0 } });
    const rows = (await deliveriesOf(t, broadcast.id)).items;
    expect(rows.find((d: { speakerId: string }) => d.speakerId === a.id)).toMatchObject({ status: 'played', startedAt: broadcast.startsAt.toISOString(), finishedAt: broadcast.endsAt.toISOString() });
    expect(rows.find((d: { speakerId: string }) => d.speakerId === b.id)).toMatchObject({ status: 'played', finishedAt: null });
    expect(await deliveries.settleReceipts(b.id, [{ ...played, status: 'failed', error: 'amplifier off' }], new Date(), new Date())).toEqual({ accepted: 0, duplicates: 1, unknownBroadcastIds: [], fillingBroadcastIds: [], lateBroadcastIds: [] });
  });

  it('settles a batch of 500 receipts with a handful of statements', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    const speaker = await createSpeaker(t, t.adminToken, communeId);
    const db = t.app.get(DataSource);
    const { path: areaPath } = await db.getRepository(AreaEntity).findOneByOrFail({ id: communeId });
    const now = new Date();
    const rows: BroadcastEntity[] = Array.from({ length: 500 }, (_, i) => ({
      id: randomUUID(), scheduleId: null, areaId: communeId, areaPath, title: `b${i}`, startsAt: new Date(now.getTime() - 60_000), endsAt: now,
      priority: 'normal', repeat: 1, gapSec: 0, segmentIds: [segment.id], segmentDurations: [2], speakerIds: null, status: 'on_air', reason: null,
      createdBy: null, createdAt: now, onAirAt: now, finalisedAt: null, notBefore: null,
    }));
    await db.getRepository(BroadcastEntity).insert(rows);
    const deliveries = t.app.get(DeliveriesRepository);
    await t.app.get(WriteTransactions).run((m) => deliveries.createPendingMany(m, rows.map((r) => ({ broadcastId: r.id, targets: [{ speakerId: speaker.id, communeId }] })), now));

    const logger = db.logger as { logQuery: (...args: unknown[]) => void };
    const original = logger.logQuery;
    let statements = 0;
    logger.logQuery = (...args) => (statements++, original.apply(logger, args));
    try {
      const receipts = rows.map((r, i) => ({ broadcastId: r.id, status: i % 10 ? ('played' as const) : ('failed' as const), startedAt: r.startsAt, finishedAt: r.endsAt, error: i % 10 ? null : 'no power' }));
      expect(await deliveries.settleReceipts(speaker.id, receipts, new Date(), new Date())).toEqual({ accepted: 500, duplicates: 0, unknownBroadcastIds: [], fillingBroadcastIds: [], lateBroadcastIds: [] });
    } finally {
      logger.logQuery = original;
    }
    expect(statements).toBeLessThan(25);
    const settled = await db.getRepository(DeliveryEntity).findBy({ speakerId: speaker.id, broadcastId: In(rows.map((r) => r.id)) });
    expect(settled.filter((d) => d.status === 'played')).toHaveLength(450);
    expect(settled.filter((d) => d.status === 'failed').every((d) => d.error === 'no power')).toBe(true);
  });

  it('re-checks the playlist at dispatch: a segment retired since skips the broadcast, with the reason', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    await createSpeaker(t, t.adminToken, communeId);
    const doomed = await createReadySegment(t, { areaId: tree.districtA.id, durationSec: 2, title: 'Chính sách cũ' });
    const { broadcast } = await oneOff(t, t.adminToken, communeId, [segment.id, doomed.id], 2500);
    await updateSegment(t, doomed.id, { status: 'retired', retiredAt: new Date() });
    const skipped = await waitUntil(() => broadcastStatus(t, broadcast.id), (b) => b.status !== 'scheduled', 10_000, 'dispatch');
    expect(skipped).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/Chính sách cũ.*retired/), onAirAt: null, counts: { targeted: 0 } });
  });

  it('gives deliveries to a broadcast left on air without them (a crash between the two dispatch steps)', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    const speakers = [await createSpeaker(t, t.adminToken, communeId), await createSpeaker(t, t.adminToken, communeId)];
    const { path: areaPath } = await t.app.get(DataSource).getRepository(AreaEntity).findOneByOrFail({ id: communeId });
    const startsAt = new Date(Date.now() - 5000);
    const orphan: BroadcastEntity = {
      id: randomUUID(), scheduleId: null, areaId: communeId, areaPath, title: 'mồ côi', startsAt, endsAt: new Date(startsAt.getTime() + 60_000), priority: 'normal',
      repeat: 1, gapSec: 0, segmentIds: [segment.id], segmentDurations: [60], speakerIds: null, status: 'on_air', reason: null, createdBy: null,
      createdAt: startsAt, onAirAt: startsAt, finalisedAt: null, notBefore: null,
    };
    await t.app.get(DataSource).getRepository(BroadcastEntity).insert(orphan);
    await t.app.get(SchedulerTick).tick();
    const deliveries = await deliveriesOf(t, orphan.id);
    expect(deliveries.items.map((d: { speakerId: string; status: string }) => [d.speakerId, d.status]).sort()).toEqual(speakers.map((s) => [s.id, 'pending']).sort());
    await t.app.get(SchedulerTick).tick();
    expect((await deliveriesOf(t, orphan.id)).total).toBe(2);
  });

  it('rebuilds lost jobs from the database when Redis is flushed (only this test run keys)', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    await createSpeaker(t, t.adminToken, communeId);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Broadcast));
    const { broadcast } = await oneOff(t, t.adminToken, communeId, [segment.id], 4000);
    expect(await queue.getJob(dispatchJobId(broadcast.startsAt))).toBeTruthy();
    await deleteRedisPrefix(t.env.REDIS_URL, t.env.LOA_QUEUE_PREFIX);
    expect(await queue.getJob(dispatchJobId(broadcast.startsAt))).toBeFalsy();
    await t.app.get(SchedulerTick).tick();
    expect(await queue.getJob(dispatchJobId(broadcast.startsAt))).toBeTruthy();
    await waitUntil(() => broadcastStatus(t, broadcast.id), (b) => b.status === 'on_air', 10_000, 'on air');
    // And while it is on air: its finalise job is rebuilt too.
    await deleteRedisPrefix(t.env.REDIS_URL, t.env.LOA_QUEUE_PREFIX);
    await t.app.get(SchedulerTick).tick();
    expect(await queue.getJob(finaliseJobId(broadcast.endsAt))).toBeTruthy();
    expect(await waitUntil(() => broadcastStatus(t, broadcast.id), (b) => b.status !== 'on_air', 10_000, 'finalised')).toMatchObject({ status: 'missed', counts: { targeted: 1, missed: 1 } });
    expect(await t.app.get(DataSource).getRepository(DeliveryEntity).countBy({ broadcastId: broadcast.id })).toBe(1);
  });
});

describe('dispatch across a restart', () => {
  it('a broadcast scheduled before a restart airs once after it; the materialised horizon is not duplicated', async () => {
    const first = await startTestApp(GRACE);
    const tree = await areaTree(first);
    const segment = await createReadySegment(first, { areaId: tree.districtA.id, durationSec: 1 });
    const speaker = await createSpeaker(first, first.adminToken, tree.communeA.id);
    const { broadcast } = await oneOff(first, first.adminToken, tree.communeA.id, [segment.id], 5000);
    const daily = await first.http.post('/api/v1/schedules').set(auth(first.adminToken)).send({ communeId: tree.communeA.id, title: 'Hằng ngày', segmentIds: [segment.id], cron: '0 5 * * *' });
    const dailyBroadcasts = await first.app.get(DataSource).getRepository(BroadcastEntity).countBy({ scheduleId: daily.body.id });
    await first.app.close();
    // Redis lost too, while nothing was running.
    await deleteRedisPrefix(first.env.REDIS_URL, first.env.LOA_QUEUE_PREFIX);

    const second = await startTestApp(first.env);
    try {
      const aired = await waitUntil(() => broadcastStatus(second, broadcast.id), (b) => b.status !== 'scheduled' && b.status !== 'on_air', 15_000, 'aired and finalised');
      expect(aired).toMatchObject({ status: 'missed', counts: { targeted: 1, missed: 1 } });
      const db = second.app.get(DataSource);
      expect(await db.getRepository(DeliveryEntity).findBy({ broadcastId: broadcast.id })).toEqual([expect.objectContaining({ speakerId: speaker.id })]);
      await second.app.get(SchedulerTick).tick();
      expect(await db.getRepository(BroadcastEntity).countBy({ scheduleId: daily.body.id })).toBe(dailyBroadcasts);
    } finally {
      await second.close();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });
});
