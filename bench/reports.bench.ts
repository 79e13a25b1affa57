/**
 * Reports benchmark (national scale).
 *
 *   npm run bench reports                              10 million deliveries (the default)
 *   BENCH_DELIVERIES=1000000 npm run bench reports     a quicker run
 *   BENCH_DB_DIR=/var/tmp/loa-bench npm run bench reports   keep the seeded database there and reuse it
 *   BENCH_PARTS=ingestion npm run bench reports             only one part (reports, ingestion)
 *
 * Seeds an embedded SQLite database (the default installation) with a country's worth of history:
 * 10 provinces x 10 districts x 10 communes, 10 receivers per commune, 60 policy segments over 8
 * topics, and BENCH_DELIVERIES deliveries of broadcasts spread over 18 months (1 July 2024 to
 * 31 December 2025, Vietnam time), about 1.8 broadcasts per commune per day at usual bulletin hours.
 * Broadcasts and deliveries are bulk-inserted; their rollups are built by RollupsRepository.apply()
 * (the code every delivery write calls) and RollupsRepository.foldJournal() (the worker's fold).
 *
 * Then, in the same run:
 *  1. each groupBy through ReportsService (what GET /reports/deliveries runs) beside a raw GROUP BY over
 *     the deliveries table giving the same figures (checked equal): nationwide over the 18 months, a
 *     province over a ragged window, and a district over a week. Targets: < 100 ms and >= 20x the raw
 *     query (nationwide, 18 months).
 *  2. receipt ingestion through DeliveriesRepository.settleReceipts with rollups on (receipts go to the
 *     rollup journal) and with an apply() that does nothing, the two taking turns call by call: one receipt
 *     per call (a receiver reporting the broadcast it just played) and 100 per call (a receiver back online).
 *     Target: < 10% more CPU per receipt. The worker's fold of the journal is timed apart.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import { AreaEntity } from '../src/areas/area.entity.js';
import { AreasRepository } from '../src/areas/areas.repository.js';
import type { AuthUser } from '../src/auth/auth-user.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { BroadcastsRepository } from '../src/broadcasts/broadcasts.repository.js';
import { DeliveryFillsRepository } from '../src/broadcasts/delivery-fills.repository.js';
import { DeliveriesRepository, type DeliveryTarget } from '../src/broadcasts/deliveries.repository.js';
import type { DeliveryTransition } from '../src/broadcasts/delivery-transition.js';
import { DeliveryEntity, type DeliveryStatus } from '../src/broadcasts/delivery.entity.js';
import { WriteTransactions } from '../src/database/write-transactions.js';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.js';
import { BroadcastFactsLoader } from '../src/reports/broadcast-facts.js';
import { DeliveryReportQuery, type DeliveryReportItem, type ReportGroup } from '../src/reports/report.dto.js';
import { ReportsRepository } from '../src/reports/reports.repository.js';
import { ReportsService } from '../src/reports/reports.service.js';
import { RollupFolder } from '../src/reports/rollup-folder.js';
import { RollupsRepository } from '../src/reports/rollups.repository.js';
import { runWhenMain } from './direct.js';

const TARGET = { reportMs: 100, speedup: 20, ingestSlowdown: 0.1 };
const VN = 'Asia/Ho_Chi_Minh';
const PROVINCES = 10;
const DISTRICTS_PER_PROVINCE = 10;
const COMMUNES_PER_DISTRICT = 10;
const SPEAKERS_PER_COMMUNE = 10;
const FIRST_DAY = DateTime.fromISO('2024-07-01T00:00:00', { zone: VN });
const DAYS = 549;
/** Bulletin times, local: morning and evening sessions, a midday one in some communes. */
const SLOTS = ['05:30', '06:00', '06:30', '07:00', '11:00', '16:30', '17:00', '17:30', '18:00', '19:00'];
const TOPICS = ['social-insurance', 'health-insurance', 'disaster-warning', 'agriculture', 'elections', 'public-health', 'education', 'security'];
const BROADCASTS_PER_CHUNK = 5000;
const GROUPS: ReportGroup[] = ['day', 'commune', 'segment', 'topic', 'speaker'];

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** A fixed-seed generator: the same history on every run. */
function random(seed = 20240701): () => number {
  let state = seed;
  return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

interface World {
  provinces: AreaEntity[];
  districts: AreaEntity[];
  communes: AreaEntity[];
  speakersOf: Map<string, string[]>;
  segments: Array<{ id: string; topic: string; durationSec: number }>;
}

export async function run(): Promise<void> {
  const target = Number(process.env.BENCH_DELIVERIES ?? 10_000_000);
  if (!Number.isInteger(target) || target < 10_000) throw new Error('BENCH_DELIVERIES must be an integer >= 10000');
  console.log(`load average before start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes on these cores skew the figures)`);
  const keep = process.env.BENCH_DB_DIR;
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'loa-bench-reports-')));
  const open = () => openDatabase(loadConfig({ LOA_DATA_DIR: dir, LOA_LOG_LEVEL: 'warn' }));
  let db = await open();
  try {
    const facts = new BroadcastFactsLoader();
    const rollups = new RollupsRepository(facts);
    const started = performance.now();
    const seeded = await db.getRepository(AreaEntity).count();
    const world = seeded ? await loadWorld(db) : await seedWorld(db);
    if (!seeded) {
      const { deliveries, broadcasts } = await seedHistory(db, world, rollups, target);
      console.log(`seeded ${fmt(broadcasts)} broadcasts and ${fmt(deliveries)} deliveries with their rollups in ${seconds(started)} s`);
      await db.query('ANALYZE');
      // Reports are timed on a connection like the API's, not on the one that just wrote 10^7 rows.
      await db.destroy();
      db = await open();
    }
    const [{ bytes }] = await db.query('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
    const count = async (table: string) => fmt(Number((await db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n));
    console.log(`database ${fmt(Number(bytes) / 2 ** 20)} MB: ${await count('deliveries')} deliveries of ${await count('broadcasts')} broadcasts; rollup rows ${await count('report_area_rollups')} area, ${await count('report_segment_rollups')} segment, ${await count('report_speaker_rollups')} speaker`);

    const parts = (process.env.BENCH_PARTS ?? 'reports,ingestion').split(',');
    if (parts.includes('reports')) await reportLatency(db, world, facts, rollups);
    if (parts.includes('ingestion')) {
      console.log('\nreceipt ingestion through DeliveriesRepository.settleReceipts (fresh pending deliveries for each mode, calls alternating):');
      await ingestion(db, world, rollups);
    }
  } finally {
    await db.destroy();
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

/** Each groupBy through ReportsService beside the raw GROUP BY over the deliveries, checked equal. */
async function reportLatency(db: DataSource, world: World, facts: BroadcastFactsLoader, rollups: RollupsRepository): Promise<void> {
  const service = new ReportsService(new ReportsRepository(db, facts, rollups), new AreasRepository(db.getRepository(AreaEntity)));
  const nationwide = { from: FIRST_DAY.toISO()!, to: FIRST_DAY.plus({ days: DAYS }).toISO()! };
  const province = world.provinces[3];
  const district = world.districts[42];
  const ragged = { from: '2025-02-10T08:07:00+07:00', to: '2025-09-21T13:52:00+07:00' };
  const week = { from: '2025-11-03T00:00:00+07:00', to: '2025-11-10T00:00:00+07:00' };
  console.log('\nreport latency (median of 5 after a warm-up: wall, and the process CPU time) beside a raw GROUP BY over the deliveries, same figures:');
  const verdicts: boolean[] = [];
  for (const [label, scope, window, judged] of [
    ['nationwide, 18 months', null, nationwide, true],
    [`province, ragged window ${ragged.from.slice(0, 16)} to ${ragged.to.slice(0, 16)}`, province, ragged, false],
    ['district, one week', district, week, false],
  ] as const) {
    console.log(`  ${label} (load average ${loadavg()[0].toFixed(2)})`);
    for (const groupBy of GROUPS) {
      const query = Object.assign(new DeliveryReportQuery(), { groupBy, tz: VN, ...window, ...(scope ? { areaId: scope.id } : {}) });
      const { wallMs: rollupMs, cpuMs } = await median(() => service.deliveries(ADMIN, query));
      const items = await service.deliveries(ADMIN, query);
      const rawStarted = performance.now();
      const raw = await rawReport(db, groupBy, Date.parse(window.from), Date.parse(window.to), scope?.path ?? null);
      const rawMs = performance.now() - rawStarted;
      const same = sameFigures(items, raw);
      const ok = same && (!judged || (rollupMs < TARGET.reportMs && rawMs / rollupMs >= TARGET.speedup));
      if (judged || !same) verdicts.push(ok);
      console.log(`    ${groupBy.padEnd(8)} ${fmt(rollupMs, 1).padStart(8)} ms (CPU ${fmt(cpuMs, 1).padStart(6)} ms)   raw ${fmt(rawMs, 0).padStart(7)} ms   ${fmt(rawMs / rollupMs, 0).padStart(6)}x   ${fmt(items.length).padStart(6)} rows   ${same ? 'same figures' : 'FIGURES DIFFER'}${judged ? (ok ? '   OK' : '   BELOW TARGET') : ''}`);
    }
  }
  console.log(`  targets (nationwide): < ${TARGET.reportMs} ms and >= ${TARGET.speedup}x the raw query: ${verdicts.every(Boolean) ? 'OK' : 'BELOW TARGET'}`);
}

const ADMIN: AuthUser = { id: randomUUID(), username: 'bench', role: 'admin', areaId: null, areaPath: null, mustEnrolTotp: false };

/** Wall and CPU time of `work`, each the median of 5 runs after a warm-up. */
async function median(work: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  await work();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const used = process.cpuUsage();
    await work();
    const { user, system } = process.cpuUsage(used);
    wall.push(performance.now() - started);
    cpu.push((user + system) / 1000);
  }
  return { wallMs: medianOf(wall), cpuMs: medianOf(cpu) };
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

type Row = Record<string, string | number | null>;

/** Multi-row INSERTs (within the caller's transaction when given a manager). */
async function insertRows(manager: EntityManager, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  const perStatement = Math.floor(30_000 / columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    await manager.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flatMap((row) => columns.map((c) => row[c])));
  }
}

async function seedWorld(db: DataSource): Promise<World> {
  const now = Date.now();
  const area = (kind: AreaEntity['kind'], parent: AreaEntity | null, i: number): AreaEntity => {
    const id = randomUUID();
    const names = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã' };
    return { id, name: `${names[kind]} ${i}`, code: `${kind.slice(0, 1).toUpperCase()}-${id.slice(0, 13)}`, kind, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, maxBroadcastMinutes: null, createdAt: new Date(now) };
  };
  const provinces = Array.from({ length: PROVINCES }, (_, i) => area('province', null, i + 1));
  const districts = provinces.flatMap((p) => Array.from({ length: DISTRICTS_PER_PROVINCE }, (_, i) => area('district', p, i + 1)));
  const communes = districts.flatMap((d) => Array.from({ length: COMMUNES_PER_DISTRICT }, (_, i) => area('commune', d, i + 1)));
  const speakersOf = new Map(communes.map((c) => [c.id, Array.from({ length: SPEAKERS_PER_COMMUNE }, () => randomUUID())]));
  const segments = Array.from({ length: 60 }, (_, i) => ({ id: randomUUID(), topic: TOPICS[i % TOPICS.length], durationSec: 45 + ((i * 37) % 240) + 0.5 }));
  await db.transaction(async (m) => {
    await insertRows(m, 'areas', [...provinces, ...districts, ...communes].map((a) => ({ ...a, createdAt: now })));
    await insertRows(m, 'speakers', communes.flatMap((c) => speakersOf.get(c.id)!.map((id, i) => ({ id, name: `Loa ${i + 1} ${c.name}`, communeId: c.id, location: null, tokenHash: id.replaceAll('-', '').padEnd(64, '0'), lastSeenAt: now - i * 60_000, createdAt: now }))));
    await insertRows(m, 'segments', segments.map((s, i) => {
      const sha = `${s.id.replaceAll('-', '')}${s.id.replaceAll('-', '')}`;
      return {
        id: s.id, title: `Bản tin ${s.topic} số ${i + 1}`, topic: s.topic, language: 'vi', status: 'ready', error: null, areaId: null, areaPath: '/', uploadedBy: null,
        originalName: 'bench.wav', sha256: sha, liveSha256: sha, sourceBytes: 1, durationSec: s.durationSec, loudnessLufs: -20, renditionLufs: -16, renditionTruePeakDb: -1.2,
        renditionSha256: sha, renditionBytes: 1, approved: 1, approvedBy: null, approvedAt: now, validFrom: null, validUntil: null, createdAt: now, updatedAt: now, retiredAt: null,
      };
    }));
  });
  return { provinces, districts, communes, speakersOf, segments };
}

/** The world of a database seeded by an earlier run (BENCH_DB_DIR). */
async function loadWorld(db: DataSource): Promise<World> {
  const areas = await db.getRepository(AreaEntity).find({ order: { path: 'ASC' } });
  const speakers: Array<{ id: string; communeId: string }> = await db.query('SELECT id, "communeId" FROM speakers ORDER BY name');
  const speakersOf = new Map<string, string[]>();
  for (const s of speakers) speakersOf.set(s.communeId, [...(speakersOf.get(s.communeId) ?? []), s.id]);
  const segments: World['segments'] = (await db.query('SELECT id, topic, "durationSec" FROM segments ORDER BY title')).map((s: { id: string; topic: string; durationSec: number }) => ({ ...s, durationSec: Number(s.durationSec) }));
  return { provinces: areas.filter((a) => a.kind === 'province'), districts: areas.filter((a) => a.kind === 'district'), communes: areas.filter((a) => a.kind === 'commune'), speakersOf, segments };
}

/**
 * Broadcasts and their deliveries, chunk by chunk in time order: bulk inserts, then the chunk's
 * transitions (each delivery created and settled) through RollupsRepository.apply() in one transaction.
 */
async function seedHistory(db: DataSource, world: World, rollups: RollupsRepository, target: number): Promise<{ deliveries: number; broadcasts: number }> {
  const next = random();
  const perCommuneDay = target / (world.communes.length * SPEAKERS_PER_COMMUNE * DAYS);
  // SQLite's default full sync is for the application; bulk seeding does not need every commit on disk.
  const [{ synchronous }] = await db.query('PRAGMA synchronous');
  await db.query('PRAGMA synchronous = OFF');
  let deliveries = 0;
  let broadcasts = 0;
  let pending: { broadcasts: Row[]; deliveries: Row[]; transitions: DeliveryTransition[] } = { broadcasts: [], deliveries: [], transitions: [] };
  const flush = async () => {
    await db.transaction(async (m) => {
      await insertRows(m, 'broadcasts', pending.broadcasts);
      await insertRows(m, 'deliveries', pending.deliveries);
      await rollups.apply(m, pending.transitions);
    });
    while (await rollups.journalWaiting(db.manager)) await db.transaction((m) => rollups.foldJournal(m));
    pending = { broadcasts: [], deliveries: [], transitions: [] };
  };
  const lastDay = FIRST_DAY.plus({ days: DAYS - 1 });
  for (let day = FIRST_DAY; day <= lastDay; day = day.plus({ days: 1 })) {
    for (const [c, commune] of world.communes.entries()) {
      const count = Math.floor(perCommuneDay) + (next() < perCommuneDay % 1 ? 1 : 0);
      for (let k = 0; k < count; k++) {
        const [hour, minute] = SLOTS[(c * 7 + k * 3 + day.weekday) % SLOTS.length].split(':').map(Number);
        const startsAt = day.set({ hour, minute: minute + (c % 3) * 5 }).toMillis() + k * 3_600_000;
        const playlist = pickPlaylist(world, next);
        const repeat = next() < 0.3 ? 2 : 1;
        const length = repeat * playlist.reduce((s, p) => s + p.durationSec, 0) + (repeat - 1) * 30;
        const id = randomUUID();
        pending.broadcasts.push({
          id, scheduleId: null, areaId: commune.id, areaPath: commune.path, title: 'Bản tin', startsAt, endsAt: startsAt + Math.round(length * 1000), priority: 'normal', repeat, gapSec: 30,
          segmentIds: JSON.stringify(playlist.map((p) => p.id)), segmentDurations: JSON.stringify(playlist.map((p) => p.durationSec)), speakerIds: null,
          status: 'completed', reason: null, createdBy: null, createdAt: startsAt, onAirAt: startsAt, finalisedAt: startsAt + 3_600_000,
        });
        for (const speakerId of world.speakersOf.get(commune.id)!) {
          const status = deliveryStatus(next(), day.equals(lastDay));
          pending.deliveries.push({ broadcastId: id, speakerId, communeId: commune.id, status, startedAt: status === 'played' ? startsAt : null, finishedAt: null, error: status === 'failed' ? 'amplifier fault' : null, createdAt: startsAt, settledAt: startsAt + 600_000 });
          pending.transitions.push({ broadcastId: id, speakerId, communeId: commune.id, from: null, to: status });
          deliveries++;
        }
        broadcasts++;
        if (pending.broadcasts.length >= BROADCASTS_PER_CHUNK) await flush();
      }
    }
    if (day.day === 1) console.log(`  seeding ${day.toFormat('yyyy-MM')}: ${fmt(deliveries)} deliveries so far`);
  }
  await flush();
  await db.query(`PRAGMA synchronous = ${synchronous}`);
  return { deliveries, broadcasts };
}

/** 1 to 3 segments of different topics. */
function pickPlaylist(world: World, next: () => number): World['segments'] {
  const size = 1 + Math.floor(next() * 3);
  const playlist: World['segments'] = [];
  while (playlist.length < size) {
    const segment = world.segments[Math.floor(next() * world.segments.length)];
    if (!playlist.some((p) => p.topic === segment.topic)) playlist.push(segment);
  }
  return playlist;
}

function deliveryStatus(r: number, recent: boolean): DeliveryStatus {
  if (recent && r < 0.05) return 'pending';
  return r < 0.85 ? 'played' : r < 0.9 ? 'failed' : 'missed';
}

/** The report straight from the deliveries: what the rollups must equal (SQLite SQL; the playlist is JSON). */
async function rawReport(db: DataSource, groupBy: ReportGroup, from: number, to: number, pathPrefix: string | null): Promise<Map<string, number[]>> {
  const perSegment = groupBy === 'segment' || groupBy === 'topic';
  const key = { day: `date((b."startsAt" + 25200000) / 1000, 'unixepoch')`, commune: 'd."communeId"', speaker: 'd."speakerId"', segment: 'seg.value', topic: 's.topic' }[groupBy];
  const airtime = perSegment ? 'CAST(ROUND(dur.value * 1000) AS INTEGER) * b.repeat' : 'b."endsAt" - b."startsAt"';
  const metrics = [
    'COUNT(DISTINCT d."broadcastId")', 'COUNT(*)', `SUM(d.status = 'played')`, `SUM(d.status = 'failed')`, `SUM(d.status = 'missed')`, `SUM(d.status = 'pending')`,
    `SUM(CASE WHEN d.status = 'played' THEN ${airtime} ELSE 0 END)`,
  ];
  // Playlists hold one segment per topic here, so a delivery meets each topic once.
  const joins = [
    'JOIN broadcasts b ON b.id = d."broadcastId"',
    ...(perSegment ? ['JOIN json_each(b."segmentIds") seg JOIN json_each(b."segmentDurations") dur ON dur.key = seg.key'] : []),
    ...(groupBy === 'topic' ? ['JOIN segments s ON s.id = seg.value'] : []),
  ];
  const scope = pathPrefix ? `AND d."communeId" IN (SELECT id FROM areas WHERE path LIKE '${pathPrefix}%')` : '';
  const rows: Array<Record<string, number | string>> = await db.query(
    `SELECT ${key} AS k, ${metrics.map((m, i) => `${m} AS m${i}`).join(', ')} FROM deliveries d ${joins.join(' ')} WHERE b."startsAt" >= ${from} AND b."startsAt" < ${to} ${scope} GROUP BY k`,
  );
  return new Map(rows.map((r) => [String(r.k), metrics.map((_, i) => Number(r[`m${i}`]))]));
}

function sameFigures(items: DeliveryReportItem[], raw: Map<string, number[]>): boolean {
  if (items.length !== raw.size) return false;
  return items.every((item) => {
    const r = raw.get(item.key);
    const mine = [item.broadcasts, item.targeted, item.played, item.failed, item.missed, item.pending, item.airtimeSec * 1000];
    return !!r && mine.every((v, i) => Math.abs(v - r[i]) < 1e-6);
  });
}

/** An apply() that does nothing: the baseline of the same write path without rollups. */
class NoRollups extends RollupsRepository {
  override async apply(): Promise<void> {}
}

type Mode = 'on' | 'off';
interface Tally {
  cpuUs: number;
  wallMs: number;
  receipts: number;
}
const noTally = (): Tally => ({ cpuUs: 0, wallMs: 0, receipts: 0 });

/** Adds the process CPU time (user + system) and wall time of `work` to `tally`; `work` answers how many receipts it took. */
async function timed(tally: Tally, work: () => Promise<number>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  tally.receipts += await work();
  const used = process.cpuUsage(cpu);
  tally.cpuUs += used.user + used.system;
  tally.wallMs += performance.now() - started;
}

const cpuPerReceipt = (t: Tally) => t.cpuUs / t.receipts;
const ratePerSec = (t: Tally) => t.receipts / (t.wallMs / 1000);

/**
 * Pending deliveries (created through the real dispatch path) settled by receipts, `perCall` per
 * settleReceipts call, with rollups on (receipts go to the journal) and with an apply() that does
 * nothing. The two modes take turns call by call (on, off, off, on, ...), each call timed on its own,
 * so a burst of other work on the machine falls on both alike; whole runs one after the other differed
 * by ±20% under load. A warm-up round is not counted. The journal is folded after each round, timed apart. CPU time per receipt is the
 * figure compared: unlike wall time it does not move with the other processes on the machine.
 */
async function ingestion(db: DataSource, world: World, rollups: RollupsRepository): Promise<void> {
  const transactions = new WriteTransactions(db);
  const broadcastsRepository = new BroadcastsRepository(db.getRepository(BroadcastEntity));
  const writers = {
    on: new DeliveriesRepository(rollups, broadcastsRepository, new DeliveryFillsRepository(), transactions),
    off: new DeliveriesRepository(new NoRollups(new BroadcastFactsLoader()), broadcastsRepository, new DeliveryFillsRepository(), transactions),
  };
  const folder = new RollupFolder(rollups, transactions, db);
  let slot = DateTime.fromISO('2026-01-05T06:00:00', { zone: VN }).toMillis();

  /** `perCommune` broadcasts on air in each of `communeCount` communes; each receiver's receipts for them. */
  async function onAir(communeCount: number, perCommune: number): Promise<Array<{ speakerId: string; broadcastIds: string[] }>> {
    const bySpeaker = new Map<string, string[]>();
    await db.transaction(async (m) => {
      const rows: Row[] = [];
      const batch: Array<{ broadcastId: string; targets: DeliveryTarget[] }> = [];
      for (const commune of world.communes.slice(0, communeCount)) {
        for (let k = 0; k < perCommune; k++) {
          const id = randomUUID();
          const segment = world.segments[k % world.segments.length];
          const startsAt = slot + k * 1_800_000;
          rows.push({
            id, scheduleId: null, areaId: commune.id, areaPath: commune.path, title: 'Bản tin', startsAt, endsAt: startsAt + 300_000, priority: 'normal', repeat: 1, gapSec: 30,
            segmentIds: JSON.stringify([segment.id]), segmentDurations: JSON.stringify([segment.durationSec]), speakerIds: null, status: 'on_air', reason: null, createdBy: null, createdAt: startsAt, onAirAt: startsAt, finalisedAt: null,
          });
          const speakers = world.speakersOf.get(commune.id)!;
          batch.push({ broadcastId: id, targets: speakers.map((speakerId) => ({ speakerId, communeId: commune.id })) });
          for (const speakerId of speakers) {
            const ids = bySpeaker.get(speakerId);
            if (ids) ids.push(id);
            else bySpeaker.set(speakerId, [id]);
          }
        }
      }
      await insertRows(m, 'broadcasts', rows);
      await writers.on.createPendingMany(m, batch, new Date(slot));
    });
    // The dispatch's own rollups are folded before the receipts are timed.
    await folder.foldAll();
    slot += 4 * 86_400_000;
    return [...bySpeaker].map(([speakerId, broadcastIds]) => ({ speakerId, broadcastIds }));
  }

  /** Every receiver's receipts for its broadcasts, `perCall` per settleReceipts call. */
  function calls(receivers: Array<{ speakerId: string; broadcastIds: string[] }>, perCall: number, mode: Mode): Array<() => Promise<number>> {
    return receivers.flatMap(({ speakerId, broadcastIds }) => Array.from({ length: Math.ceil(broadcastIds.length / perCall) }, (_, i) => async () => {
      const batch = broadcastIds.slice(i * perCall, (i + 1) * perCall).map((broadcastId) => ({ broadcastId, status: 'played' as const, startedAt: new Date(slot), finishedAt: new Date(slot + 300_000), error: null }));
      return (await writers[mode].settleReceipts(speakerId, batch, new Date(), new Date())).accepted;
    }));
  }

  const ROUNDS = 5;
  /** Uncounted first: the JIT and SQLite's page cache settle on both paths. */
  const WARM_UP_ROUNDS = 1;
  for (const { perCall, communes, perCommune } of [{ perCall: 1, communes: 400, perCommune: 1 }, { perCall: 100, communes: 40, perCommune: 100 }]) {
    const total: Record<Mode | 'fold', Tally> = { on: noTally(), off: noTally(), fold: noTally() };
    const roundSlowdowns: number[] = [];
    for (let round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
      const on = calls(await onAir(communes, perCommune), perCall, 'on');
      const off = calls(await onAir(communes, perCommune), perCall, 'off');
      const tally: Record<Mode, Tally> = { on: noTally(), off: noTally() };
      for (let i = 0; i < on.length; i++) {
        for (const mode of i % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) await timed(tally[mode], (mode === 'on' ? on : off)[i]);
      }
      const fold = noTally();
      await timed(fold, async () => (await folder.foldAll(), tally.on.receipts));
      if (round < 0) continue;
      for (const key of ['cpuUs', 'wallMs', 'receipts'] as const) total.fold[key] += fold[key];
      roundSlowdowns.push(cpuPerReceipt(tally.on) / cpuPerReceipt(tally.off) - 1);
      for (const mode of ['on', 'off'] as const) for (const key of ['cpuUs', 'wallMs', 'receipts'] as const) total[mode][key] += tally[mode][key];
    }
    const slowdown = cpuPerReceipt(total.on) / cpuPerReceipt(total.off) - 1;
    const withFold = (cpuPerReceipt(total.on) + cpuPerReceipt(total.fold)) / cpuPerReceipt(total.off) - 1;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(`  ${perCall} receipt(s) per call, ${fmt(total.on.receipts)} receipts per mode in ${ROUNDS} rounds, calls alternating (load average ${loadavg()[0].toFixed(2)}):`);
    console.log(`    rollups off   ${fmt(cpuPerReceipt(total.off), 1).padStart(7)} us CPU per receipt   ${fmt(ratePerSec(total.off)).padStart(7)} receipts/s`);
    console.log(`    rollups on    ${fmt(cpuPerReceipt(total.on), 1).padStart(7)} us CPU per receipt   ${fmt(ratePerSec(total.on)).padStart(7)} receipts/s   ${pct(slowdown)} more CPU (rounds ${roundSlowdowns.map(pct).join(', ')})  ${slowdown < TARGET.ingestSlowdown ? 'OK' : 'BELOW TARGET'}`);
    console.log(`    journal fold  ${fmt(cpuPerReceipt(total.fold), 1).padStart(7)} us CPU per receipt   ${fmt(ratePerSec(total.fold)).padStart(7)} receipts/s folded (worker, in the background); with it: ${pct(withFold)} more CPU in all`);
  }
}

runWhenMain(import.meta.url, run);
