import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { ReportSpeakerQuartersYears1764806400000 } from '../migrations/1764806400000-report-speaker-quarters-years.js';
import { ReportSpeakerHalfYears1764892800000 } from '../migrations/1764892800000-report-speaker-half-years.js';
import { AreaEntity } from '../src/areas/area.entity.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { DeliveriesRepository, type DeliveryTarget } from '../src/broadcasts/deliveries.repository.js';
import { DeliveryEntity, type DeliveryStatus } from '../src/broadcasts/delivery.entity.js';
import { WriteTransactions } from '../src/database/write-transactions.js';
import { SpeakerEntity } from '../src/speakers/speaker.entity.js';
import { RollupFolder } from '../src/reports/rollup-folder.js';
import { RollupJournalEntity, RollupStateEntity } from '../src/reports/rollup.entities.js';
import { RollupsRepository } from '../src/reports/rollups.repository.js';
import { SegmentEntity } from '../src/segments/segment.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { insertBroadcast, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createArea, createSpeaker, createUser } from './helpers/fixtures.js';

/**
 * Report maths against a hand-built history written through the real write path (DeliveriesRepository:
 * createPending, settleReceipts, markMissed), compared with the raw deliveries. Only the api role runs,
 * so no finaliser touches the fixture behind the test's back, and receipts stay in the rollup journal
 * until the test folds them.
 */
const GROUPS = ['day', 'commune', 'segment', 'topic', 'speaker'] as const;
type Group = (typeof GROUPS)[number];
const VN = 'Asia/Ho_Chi_Minh';

interface RawDelivery {
  broadcastId: string;
  speakerId: string;
  communeId: string;
  communePath: string;
  status: DeliveryStatus;
  startsAt: number;
  endsAt: number;
  segmentIds: string[];
  segmentDurations: number[];
  repeat: number;
}

interface Expected {
  key: string;
  broadcasts: number;
  targeted: number;
  played: number;
  interrupted: number;
  failed: number;
  missed: number;
  pending: number;
  airtimeSec: number;
}

/** Every delivery with its broadcast, straight from the tables. */
async function rawDeliveries(t: TestApp): Promise<RawDelivery[]> {
  const rows = await t.app.get(DataSource).getRepository(DeliveryEntity).createQueryBuilder('d')
    .innerJoin(BroadcastEntity, 'b', 'b.id = d.broadcastId')
    .innerJoin(AreaEntity, 'a', 'a.id = d.communeId')
    .select(['d.broadcastId AS "broadcastId"', 'd.speakerId AS "speakerId"', 'd.communeId AS "communeId"', 'a.path AS "communePath"', 'd.status AS status'])
    .addSelect(['b.startsAt AS "startsAt"', 'b.endsAt AS "endsAt"', 'b.segmentIds AS "segmentIds"', 'b.segmentDurations AS "segmentDurations"', 'b.repeat AS repeat'])
    .getRawMany();
  return rows.map((r) => ({ ...r, startsAt: Number(r.startsAt), endsAt: Number(r.endsAt), segmentIds: JSON.parse(r.segmentIds), segmentDurations: JSON.parse(r.segmentDurations), repeat: Number(r.repeat) }));
}

/**
 * The report as the SPEC defines it, computed delivery by delivery: a delivery counts once in each group
 * it belongs to; airtime is the broadcast's length (or, per segment/topic, those segments' length x repeat).
 */
