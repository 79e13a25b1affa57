import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { dispatchJobId } from '../src/broadcasts/broadcast-jobs.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { QueueName } from '../src/queue/queue.constants.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createArea, createSpeaker, createUser } from './helpers/fixtures.js';
import { createReadySegment, updateSegment } from './helpers/segments.js';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY);
/** A local date (Asia/Ho_Chi_Minh) `days` from now. */
const localDate = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
/** hh:mm Asia/Ho_Chi_Minh on the local day `days` from today. */
const localTime = (days: number, hh: number, mm = 0) => new Date(`${localDate(days)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+07:00`);

describe('schedules', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let segment: { id: string };
  let speakers: Array<{ id: string }>;

  const post = (token: string, body: Record<string, unknown>) => t.http.post('/api/v1/schedules').set(auth(token)).send(body);
  const valid = (overrides: Record<string, unknown> = {}) => ({ communeId: tree.communeA.id, title: 'Bản tin sáng', segmentIds: [segment.id], cron: '0 6 * * *', ...overrides });
  /** A commune of its own, so schedules of one test cannot clash with another's. */
  const freshCommune = async () => (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
  const broadcastsOf = (scheduleId: string) => t.app.get(DataSource).getRepository(BroadcastEntity).find({ where: { scheduleId }, order: { startsAt: 'ASC' } });

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    segment = await createReadySegment(t, { areaId: tree.districtA.id, durationSec: 120 });
    speakers = [await createSpeaker(t, t.adminToken, tree.communeA.id), await createSpeaker(t, t.adminToken, tree.communeA.id)];
  });
  afterAll(() => t.close());

  describe('create', () => {
    it('creates a recurring schedule with defaults and materialises its broadcasts within the horizon', async () => {
      const res = await post(tree.operatorA.token, valid({ cron: '15 5 * * *' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String), communeId: tree.communeA.id, title: 'Bản tin sáng', segmentIds: [segment.id], speakerIds: null, cron: '15 5 * * *',
        timezone: 'Asia/Ho_Chi_Minh', startDate: null, endDate: null, at: null, priority: 'normal', repeat: 1, gapSec: 30, deletedAt: null,
      });
      const rows = await broadcastsOf(res.body.id);
      // 48 h horizon: two or three 05:15 occurrences, each 120 s long, none in the past.
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.length).toBeLessThanOrEqual(3);
      for (const b of rows) {
        expect(b.status).toBe('scheduled');
        expect(b.endsAt.getTime() - b.startsAt.getTime()).toBe(120_000);
        expect(b.startsAt.getTime()).toBeGreaterThan(Date.now());
        expect(new Date(b.startsAt.getTime() + 7 * 3_600_000).toISOString().slice(11, 16)).toBe('05:15');
        expect(b.areaId).toBe(tree.communeA.id);
      }
      const audit = await t.http.get('/api/v1/audit').set(auth(t.adminToken));
      if (audit.status === 200) expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('schedule.create');
    });

    it('computes endsAt from repeat, playlist and gap', async () => {
      const second = await createReadySegment(t, { areaId: tree.districtA.id, durationSec: 45.5 });
      const at = inDays(1.5);
      const res = await post(t.adminToken, valid({ communeId: await freshCommune(), cron: undefined, at: at.toISOString(), segmentIds: [segment.id, second.id], repeat: 3, gapSec: 20 }));
      expect(res.status).toBe(201);
      const [b] = await broadcastsOf(res.body.id);
      expect(b.startsAt.toISOString()).toBe(at.toISOString());
      expect(b.endsAt.getTime() - at.getTime()).toBe((3 * 165.5 + 2 * 20) * 1000);
      expect(b.segmentDurations).toEqual([120, 45.5]);
    });

    it('lists occurrences in a window', async () => {
      const res = await post(t.adminToken, valid({ communeId: await freshCommune(), cron: '0 20 * * 1', timezone: 'Europe/Paris', startDate: '2030-03-01', endDate: '2030-04-30', priority: 'priority' }));
      expect(res.status).toBe(201);
      const occ = await t.http.get(`/api/v1/schedules/${res.body.id}/occurrences?from=2030-03-20T00:00:00Z&to=2030-04-08T00:00:00Z`).set(auth(tree.auditor.token));
      expect(occ.status).toBe(200);
      // Mondays at 20:00 Paris: CET (19:00Z) before 30 March 2030, CEST (18:00Z) after.
      expect(occ.body.items).toEqual([
        { startsAt: '2030-03-25T19:00:00.000Z', endsAt: '2030-03-25T19:02:00.000Z' },
        { startsAt: '2030-04-01T18:00:00.000Z', endsAt: '2030-04-01T18:02:00.000Z' },
      ]);
      expect((await t.http.get(`/api/v1/schedules/${res.body.id}/occurrences?from=2030-03-20T00:00:00Z&to=2030-03-10T00:00:00Z`).set(auth(t.adminToken))).status).toBe(400);
      expect((await t.http.get(`/api/v1/schedules/${res.body.id}/occurrences?from=yesterday`).set(auth(t.adminToken))).status).toBe(400);
      expect((await t.http.get(`/api/v1/schedules/${res.body.id}/occurrences`).set(auth(tree.staffB.token))).status).toBe(404);
    });

    it('lists schedules in scope, filtered by commune', async () => {
      const mine = await t.http.get(`/api/v1/schedules?communeId=${tree.communeA.id}`).set(auth(tree.operatorA.token));
      expect(mine.status).toBe(200);
      expect(mine.body.total).toBeGreaterThanOrEqual(1);
      expect(mine.body.items.every((s: { communeId: string }) => s.communeId === tree.communeA.id)).toBe(true);
      expect((await t.http.get('/api/v1/schedules').set(auth(tree.staffB.token))).body.total).toBe(0);
      expect((await t.http.get(`/api/v1/schedules?communeId=${tree.communeA.id}`).set(auth(tree.staffB.token))).status).toBe(404);
    });
  });

  describe('refuses bad input with 400 naming the field', () => {
    const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
      ['malformed cron', () => valid({ cron: '61 7 * * *' }), /cron/],
      ['6-field cron', () => valid({ cron: '0 0 7 * * *' }), /cron/],
      ['cron nickname', () => valid({ cron: '@daily' }), /cron/],
      ['unknown timezone', () => valid({ timezone: 'Asia/Saigonn' }), /timezone/],
      ['malformed startDate', () => valid({ startDate: '2025-02-30' }), /startDate/],
      ['endDate before startDate', () => valid({ startDate: '2031-05-02', endDate: '2031-05-01' }), /endDate/],
      ['endDate in the past', () => valid({ endDate: '2020-01-01' }), /endDate/],
      ['startDate with at', () => valid({ cron: undefined, at: inDays(1).toISOString(), startDate: '2031-01-01' }), /startDate/],
      ['past at', () => valid({ cron: undefined, at: new Date(Date.now() - 60_000).toISOString() }), /at/],
      ['at without offset', () => valid({ cron: undefined, at: '2031-01-01T07:00:00' }), /at/],
      ['both cron and at', () => valid({ at: inDays(1).toISOString() }), /cron/],
      ['neither cron nor at', () => valid({ cron: undefined }), /cron/],
      ['repeat 11', () => valid({ repeat: 11 }), /repeat/],
      ['repeat 0', () => valid({ repeat: 0 }), /repeat/],
      ['gapSec -1', () => valid({ gapSec: -1 }), /gapSec/],
      ['gapSec 7201', () => valid({ gapSec: 7201 }), /gapSec/],
      ['unknown priority', () => valid({ priority: 'urgent' }), /priority/],
      ['empty playlist', () => valid({ segmentIds: [] }), /segmentIds/],
      ['unknown segment', () => valid({ segmentIds: ['00000000-0000-4000-8000-000000000000'] }), /segmentIds/],
      ['empty speaker list', () => valid({ speakerIds: [] }), /speakerIds/],
      ['unknown speaker', () => valid({ speakerIds: ['00000000-0000-4000-8000-000000000000'] }), /speakerIds/],
      ['unknown commune', () => valid({ communeId: '00000000-0000-4000-8000-000000000000' }), /communeId/],
      ['a district as commune', () => valid({ communeId: tree.districtA.id }), /communeId/],
      ['never-firing cron in its dates', () => valid({ cron: '0 7 29 2 *', startDate: '2031-01-01', endDate: '2031-12-31' }), /cron/],
      ['broadcast outlasting its interval', () => valid({ cron: '*/1 6 * * *' }), /cron/],
      ['unknown field', () => valid({ colour: 'red' }), /colour/],
    ];
    it.each(cases)('%s', async (_name, body, field) => {
      const res = await post(t.adminToken, body());
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(field);
    });

    it('refuses segments that are processing, unapproved, retired, failed or expired', async () => {
      const communeId = await freshCommune();
      for (const values of [{ status: 'processing' as const }, { approved: false }, { status: 'retired' as const }, { status: 'failed' as const }]) {
        const bad = await createReadySegment(t, { areaId: tree.districtA.id, ...values });
        const res = await post(t.adminToken, valid({ segmentIds: [segment.id, bad.id] }));
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(new RegExp(`segmentIds: .*${bad.id}`));
      }
      const expiring = await createReadySegment(t, { areaId: tree.districtA.id, validUntil: inDays(10) });
      const open = await post(t.adminToken, valid({ communeId, segmentIds: [expiring.id] }));
      expect(open.status).toBe(400);
      expect(open.body.message).toMatch(/segmentIds: .*valid only until.*endDate/);
      expect((await post(t.adminToken, valid({ communeId, segmentIds: [expiring.id], endDate: localDate(5) }))).status).toBe(201);
      const future = await createReadySegment(t, { areaId: tree.districtA.id, validFrom: inDays(3) });
      expect((await post(t.adminToken, valid({ communeId, cron: undefined, at: localTime(1, 15).toISOString(), segmentIds: [future.id] }))).body.message).toMatch(/segmentIds: .*valid only from/);
      expect((await post(t.adminToken, valid({ communeId, cron: undefined, at: localTime(4, 15).toISOString(), segmentIds: [future.id] }))).status).toBe(201);
    });

    it('caps normal broadcasts at the strictest maxBroadcastMinutes above the commune', async () => {
      const district = await createArea(t, t.adminToken, { kind: 'district', parentId: tree.province.id, maxBroadcastMinutes: 15 });
      const commune = await createArea(t, t.adminToken, { kind: 'commune', parentId: district.id, maxBroadcastMinutes: 45 });
      const long = await createReadySegment(t, { areaId: district.id, durationSec: 5 * 60 });
      const body = { communeId: commune.id, title: 'Dài', segmentIds: [long.id], cron: '0 9 * * *' };
      expect((await post(t.adminToken, { ...body, repeat: 3, gapSec: 0 })).status).toBe(201);
      const tooLong = await post(t.adminToken, { ...body, cron: '0 10 * * *', repeat: 3, gapSec: 1 });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.message).toMatch(/maxBroadcastMinutes.*15 min/);
      // The cap is for normal broadcasts only.
      expect((await post(t.adminToken, { ...body, cron: '0 11 * * *', repeat: 4, priority: 'priority' })).status).toBe(201);
    });
  });

  describe('scope and roles', () => {
    it('answers 403 for a commune, segment or speaker outside the caller area; 403 for auditors', async () => {
      expect((await post(tree.staffB.token, valid())).status).toBe(403);
      expect((await post(tree.auditor.token, valid())).status).toBe(403);
      const otherBranch = await createReadySegment(t, { areaId: tree.districtB.id });
      const foreignSegment = await post(tree.staffA.token, valid({ segmentIds: [otherBranch.id] }));
      expect(foreignSegment.status).toBe(403);
      expect(foreignSegment.body.message).toMatch(/segmentIds/);
      const foreignSpeaker = await createSpeaker(t, t.adminToken, tree.communeB.id);
      const res = await post(tree.staffA.token, valid({ speakerIds: [foreignSpeaker.id] }));
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/speakerIds/);
    });

    it('answers 400 for a speaker of another commune in scope, and a segment of a sibling commune', async () => {
      const sibling = await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id });
      const siblingSpeaker = await createSpeaker(t, t.adminToken, sibling.id);
      const res = await post(tree.staffA.token, valid({ speakerIds: [speakers[0].id, siblingSpeaker.id] }));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/speakerIds: .* is not in/);
      const siblingSegment = await createReadySegment(t, { areaId: sibling.id });
      const wrongCommune = await post(tree.staffA.token, valid({ segmentIds: [siblingSegment.id] }));
      expect(wrongCommune.status).toBe(400);
      expect(wrongCommune.body.message).toMatch(/segmentIds: .*does not serve/);
    });

    it('lets an admin without an area use segments uploaded for everywhere', async () => {
      const national = await createReadySegment(t, { areaId: null });
      expect((await post(tree.operatorA.token, valid({ cron: '0 21 * * *', segmentIds: [national.id] }))).status).toBe(201);
    });
  });

  describe('conflicts and priorities', () => {
    let commune: { id: string };
    let s1: { id: string };
    let s2: { id: string };
    const body = (overrides: Record<string, unknown>) => ({ communeId: commune.id, title: 'x', segmentIds: [segment.id], ...overrides });

    beforeAll(async () => {
      commune = await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id });
      s1 = await createSpeaker(t, t.adminToken, commune.id);
      s2 = await createSpeaker(t, t.adminToken, commune.id);
    });

    it('answers 409 with the first clash for the same priority on a shared speaker', async () => {
      const first = await post(t.adminToken, body({ title: 'Sáng', cron: '0 7 * * *' }));
      expect(first.status).toBe(201);
      const clash = await post(t.adminToken, body({ cron: '1 7 * * *' }));
      expect(clash.status).toBe(409);
      expect(clash.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: expect.stringContaining('Sáng'), conflict: { scheduleId: first.body.id, startsAt: expect.any(String) } });
      // The first clash is the first 07:00 local from now.
      const firstOccurrence = (await t.http.get(`/api/v1/schedules/${first.body.id}/occurrences`).set(auth(t.adminToken))).body.items[0].startsAt;
      expect(clash.body.conflict.startsAt).toBe(firstOccurrence);
      // Back to back is fine; so are disjoint speakers.
      expect((await post(t.adminToken, body({ cron: '2 7 * * *' }))).status).toBe(201);
      expect((await post(t.adminToken, body({ cron: '0 8 * * *', speakerIds: [s1.id] }))).status).toBe(201);
      expect((await post(t.adminToken, body({ cron: '0 8 * * *', speakerIds: [s2.id] }))).status).toBe(201);
      expect((await post(t.adminToken, body({ cron: '1 8 * * *' }))).status).toBe(409);
      // A one-off inside a recurring run clashes too.
      const at = new Date(Date.parse(firstOccurrence) + 30_000).toISOString();
      expect((await post(t.adminToken, body({ at }))).body.conflict).toEqual({ scheduleId: first.body.id, startsAt: firstOccurrence });
    });

    it('lets a priority schedule override normal broadcasts, which become preempted, and revives them when it goes', async () => {
      const normal = await post(t.adminToken, body({ title: 'Thường', cron: '0 12 * * *' }));
      expect(normal.status).toBe(201);
      const before = await broadcastsOf(normal.body.id);
      expect(before.every((b) => b.status === 'scheduled')).toBe(true);
      const priority = await post(t.adminToken, body({ title: 'Chèn', cron: '1 12 * * *', priority: 'priority' }));
      expect(priority.status).toBe(201);
      const preempted = await broadcastsOf(normal.body.id);
      expect(preempted.map((b) => b.status)).toEqual(before.map(() => 'preempted'));
      expect(preempted[0].reason).toMatch(/preempted by priority broadcast/);
      expect((await broadcastsOf(priority.body.id)).every((b) => b.status === 'scheduled')).toBe(true);
      // A normal schedule created later under the priority one is saved, its broadcasts preempted at once.
      const late = await post(t.adminToken, body({ title: 'Muộn', cron: '2 12 * * *', speakerIds: [s2.id] }));
      expect(late.status).toBe(201);
      expect((await broadcastsOf(late.body.id)).every((b) => b.status === 'preempted')).toBe(true);
      // Deleting the priority schedule lets the normal broadcasts air again.
      expect((await t.http.delete(`/api/v1/schedules/${priority.body.id}`).set(auth(t.adminToken))).status).toBe(200);
      expect((await broadcastsOf(normal.body.id)).map((b) => b.status)).toEqual(before.map(() => 'scheduled'));
      expect((await broadcastsOf(late.body.id)).every((b) => b.status === 'scheduled')).toBe(true);
    });
  });

  describe('edit and delete', () => {
    it('editing cancels future broadcasts and materialises the new version; past ones stay', async () => {
      const created = await post(tree.operatorA.token, valid({ cron: '30 9 * * *', title: 'Trước' }));
      expect(created.status).toBe(201);
      const before = await broadcastsOf(created.body.id);
      const edited = await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ title: 'Sau', cron: '45 9 * * *', repeat: 2 });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: 'Sau', cron: '45 9 * * *', repeat: 2, gapSec: 30 });
      const after = await broadcastsOf(created.body.id);
      const old = after.filter((b) => before.some((x) => x.id === b.id));
      expect(old.map((b) => b.status)).toEqual(before.map(() => 'cancelled'));
      const fresh = after.filter((b) => b.status === 'scheduled');
      expect(fresh).toHaveLength(before.length);
      expect(fresh.every((b) => b.title === 'Sau' && b.endsAt.getTime() - b.startsAt.getTime() === (2 * 120 + 30) * 1000)).toBe(true);

      // Same instants again (title only): the cancelled rows stay beside their replacements.
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ title: 'Lần ba' })).status).toBe(200);
      const third = await broadcastsOf(created.body.id);
      expect(third.filter((b) => b.status === 'scheduled').map((b) => [b.title, b.startsAt.getTime()])).toEqual(fresh.map((b) => ['Lần ba', b.startsAt.getTime()]));

      // Switching to a one-off and back to all speakers with nulls.
      const at = localTime(1, 14).toISOString();
      const oneOff = await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ cron: null, at, speakerIds: [speakers[0].id] });
      expect(oneOff.status).toBe(200);
      expect(oneOff.body).toMatchObject({ cron: null, at, speakerIds: [speakers[0].id] });
      const back = await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ speakerIds: null });
      expect(back.body.speakerIds).toBeNull();
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ repeat: null })).status).toBe(400);
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ communeId: tree.communeB.id })).status).toBe(400);
    });

    it('a broadcast already aired is never touched by an edit or delete', async () => {
      const created = await post(t.adminToken, valid({ cron: '50 9 * * *' }));
      const [first] = await broadcastsOf(created.body.id);
      // Pretend the first one aired already.
      await t.app.get(DataSource).getRepository(BroadcastEntity).update({ id: first.id }, { status: 'completed', startsAt: new Date(Date.now() - 3_600_000), endsAt: new Date(Date.now() - 3_000_000) });
      expect((await t.http.delete(`/api/v1/schedules/${created.body.id}`).set(auth(t.adminToken))).status).toBe(200);
      const after = await broadcastsOf(created.body.id);
      expect(after.find((b) => b.id === first.id)!.status).toBe('completed');
      expect(after.filter((b) => b.id !== first.id).every((b) => b.status === 'cancelled')).toBe(true);
    });

    it('delete is a soft delete: 200, still readable, gone from the list, further edits 404', async () => {
      const created = await post(tree.operatorA.token, valid({ cron: '55 9 * * *' }));
      const deleted = await t.http.delete(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token));
      expect(deleted.status).toBe(200);
      expect(deleted.body.deletedAt).toEqual(expect.any(String));
      expect((await t.http.get(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token))).body.deletedAt).toEqual(expect.any(String));
      const list = await t.http.get(`/api/v1/schedules?communeId=${tree.communeA.id}&limit=500`).set(auth(tree.operatorA.token));
      expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(created.body.id);
      expect((await t.http.delete(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token))).status).toBe(404);
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.operatorA.token)).send({ title: 'x' })).status).toBe(404);
    });

    it('removes the dispatch job of a cancelled broadcast, unless another broadcast still starts at that instant', async () => {
      const queue = t.app.get<Queue>(getQueueToken(QueueName.Broadcast));
      const at = localTime(1, 16, 40).toISOString();
      const [c1, c2] = [await freshCommune(), await freshCommune()];
      const first = await post(t.adminToken, valid({ communeId: c1, cron: undefined, at }));
      const second = await post(t.adminToken, valid({ communeId: c2, cron: undefined, at }));
      const [broadcast] = await broadcastsOf(first.body.id);
      const jobId = dispatchJobId(broadcast.startsAt);
      expect(await queue.getJob(jobId)).toBeTruthy();
      await t.http.delete(`/api/v1/schedules/${first.body.id}`).set(auth(t.adminToken));
      expect(await queue.getJob(jobId)).toBeTruthy(); // the other commune's broadcast still needs it
      const moved = await t.http.patch(`/api/v1/schedules/${second.body.id}`).set(auth(t.adminToken)).send({ at: localTime(1, 16, 50).toISOString() });
      expect(moved.status).toBe(200);
      expect(await queue.getJob(jobId)).toBeFalsy();
      const [, replacement] = await broadcastsOf(second.body.id);
      expect(replacement.status).toBe('scheduled');
      expect(await queue.getJob(dispatchJobId(replacement.startsAt))).toBeTruthy();
    });

    it('only users of the commune subtree may edit; auditors never', async () => {
      const created = await post(t.adminToken, valid({ cron: '5 10 * * *' }));
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.staffB.token)).send({ title: 'x' })).status).toBe(404);
      expect((await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(tree.auditor.token)).send({ title: 'x' })).status).toBe(403);
      expect((await t.http.delete(`/api/v1/schedules/${created.body.id}`).set(auth(tree.auditor.token))).status).toBe(403);
      const operatorB = await createUser(t, 'commune_operator', tree.communeB.id);
      expect((await t.http.delete(`/api/v1/schedules/${created.body.id}`).set(auth(operatorB.token))).status).toBe(404);
    });

    it('editing re-checks the playlist: a segment retired since must be replaced', async () => {
      const s = await createReadySegment(t, { areaId: tree.districtA.id });
      const created = await post(t.adminToken, valid({ cron: '10 10 * * *', segmentIds: [s.id] }));
      await updateSegment(t, s.id, { status: 'retired' });
      const res = await t.http.patch(`/api/v1/schedules/${created.body.id}`).set(auth(t.adminToken)).send({ title: 'y' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/segmentIds: .*retired/);
    });
  });
});
