import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import type { BroadcastStatus } from '../src/broadcasts/broadcast.entity.js';
import { DeliveryFillsRepository } from '../src/broadcasts/delivery-fills.repository.js';
import { DeliveryEntity, type DeliveryStatus } from '../src/broadcasts/delivery.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaPath, broadcastOf, deliveryOf, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
type Speaker = Awaited<ReturnType<typeof createSpeaker>>;

describe('device API: receipts', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let s1: Speaker;
  let s2: Speaker;
  let s3: Speaker;
  let communeAPath: string;
  let communeBPath: string;
  let segment: Awaited<ReturnType<typeof insertSegment>>;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    [s1, s2] = [await createSpeaker(t, t.adminToken, tree.communeA.id), await createSpeaker(t, t.adminToken, tree.communeA.id)];
    s3 = await createSpeaker(t, t.adminToken, tree.communeB.id);
    communeAPath = await areaPath(t, tree.communeA.id);
    communeBPath = await areaPath(t, tree.communeB.id);
    segment = await insertSegment(t, { areaId: tree.province.id, areaPath: await areaPath(t, tree.province.id), durationSec: 120 });
  });
  afterAll(() => t.close());

  /** A broadcast in the speakers' commune with one delivery each, in the given states. */
  async function broadcastTo(deliveries: Array<[Speaker, DeliveryStatus]>, status: BroadcastStatus = 'on_air') {
    const inB = deliveries[0][0].communeId === tree.communeB.id;
    const startsAt = new Date(Date.now() - 5 * MINUTE);
    const broadcast = await insertBroadcast(t, {
      areaId: inB ? tree.communeB.id : tree.communeA.id, areaPath: inB ? communeBPath : communeAPath, status, startsAt, segments: [segment],
      finalisedAt: status === 'on_air' ? null : new Date(),
    });
    for (const [speaker, state] of deliveries) {
      await insertDelivery(t, { broadcastId: broadcast.id, speakerId: speaker.id, communeId: speaker.communeId, status: state, settledAt: state === 'pending' ? null : new Date() });
    }
    return broadcast;
  }

  const post = (token: string, body: unknown) => t.http.post('/api/v1/device/receipts').set(auth(token)).send(body as object);
  const played = (broadcastId: string, extra: Record<string, unknown> = {}) => ({ broadcastId, status: 'played', startedAt: '2025-11-26T13:30:00+07:00', finishedAt: '2025-11-26T13:32:00+07:00', ...extra });

  it('records played and failed receipts with their times and error', async () => {
    const a = await broadcastTo([[s1, 'pending'], [s2, 'pending']]);
    const b = await broadcastTo([[s1, 'pending']]);
    const res = await post(s1.deviceToken, { receipts: [played(a.id), { broadcastId: b.id, status: 'failed', startedAt: '2025-11-26T06:30:00Z', error: 'amplifier fault' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    expect(await deliveryOf(t, a.id, s1.id)).toMatchObject({ status: 'played', startedAt: new Date('2025-11-26T06:30:00Z'), finishedAt: new Date('2025-11-26T06:32:00Z'), error: null, settledAt: expect.any(Date) });
    expect(await deliveryOf(t, b.id, s1.id)).toMatchObject({ status: 'failed', startedAt: new Date('2025-11-26T06:30:00Z'), finishedAt: null, error: 'amplifier fault' });
    expect((await deliveryOf(t, a.id, s2.id))?.status).toBe('pending');
  });

  it('is idempotent: the first terminal receipt wins, repeats count as duplicates', async () => {
    const a = await broadcastTo([[s1, 'pending']]);
    expect((await post(s1.deviceToken, { receipts: [played(a.id), { ...played(a.id), status: 'failed' }] })).body).toEqual({ accepted: 1, duplicates: 1 });
    expect((await post(s1.deviceToken, { receipts: [{ ...played(a.id), status: 'failed', error: 'late failure' }] })).body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await deliveryOf(t, a.id, s1.id)).toMatchObject({ status: 'played', error: null });
  });

  it('counts a late receipt after finalisation, recomputes the broadcast status and audits it', async () => {
    const partial = await broadcastTo([[s1, 'missed'], [s2, 'played']], 'partial');
    const missed = await broadcastTo([[s1, 'missed'], [s2, 'missed']], 'missed');
    const res = await post(s1.deviceToken, { receipts: [played(partial.id), played(missed.id)] });
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await deliveryOf(t, partial.id, s1.id))?.status).toBe('played');
    expect((await broadcastOf(t, partial.id))?.status).toBe('completed');
    expect((await broadcastOf(t, missed.id))?.status).toBe('partial');
    const audited = await t.app.get(DataSource).getRepository(AuditEntryEntity).findBy({ action: 'delivery.late_receipt', resourceId: partial.id });
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited[0].details)).toContain(s1.id);
    expect((await post(s1.deviceToken, { receipts: [played(partial.id)] })).body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('refuses a batch naming a broadcast not addressed to the speaker with 404, recording nothing of it', async () => {
    const mine = await broadcastTo([[s1, 'pending']]);
    const theirs = await broadcastTo([[s3, 'pending']]);
    const unknown = randomUUID();
    const res = await post(s1.deviceToken, { receipts: [played(mine.id), played(theirs.id), played(unknown)] });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', unknownBroadcastIds: [theirs.id, unknown] });
    expect(res.body.message).toContain(theirs.id);
    expect((await deliveryOf(t, mine.id, s1.id))?.status).toBe('pending');
    expect((await deliveryOf(t, theirs.id, s3.id))?.status).toBe('pending');
    // A broadcast of its own commune that it was not a target of is just as foreign.
    const others = await broadcastTo([[s2, 'pending']]);
    expect((await post(s1.deviceToken, { receipts: [played(others.id)] })).status).toBe(404);
    expect((await post(s1.deviceToken, { receipts: [played(mine.id)] })).body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('answers 409 (send again) for a broadcast on air whose deliveries are still being written, recording nothing; accepts it once they are', async () => {
    // An emergency is told to its receivers as soon as it commits, its deliveries a moment later (CutIns).
    const filling = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'on_air', startsAt: new Date(Date.now() - 1000), segments: [segment], priority: 'emergency' });
    const mine = await broadcastTo([[s1, 'pending']]);
    const early = await post(s1.deviceToken, { receipts: [played(mine.id), played(filling.id, { status: 'interrupted' })] });
    expect(early.status).toBe(409);
    expect(early.body.message).toContain(filling.id);
    expect((await deliveryOf(t, mine.id, s1.id))?.status).toBe('pending');
    await insertDelivery(t, { broadcastId: filling.id, speakerId: s1.id, communeId: s1.communeId });
    await insertDelivery(t, { broadcastId: filling.id, speakerId: s2.id, communeId: s2.communeId });
    expect((await post(s1.deviceToken, { receipts: [played(mine.id), played(filling.id, { status: 'interrupted' })] })).body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await deliveryOf(t, filling.id, s1.id))?.status).toBe('interrupted');
    // Once written, a speaker it does not reach is refused as any stranger is.
    expect((await post(s3.deviceToken, { receipts: [played(filling.id)] })).status).toBe(404);
  });

  it('answers 409 for a broadcast of its own that is due but not yet on air (worker behind, box clock ahead), 404 for one far off', async () => {
    // The drill's 19,000 receivers lost 295 receipts to a 404 here: a receiver drops a receipt the server calls not its own.
    const due = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'scheduled', startsAt: new Date(Date.now() - 2000), segments: [segment] });
    const aheadOfServer = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'scheduled', startsAt: new Date(Date.now() + 20_000), segments: [segment] });
    const farOff = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'scheduled', startsAt: new Date(Date.now() + HOUR), segments: [segment] });
    for (const broadcast of [due, aheadOfServer]) {
      const early = await post(s1.deviceToken, { receipts: [played(broadcast.id, { status: 'failed', error: 'audio not downloaded' })] });
      expect(early.status).toBe(409);
      expect(early.body.message).toContain(broadcast.id);
    }
    const refused = await post(s1.deviceToken, { receipts: [played(farOff.id)] });
    expect(refused.status).toBe(404);
    expect(refused.body.unknownBroadcastIds).toEqual([farOff.id]);
    // Due as soon, but not addressed to it: another commune's, or its own commune's for other speakers.
    const listed = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'scheduled', startsAt: new Date(Date.now() - 2000), segments: [segment], speakerIds: [s2.id] });
    expect((await post(s3.deviceToken, { receipts: [played(due.id)] })).status).toBe(404);
    expect((await post(s1.deviceToken, { receipts: [played(listed.id)] })).status).toBe(404);
    expect((await post(s2.deviceToken, { receipts: [played(listed.id)] })).status).toBe(409);
    // Dispatched: its deliveries written, the receipt sent again is taken.
    for (const speaker of [s1, s2]) await insertDelivery(t, { broadcastId: due.id, speakerId: speaker.id, communeId: speaker.communeId });
    expect((await post(s1.deviceToken, { receipts: [played(due.id, { status: 'failed', error: 'audio not downloaded' })] })).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await deliveryOf(t, due.id, s1.id))?.status).toBe('failed');
  });

  it('accepts a receipt whose deliveries were written between its read and the filling check (the drill lost 5 of 2,000 to a 404)', async () => {
    // On PostgreSQL each statement sees what had committed when it began: the fill commits between the
    // receipt's read of its deliveries and its check for broadcasts still filling. Written here through the
    // receipt's own transaction at that moment, so both databases see what PostgreSQL's second statement saw.
    const filling = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communeAPath, status: 'on_air', startsAt: new Date(Date.now() - 1000), segments: [segment] });
    const fills = t.app.get(DeliveryFillsRepository);
    const check = fills.awaitingDeliveries.bind(fills);
    const between = jest.spyOn(fills, 'awaitingDeliveries').mockImplementationOnce(async (manager, ids, speakerId, dueBy) => {
      for (const speaker of [s1, s2]) await manager.insert(DeliveryEntity, { broadcastId: filling.id, speakerId: speaker.id, communeId: speaker.communeId, status: 'pending', createdAt: new Date() });
      return check(manager, ids, speakerId, dueBy);
    });
    try {
      const res = await post(s1.deviceToken, { receipts: [played(filling.id)] });
      expect(between).toHaveBeenCalled();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
      expect((await deliveryOf(t, filling.id, s1.id))?.status).toBe('played');
    } finally {
      between.mockRestore();
    }
  });
  it('takes up to 500 receipts a batch and answers 413 beyond', async () => {
    const a = await broadcastTo([[s2, 'pending']]);
    const full = await post(s2.deviceToken, { receipts: Array.from({ length: 500 }, () => played(a.id)) });
    expect(full.status).toBe(200);
    expect(full.body).toEqual({ accepted: 1, duplicates: 499 });
    const over = await post(s2.deviceToken, { receipts: Array.from({ length: 501 }, () => played(a.id)) });
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(over.body.message).toMatch(/at most 500 receipts/);
    // The largest valid batch: 500 failures with 1000-character errors (~600 KB of JSON).
    const wordy = await post(s2.deviceToken, { receipts: Array.from({ length: 500 }, () => ({ ...played(a.id), status: 'failed', error: 'e'.repeat(1000) })) });
    expect(wordy.body).toEqual({ accepted: 0, duplicates: 500 });
  });

  it.each([
    ['no receipts field', {}, /receipts is required/],
    ['an empty batch', { receipts: [] }, /receipts must hold at least 1 item/],
    ['receipts not a list', { receipts: 'played' }, /receipts must be array/],
    ['a date without offset', { receipts: [played(randomUUID(), { startedAt: '2025-11-26T13:30:00' })] }, /receipts\.0\.startedAt must be an ISO-8601 date-time with a UTC offset/],
    ['a date only', { receipts: [played(randomUUID(), { startedAt: '2025-11-26' })] }, /startedAt/],
    ['an impossible date', { receipts: [played(randomUUID(), { finishedAt: '2025-02-30T10:00:00Z' })] }, /receipts\.0\.finishedAt must be an ISO-8601 date-time/],
    ['words for a date', { receipts: [played(randomUUID(), { startedAt: 'yesterday' })] }, /startedAt/],
    ['a missing startedAt', { receipts: [{ broadcastId: randomUUID(), status: 'played' }] }, /receipts\.0\.startedAt is required/],
    ['an unknown status', { receipts: [played(randomUUID(), { status: 'skipped' })] }, /receipts\.0\.status must be one of played, interrupted, failed/],
    ['a broadcastId that is no UUID', { receipts: [played('42')] }, /receipts\.0\.broadcastId must be a UUID/],
    ['an unknown field', { receipts: [played(randomUUID(), { volume: 11 })] }, /receipts\.0\.volume should not exist/],
    ['an over-long error', { receipts: [played(randomUUID(), { status: 'failed', error: 'x'.repeat(1001) })] }, /receipts\.0\.error must be at most 1000 characters/],
    ['a leap second', { receipts: [played(randomUUID(), { startedAt: '2016-12-31T23:59:60Z' })] }, /receipts\.0\.startedAt/],
    ['a number for a date', { receipts: [played(randomUUID(), { startedAt: 1764138600000 })] }, /receipts\.0\.startedAt must be string/],
    ['finishing before starting', { receipts: [played(randomUUID(), { finishedAt: '2025-11-26T13:29:00+07:00' })] }, /receipts\.0\.finishedAt is before its startedAt/],
  ])('answers 400 for %s, naming the problem', async (_, body, message) => {
    const res = await post(s1.deviceToken, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t.http.post('/api/v1/device/receipts').set(auth(s1.deviceToken)).set('Content-Type', 'application/json').send('{"receipts": [');
    expect(res.status).toBe(400);
  });

  it('takes only device tokens', async () => {
    const a = await broadcastTo([[s1, 'pending']]);
    expect((await post(t.adminToken, { receipts: [played(a.id)] })).status).toBe(401);
    expect((await post(tree.operatorA.token, { receipts: [played(a.id)] })).status).toBe(401);
    expect((await t.http.post('/api/v1/device/receipts').send({ receipts: [played(a.id)] })).status).toBe(401);
    expect((await deliveryOf(t, a.id, s1.id))?.status).toBe('pending');
  });
});