function expectedReport(rows: RawDelivery[], topics: Map<string, string>, groupBy: Group, scopePath: string | null, from: number, to: number, tz = VN): Expected[] {
  const groups = new Map<string, Expected & { ids: Set<string> }>();
  for (const d of rows) {
    if (d.startsAt < from || d.startsAt >= to || (scopePath && !d.communePath.startsWith(scopePath))) continue;
    const airtimes = new Map<string, number>();
    const add = (key: string, ms: number) => airtimes.set(key, (airtimes.get(key) ?? 0) + ms);
    if (groupBy === 'day') add(DateTime.fromMillis(d.startsAt, { zone: tz }).toISODate()!, d.endsAt - d.startsAt);
    if (groupBy === 'commune') add(d.communeId, d.endsAt - d.startsAt);
    if (groupBy === 'speaker') add(d.speakerId, d.endsAt - d.startsAt);
    d.segmentIds.forEach((id, i) => {
      const ms = Math.round(d.segmentDurations[i] * 1000) * d.repeat;
      if (groupBy === 'segment') add(id, ms);
      if (groupBy === 'topic') add(topics.get(id)!, ms);
    });
    for (const [key, ms] of airtimes) {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, ids: new Set(), broadcasts: 0, targeted: 0, played: 0, interrupted: 0, failed: 0, missed: 0, pending: 0, airtimeSec: 0 }));
      g.ids.add(d.broadcastId);
      g.targeted++;
      g[d.status]++;
      if (d.status === 'played') g.airtimeSec += ms / 1000;
    }
  }
  return [...groups.values()].map(({ ids, ...g }) => ({ ...g, broadcasts: ids.size })).sort((a, b) => a.key.localeCompare(b.key));
}

const comparable = (items: Array<Expected & Record<string, unknown>>): Expected[] =>
  items.map(({ key, broadcasts, targeted, played, interrupted, failed, missed, pending, airtimeSec }) => ({ key, broadcasts, targeted, played, interrupted, failed, missed, pending, airtimeSec })).sort((a, b) => a.key.localeCompare(b.key));

describe('GET /reports/deliveries', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let otherProvince: { id: string };
  let otherCommune: { id: string };
  let otherAuditor: { token: string };
  let speakers: Record<'a1' | 'a2' | 'a3' | 'b1' | 'b2' | 'c1', { id: string; communeId: string }>;
  let segments: Record<'bhxh' | 'bhyt' | 'quoted', SegmentEntity>;
  let topics: Map<string, string>;
  const at = (isoString: string) => new Date(isoString);
  let deliveries: DeliveriesRepository;
  let quarterEdge: BroadcastEntity;

  const get = (token: string, query: Record<string, string>) => t.http.get('/api/v1/reports/deliveries').query(query).set(auth(token));
  const target = (s: { id: string; communeId: string }): DeliveryTarget => ({ speakerId: s.id, communeId: s.communeId });
  const dispatch = (broadcastId: string, targets: DeliveryTarget[]) => t.app.get(DataSource).transaction((m) => deliveries.createPending(m, { id: broadcastId }, targets, new Date()));
  const receipt = (speakerId: string, broadcastId: string, status: 'played' | 'interrupted' | 'failed', startedAt: Date) =>
    deliveries.settleReceipts(speakerId, [{ broadcastId, status, startedAt, finishedAt: new Date(startedAt.getTime() + 60_000), error: status === 'failed' ? 'amplifier fault' : null }], new Date(), new Date());
  const finalise = (broadcastId: string) => t.app.get(DataSource).transaction((m) => deliveries.markMissed(m, [broadcastId], new Date()));

  beforeAll(async () => {
    t = await startTestApp({ LOA_ROLES: 'api' });
    deliveries = t.app.get(DeliveriesRepository, { strict: false });
    tree = await areaTree(t);
    otherProvince = await createArea(t, t.adminToken, { kind: 'province', name: 'Tỉnh Điện Biên' });
    otherCommune = await createArea(t, t.adminToken, { kind: 'commune', parentId: otherProvince.id, name: 'Xã Mường Nhé' });
    otherAuditor = await createUser(t, 'auditor', otherProvince.id);
    speakers = {
      a1: await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa thôn Phìn Hồ'),
      a2: await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa chợ Y Tý'),
      a3: await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa trường học'),
      b1: await createSpeaker(t, t.adminToken, tree.communeB.id, 'Loa bản Tả Van'),
      b2: await createSpeaker(t, t.adminToken, tree.communeB.id, 'Loa UBND xã'),
      c1: await createSpeaker(t, t.adminToken, otherCommune.id, 'Loa Mường Nhé'),
    };
    const province = await t.app.get(DataSource).getRepository(AreaEntity).findOneByOrFail({ id: tree.province.id });
    segments = {
      bhxh: await insertSegment(t, { areaId: tree.province.id, areaPath: province.path, title: 'Bảo hiểm xã hội tự nguyện', topic: 'social-insurance', durationSec: 60 }),
      bhyt: await insertSegment(t, { areaId: tree.province.id, areaPath: province.path, title: 'Bảo hiểm y tế học sinh', topic: 'health-insurance', durationSec: 90.5 }),
      quoted: await insertSegment(t, { areaId: tree.province.id, areaPath: province.path, title: 'Đóng BHXH "đúng hạn", đủ', topic: 'social-insurance', durationSec: 30 }),
    };
    topics = new Map(Object.values(segments).map((s) => [s.id, s.topic]));
    const path = async (id: string) => (await t.app.get(DataSource).getRepository(AreaEntity).findOneByOrFail({ id })).path;
    const broadcast = async (areaId: string, startsAt: string, segs: SegmentEntity[], lengthSec: number, status: BroadcastEntity['status'], extra: Partial<BroadcastEntity> = {}) =>
      insertBroadcast(t, { areaId, areaPath: await path(areaId), status, startsAt: at(startsAt), endsAt: new Date(at(startsAt).getTime() + lengthSec * 1000), segments: segs, ...extra });

    // 23:30 on 1 March in Vietnam (16:30 UTC): one day in both zones.
    const lateEvening = await broadcast(tree.communeA.id, '2025-03-01T16:30:00Z', [segments.bhxh, segments.bhyt], 2 * 150.5 + 30, 'partial', { repeat: 2, gapSec: 30 });
    await dispatch(lateEvening.id, [target(speakers.a1), target(speakers.a2), target(speakers.a3)]);
    await receipt(speakers.a1.id, lateEvening.id, 'played', at('2025-03-01T16:30:01Z'));
    await receipt(speakers.a2.id, lateEvening.id, 'failed', at('2025-03-01T16:30:02Z'));
    await finalise(lateEvening.id);

    // 00:30 on 2 March in Vietnam, still 1 March in UTC.
    const earlyMorning = await broadcast(tree.communeB.id, '2025-03-01T17:30:00Z', [segments.bhxh, segments.quoted, segments.bhxh], 150, 'completed');
    await dispatch(earlyMorning.id, [target(speakers.b1), target(speakers.b2)]);
    await receipt(speakers.b1.id, earlyMorning.id, 'played', at('2025-03-01T17:30:00Z'));
    await receipt(speakers.b2.id, earlyMorning.id, 'played', at('2025-03-01T17:30:00Z'));

    // An emergency over district A, dispatched in two batches, off any quarter-hour; one receiver never answers.
    const emergency = await broadcast(tree.districtA.id, '2025-03-05T02:07:30Z', [segments.quoted, segments.bhyt], 120.5, 'on_air', { priority: 'emergency' });
    await dispatch(emergency.id, [target(speakers.a1)]);
    await dispatch(emergency.id, [target(speakers.a2)]);
    await receipt(speakers.a1.id, emergency.id, 'played', at('2025-03-05T02:07:30Z'));

    // Preempted while on air: its settled deliveries stay and count, the one cut off mid-play as interrupted.
    const preempted = await broadcast(tree.communeB.id, '2025-03-20T23:45:00Z', [segments.bhyt], 90.5, 'preempted');
    await dispatch(preempted.id, [target(speakers.b1), target(speakers.b2)]);
    await receipt(speakers.b1.id, preempted.id, 'played', at('2025-03-20T23:45:00Z'));
    await receipt(speakers.b2.id, preempted.id, 'interrupted', at('2025-03-20T23:45:00Z'));
    await finalise(preempted.id);

    // 00:10 on 1 January 2025 and 00:15 on 1 April 2025 in Vietnam: a new year and a new quarter there, not yet in UTC.
    const newYear = await broadcast(tree.communeB.id, '2024-12-31T17:10:00Z', [segments.bhyt], 90.5, 'completed');
    await dispatch(newYear.id, [target(speakers.b1), target(speakers.b2)]);
    await receipt(speakers.b1.id, newYear.id, 'played', at('2024-12-31T17:10:00Z'));
    await receipt(speakers.b2.id, newYear.id, 'failed', at('2024-12-31T17:10:00Z'));
    quarterEdge = await broadcast(tree.communeB.id, '2025-03-31T17:15:00Z', [segments.bhyt], 90.5, 'partial');
    await dispatch(quarterEdge.id, [target(speakers.b1), target(speakers.b2)]);
    await receipt(speakers.b1.id, quarterEdge.id, 'played', at('2025-03-31T17:15:00Z'));
    await finalise(quarterEdge.id);

    // Another province; and broadcasts that never went on air (no deliveries, nothing to count).
    const elsewhere = await broadcast(otherCommune.id, '2025-04-02T00:00:00Z', [segments.bhyt], 90.5, 'completed');
    await dispatch(elsewhere.id, [target(speakers.c1)]);
    await receipt(speakers.c1.id, elsewhere.id, 'played', at('2025-04-02T00:00:00Z'));
    await broadcast(tree.communeA.id, '2025-03-10T00:00:00Z', [segments.bhxh], 60, 'cancelled');
    await broadcast(tree.communeA.id, '2025-03-11T00:00:00Z', [segments.bhxh], 60, 'skipped');
  });
  afterAll(() => t?.close());

  const windows: Array<[string, Record<string, string>]> = [
    ['everything', {}],
    ['March 2025 in Vietnam', { from: '2025-03-01T00:00:00+07:00', to: '2025-04-01T00:00:00+07:00' }],
    ['ragged edges inside quarter-hours', { from: '2025-03-01T16:31:00Z', to: '2025-03-05T02:07:31Z' }],
    ['from exactly a start', { from: '2025-03-05T02:07:30Z' }],
    ['to exactly a start (exclusive)', { to: '2025-03-05T02:07:30Z' }],
    ['a window with nothing in it', { from: '2025-03-06T00:00:00Z', to: '2025-03-07T00:00:00Z' }],
    ['the year 2025 in Vietnam', { from: '2025-01-01T00:00:00+07:00', to: '2026-01-01T00:00:00+07:00' }],
    ['the first quarter of 2025 in UTC', { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' }],
    ['mid-December to mid-April in Vietnam: days, a month, a quarter, days', { from: '2024-12-15T00:00:00+07:00', to: '2025-04-15T00:00:00+07:00' }],
  ];

  it('equals the raw deliveries for every groupBy, window and scope', async () => {
    const raw = await rawDeliveries(t);
    expect(raw).toHaveLength(3 + 2 + 2 + 2 + 2 + 2 + 1);
    const paths = await t.app.get(DataSource).getRepository(AreaEntity).find();
    const pathOf = (id: string) => paths.find((a) => a.id === id)!.path;
    const scopes: Array<[string, string | undefined]> = [['everywhere', undefined], ['province', tree.province.id], ['district A', tree.districtA.id], ['commune B', tree.communeB.id]];
    for (const groupBy of GROUPS) {
      for (const [, window] of windows) {
        for (const [, areaId] of scopes) {
          const res = await get(t.adminToken, { groupBy, ...window, ...(areaId ? { areaId } : {}) });
          expect(res.status).toBe(200);
          const from = window.from ? Date.parse(window.from) : -Infinity;
          const to = window.to ? Date.parse(window.to) : Infinity;
          expect({ groupBy, window, areaId, items: comparable(res.body.items) }).toEqual({ groupBy, window, areaId, items: expectedReport(raw, topics, groupBy, areaId ? pathOf(areaId) : null, from, to) });
        }
      }
    }
  });

  it('matches a raw SQL GROUP BY over the deliveries, per commune', async () => {
    const played = "CASE WHEN d.status = 'played' THEN b.endsAt - b.startsAt ELSE 0 END";
    const rows = await t.app.get(DataSource).getRepository(DeliveryEntity).createQueryBuilder('d')
      .innerJoin(BroadcastEntity, 'b', 'b.id = d.broadcastId')
      .select('d.communeId', 'key').addSelect('COUNT(DISTINCT d.broadcastId)', 'broadcasts').addSelect('COUNT(*)', 'targeted')
      .addSelect("SUM(CASE WHEN d.status = 'played' THEN 1 ELSE 0 END)", 'played')
      .addSelect("SUM(CASE WHEN d.status = 'interrupted' THEN 1 ELSE 0 END)", 'interrupted')
      .addSelect("SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END)", 'failed')
      .addSelect("SUM(CASE WHEN d.status = 'missed' THEN 1 ELSE 0 END)", 'missed')
      .addSelect("SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END)", 'pending')
      .addSelect(`SUM(${played})`, 'airtimeMs')
      .groupBy('d.communeId').getRawMany();
    const expected = rows.map((r) => ({ key: r.key, broadcasts: +r.broadcasts, targeted: +r.targeted, played: +r.played, interrupted: +r.interrupted, failed: +r.failed, missed: +r.missed, pending: +r.pending, airtimeSec: +r.airtimeMs / 1000 }));
    const res = await get(t.adminToken, { groupBy: 'commune' });
    expect(comparable(res.body.items)).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
  });

  it('puts a 23:30 and a 00:30 Vietnam broadcast on different days in Vietnam, the same day in UTC', async () => {
    const march = { from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z', areaId: tree.province.id };
    const vn = await get(t.adminToken, { groupBy: 'day', ...march });
    expect(vn.body.items.map((i: Expected & { label: string }) => [i.key, i.label, i.broadcasts, i.targeted])).toEqual([['2025-03-01', '01/03/2025', 1, 3], ['2025-03-02', '02/03/2025', 1, 2]]);
    const utc = await get(t.adminToken, { groupBy: 'day', tz: 'UTC', ...march });
    expect(utc.body.items.map((i: Expected) => [i.key, i.broadcasts, i.targeted])).toEqual([['2025-03-01', 2, 5]]);
    const kathmandu = await get(t.adminToken, { groupBy: 'day', tz: 'Asia/Kathmandu', ...march }); // +05:45: 22:15 and 23:15 on 1 March
    expect(kathmandu.body.items.map((i: Expected) => [i.key, i.broadcasts])).toEqual([['2025-03-01', 2]]);
  });

  it('counts a broadcast once per group however its deliveries were dispatched, and a delivery once per topic', async () => {
    const res = await get(t.adminToken, { groupBy: 'topic', areaId: tree.communeB.id, from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z' });
    // [bhxh, quoted, bhxh]: two social-insurance segments, one delivery each.
    expect(res.body.items).toEqual([expect.objectContaining({ key: 'social-insurance', label: 'social-insurance', broadcasts: 1, targeted: 2, played: 2, airtimeSec: 2 * (60 + 30 + 60) })]);
    const emergency = await get(t.adminToken, { groupBy: 'commune', from: '2025-03-05T00:00:00Z', to: '2025-03-06T00:00:00Z' });
    expect(emergency.body.items).toEqual([expect.objectContaining({ key: tree.communeA.id, label: `Xã Y Tý (${tree.communeA.code})`, broadcasts: 1, targeted: 2, played: 1, pending: 1 })]);
  });

  it('counts a late receipt as played and no longer as missed', async () => {
    const window = { groupBy: 'speaker', areaId: tree.communeA.id, from: '2025-03-01T00:00:00Z', to: '2025-03-02T00:00:00Z' };
    const before = await get(t.adminToken, window);
    expect(before.body.items.find((i: Expected) => i.key === speakers.a3.id)).toMatchObject({ missed: 1, played: 0, playedRatio: 0 });
    const outcome = await receipt(speakers.a3.id, (await rawDeliveries(t)).find((d) => d.speakerId === speakers.a3.id)!.broadcastId, 'played', at('2025-03-01T16:31:00Z'));
    expect(outcome.accepted).toBe(1);
    const after = await get(t.adminToken, window);
    expect(after.body.items.find((i: Expected) => i.key === speakers.a3.id)).toMatchObject({ missed: 0, played: 1, playedRatio: 1, airtimeSec: 2 * 150.5 + 30 });
    const day = await get(t.adminToken, { ...window, groupBy: 'day' });
    expect(day.body.items).toEqual([expect.objectContaining({ key: '2025-03-01', targeted: 3, played: 2, failed: 1, missed: 0 })]);
  });

  it('reads the same figures once the worker folds the receipt journal into the rollups', async () => {
    const db = t.app.get(DataSource);
    const journal = () => db.getRepository(RollupJournalEntity).count();
    const queries = GROUPS.flatMap((groupBy) => windows.map(([, window]) => ({ groupBy, ...window })));
    const before = await Promise.all(queries.map((q) => get(t.adminToken, q)));
    expect(await journal()).toBeGreaterThan(0);
    const folder = new RollupFolder(t.app.get(RollupsRepository), t.app.get(WriteTransactions, { strict: false }), db);
    const folding = folder.foldAll();
    const during = await Promise.all(queries.map((q) => get(t.adminToken, q)));
    expect(await folding).toBeGreaterThan(0);
    expect(await journal()).toBe(0);
    const after = await Promise.all(queries.map((q) => get(t.adminToken, q)));
    expect(during.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect(await db.getRepository(RollupStateEntity).findOneByOrFail({ id: 1 })).toMatchObject({ generation: 2 });
  });

  it('keeps receivers\' quarter, half-year and year rollups exact through a late receipt, before and after the fold', async () => {
    const folder = new RollupFolder(t.app.get(RollupsRepository), t.app.get(WriteTransactions, { strict: false }), t.app.get(DataSource));
    const paths = new Map((await t.app.get(DataSource).getRepository(AreaEntity).find()).map((a) => [a.id, a.path]));
    const periods = [
      { from: '2025-01-01T00:00:00+07:00', to: '2026-01-01T00:00:00+07:00' },
      { from: '2025-04-01T00:00:00+07:00', to: '2025-07-01T00:00:00+07:00' },
      { from: '2024-10-01T00:00:00+07:00', to: '2025-04-01T00:00:00+07:00' },
      { from: '2024-12-15T00:00:00+07:00', to: '2025-04-15T00:00:00+07:00' },
      { from: '2024-07-01T00:00:00+07:00', to: '2025-07-01T00:00:00+07:00' },
    ];
    const sameAsRaw = async () => {
      const raw = await rawDeliveries(t);
      for (const period of periods) {
        for (const areaId of [undefined, tree.districtB.id]) {
          const res = await get(t.adminToken, { groupBy: 'speaker', ...period, ...(areaId ? { areaId } : {}) });
          const expected = expectedReport(raw, topics, 'speaker', areaId ? paths.get(areaId)! : null, Date.parse(period.from), Date.parse(period.to));
          expect({ period, areaId, items: comparable(res.body.items) }).toEqual({ period, areaId, items: expected });
        }
      }
    };
    await folder.foldAll();
    await sameAsRaw();
    const q2 = { groupBy: 'speaker', areaId: tree.communeB.id, ...periods[1] };
    expect((await get(t.adminToken, q2)).body.items.find((i: Expected) => i.key === speakers.b2.id)).toMatchObject({ targeted: 1, missed: 1, played: 0 });
    expect((await receipt(speakers.b2.id, quarterEdge.id, 'played', at('2025-03-31T17:16:00Z'))).accepted).toBe(1);
    await sameAsRaw();
    await folder.foldAll();
    await sameAsRaw();
    expect((await get(t.adminToken, q2)).body.items.find((i: Expected) => i.key === speakers.b2.id)).toMatchObject({ targeted: 1, missed: 0, played: 1, airtimeSec: 90.5 });

    // The migrations that added these grains rebuild them from the month rows of existing history.
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      const migrations = [new ReportSpeakerQuartersYears1764806400000(), new ReportSpeakerHalfYears1764892800000()];
      for (const migration of migrations) await migration.down(runner);
      expect((await get(t.adminToken, q2)).body.items).toEqual([]);
      expect((await get(t.adminToken, { ...q2, from: '2024-07-01T00:00:00+07:00' })).body.items).toEqual([]);
      for (const migration of migrations) await migration.up(runner);
    } finally {
      await runner.release();
    }
    await sameAsRaw();
  });

  it('lists receivers worst first, with their played ratio and last contact', async () => {
    await t.app.get(DataSource).getRepository(SpeakerEntity).update({ id: speakers.a1.id }, { lastSeenAt: new Date('2025-04-01T03:04:05.678Z') });
    const res = await get(t.adminToken, { groupBy: 'speaker', areaId: tree.districtA.id });
    expect(res.status).toBe(200);
    const ratios = res.body.items.map((i: { playedRatio: number }) => i.playedRatio);
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
    expect(res.body.items.find((i: Expected) => i.key === speakers.a2.id)).toMatchObject({ label: 'Loa chợ Y Tý', targeted: 2, failed: 1, pending: 1, playedRatio: 0, lastSeenAt: null });
    expect(res.body.items.find((i: Expected) => i.key === speakers.a1.id)).toMatchObject({ label: 'Loa thôn Phìn Hồ', lastSeenAt: '2025-04-01T03:04:05.678Z' });
  });

  it('keeps past counts when a speaker moves to another commune or a segment is retired', async () => {
    const before = await Promise.all(GROUPS.map((groupBy) => get(t.adminToken, { groupBy })));
    expect((await t.http.patch(`/api/v1/speakers/${speakers.a1.id}`).set(auth(t.adminToken)).send({ communeId: tree.communeB.id })).status).toBe(200);
    await t.app.get(DataSource).getRepository(SegmentEntity).update({ id: segments.bhyt.id }, { status: 'retired', liveSha256: null, retiredAt: new Date() });
    const after = await Promise.all(GROUPS.map((groupBy) => get(t.adminToken, { groupBy })));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
  });

  it('writes CSV: BOM, header row, Vietnamese names intact, quoted where needed, as an attachment', async () => {
    const res = await get(t.adminToken, { groupBy: 'segment', format: 'csv' }).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="loa-deliveries-by-segment.csv"');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('key,label,broadcasts,targeted,played,interrupted,failed,missed,pending,airtimeSec');
    expect(lines).toContain(`${segments.quoted.id},"Đóng BHXH ""đúng hạn"", đủ",2,4,3,0,0,0,1,${(2 * 30 + 30) * 1}`);
    expect(lines.some((l) => l.startsWith(`${segments.bhxh.id},Bảo hiểm xã hội tự nguyện,2,5,`))).toBe(true);
    expect(lines[lines.length - 1]).toBe('');
    const communes = await get(t.adminToken, { groupBy: 'commune', format: 'csv', areaId: tree.province.id }).buffer(true).parse((response, done) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (c: string) => (text += c));
      response.on('end', () => done(null, text));
    });
    expect(communes.body).toContain(`,Xã Tả Van (${tree.communeB.code}),`);
  });

  it('lets admins, district staff and auditors in, within their area; operators get 403', async () => {
    expect((await get(tree.operatorA.token, {})).status).toBe(403);
    expect((await get(tree.auditor.token, { areaId: otherCommune.id })).status).toBe(404);
    expect((await get(otherAuditor.token, { areaId: tree.province.id })).status).toBe(404);
    expect((await get(tree.staffA.token, { areaId: tree.communeB.id })).status).toBe(404);
    expect((await get(tree.staffA.token, { areaId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    const own = await get(tree.staffA.token, { groupBy: 'commune' });
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: Expected) => i.key)).toEqual([tree.communeA.id]);
    const auditor = await get(tree.auditor.token, { groupBy: 'commune' });
    expect(auditor.body.items.map((i: Expected) => i.key).sort()).toEqual([tree.communeA.id, tree.communeB.id].sort());
    const other = await get(otherAuditor.token, { groupBy: 'topic' });
    expect(other.body.items).toEqual([expect.objectContaining({ key: 'health-insurance', broadcasts: 1, targeted: 1, played: 1 })]);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ groupBy: 'week' }, /groupBy/],
      [{ tz: 'Mars/Olympus' }, /tz/],
      [{ from: '2025-03-01' }, /from/],
      [{ to: '2025-03-01T00:00:00' }, /to/],
      [{ from: '2025-03-02T00:00:00Z', to: '2025-03-01T00:00:00Z' }, /from must be before to/],
      [{ format: 'xlsx' }, /format/],
      [{ areaId: 'nope' }, /areaId/],
      [{ limit: '5' }, /limit/],
    ];
    for (const [query, message] of cases) {
      const res = await get(t.adminToken, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
  });
});
