/**
 * Materialise benchmark: the national morning's schedules turned into broadcasts and dispatch jobs.
 * 34 provinces and 3,321 communes, one daily 06:00 bulletin schedule per commune (2 occurrences in
 * the 48-hour horizon: 6,642 broadcasts), materialised by the scheduler tick's own code
 * (`Materialiser.extendAll()`, in an application context without the tick), then the next minute's
 * tick with nothing new to make; beside a raw multi-row INSERT of the same broadcast rows in one
 * transaction, in the same run. On SQLite and on PostgreSQL (BENCH_POSTGRES_URL, default the test
 * database, in a throwaway schema; BENCH_DATABASES=sqlite or postgres runs one).
 *
 *   npm run bench materialise
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { createWorkerContext } from '../src/app.js';
import { AreaEntity } from '../src/areas/area.entity.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { Clock } from '../src/common/clock.js';
import { loadConfig } from '../src/config/app-config.js';
import { chunked, placeholder, tableOf } from '../src/database/sql.js';
import { QueueName } from '../src/queue/queue.constants.js';
import { resolveRedisUrl } from '../src/queue/redis.js';
import { ScheduleEntity } from '../src/schedules/schedule.entity.js';
import { Materialiser } from '../src/schedules/materialiser.js';
import { SegmentEntity } from '../src/segments/segment.entity.js';
import { runWhenMain } from './direct.js';

const PROVINCES = 34;
const COMMUNES = 3321;
const CRON = '0 6 * * *';

const fmt = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function seed(db: DataSource): Promise<void> {
  const now = new Date();
  const area = (id: string, kind: AreaEntity['kind'], parentId: string | null, path: string, n: number): AreaEntity => ({
    id, name: `${kind} ${n}`, code: `${kind === 'province' ? 'P' : 'C'}${n}`, kind, parentId, path, maxBroadcastMinutes: null, createdAt: now,
  });
  const provinces = Array.from({ length: PROVINCES }, (_, i) => area(randomUUID(), 'province', null, '', i));
  for (const p of provinces) p.path = `/${p.id}/`;
  const communes = Array.from({ length: COMMUNES }, (_, i) => {
    const province = provinces[i % PROVINCES];
    const id = randomUUID();
    return area(id, 'commune', province.id, `${province.path}${id}/`, i);
  });
  const segmentId = randomUUID();
  const sha = randomBytes(32).toString('hex');
  const schedules = communes.map((c): ScheduleEntity => ({
    id: randomUUID(), communeId: c.id, title: 'Bản tin sáng', segmentIds: [segmentId], speakerIds: null, cron: CRON, timezone: 'Asia/Ho_Chi_Minh',
    startDate: null, endDate: null, at: null, priority: 'normal', repeat: 1, gapSec: 30, createdBy: null, materialisedUntil: null, createdAt: now, updatedAt: now, deletedAt: null,
  }));
  await db.transaction(async (m) => {
    await m.insert(AreaEntity, provinces);
    for (const piece of chunked(communes, 500)) await m.insert(AreaEntity, piece);
    await m.insert(SegmentEntity, {
      id: segmentId, title: 'Bản tin sáng', topic: 'social-insurance', language: 'vi', status: 'ready', error: null, areaId: provinces[0].id, areaPath: '/',
      uploadedBy: null, originalName: 'ban-tin.wav', sha256: sha, liveSha256: sha, sourceBytes: 1, durationSec: 300, loudnessLufs: -20, renditionLufs: -16,
      renditionTruePeakDb: -1.5, renditionSha256: sha, renditionBytes: 1, approved: true, approvedBy: null, approvedAt: now, validFrom: null, validUntil: null,
      createdAt: now, updatedAt: now, retiredAt: null,
    });
    for (const piece of chunked(schedules, 200)) await m.insert(ScheduleEntity, piece);
  });
}

/** The same rows through one multi-row INSERT per 500, in one transaction: the floor for writing them. */
async function rawInsert(db: DataSource, rows: BroadcastEntity[]): Promise<number> {
  const columns = ['id', 'scheduleId', 'areaId', 'areaPath', 'title', 'startsAt', 'endsAt', 'priority', 'repeat', 'gapSec', 'segmentIds', 'segmentDurations', 'speakerIds', 'status', 'reason', 'createdBy', 'createdAt', 'onAirAt', 'finalisedAt'];
  const started = performance.now();
  await db.transaction(async (m: EntityManager) => {
    const table = tableOf(m, BroadcastEntity);
    for (const piece of chunked(rows, 500)) {
      let n = 0;
      const tuples = piece.map(() => `(${columns.map(() => placeholder(m, ++n)).join(', ')})`);
      const values = piece.flatMap((r) => [
        r.id, r.scheduleId, r.areaId, r.areaPath, r.title, r.startsAt.getTime(), r.endsAt.getTime(), r.priority, r.repeat, r.gapSec,
        JSON.stringify(r.segmentIds), JSON.stringify(r.segmentDurations), null, r.status, null, null, r.createdAt.getTime(), null, null,
      ]);
      await m.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, values);
    }
  });
  return performance.now() - started;
}

async function benchDatabase(label: string, databaseEnv: Record<string, string>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loa-bench-materialise-'));
  const prefix = `loa-bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    LOA_DATA_DIR: join(dir, 'data'), LOA_AUDIO_DIR: join(dir, 'audio'), LOA_ROLES: 'api', LOA_QUEUE_PREFIX: prefix,
    LOA_ADMIN_PASSWORD: 'bench-admin-password', LOA_LOG_LEVEL: 'warn', LOA_LOG_FORMAT: 'text',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...databaseEnv,
  };
  const config = loadConfig(env);
  // The api role: the materialiser without the scheduler tick, so only this bench calls it.
  const context = await createWorkerContext(config);
  const db = context.get(DataSource);
  const redisUrl = await resolveRedisUrl(config);
  const queue = new Queue(QueueName.Broadcast, { connection: { url: redisUrl }, prefix });
  try {
    await seed(db);
    const materialiser = context.get(Materialiser);
    // The second tick runs "a minute later" without waiting for one.
    let offsetMs = 0;
    context.get(Clock).now = () => new Date(Date.now() + offsetMs);

    const cpu = process.cpuUsage();
    const started = performance.now();
    const extended = await materialiser.extendAll();
    const loaMs = performance.now() - started;
    const loaCpu = process.cpuUsage(cpu);

    const broadcasts = await db.getRepository(BroadcastEntity).find();
    if (extended !== COMMUNES || broadcasts.length !== 2 * COMMUNES) throw new Error(`materialised ${extended} schedules into ${broadcasts.length} broadcasts, expected ${COMMUNES} into ${2 * COMMUNES}`);
    const jobs = await queue.getJobCounts('delayed', 'waiting');
    if (jobs.delayed + jobs.waiting < 1) throw new Error('no dispatch job was queued');

    offsetMs = 60_000;
    const idleStarted = performance.now();
    await materialiser.extendAll();
    const idleMs = performance.now() - idleStarted;
    const behind = await db.getRepository(ScheduleEntity).createQueryBuilder('s').where('s.materialisedUntil < :until', { until: Date.now() + 60_000 + 47 * 3_600_000 }).getCount();
    if (behind) throw new Error(`${behind} schedules not advanced by the second tick`);

    // The raw floor: the same rows, written again after clearing them.
    await db.query(`DELETE FROM ${tableOf(db.manager, BroadcastEntity)}`);
    const rawMs = await rawInsert(db, broadcasts);

    console.log(`  ${label}: ${fmt(COMMUNES)} schedules -> ${fmt(broadcasts.length)} broadcasts, ${jobs.delayed + jobs.waiting} dispatch job(s)`);
    console.log(`    Loa, first materialisation (extendAll):   ${seconds(loaMs)} wall, ${seconds((loaCpu.user + loaCpu.system) / 1000)} CPU of this process`);
    console.log(`    raw INSERT of the same rows, one transaction: ${seconds(rawMs)}  (Loa/raw ${(loaMs / rawMs).toFixed(1)}x)`);
    console.log(`    Loa, next minute's tick (nothing new):     ${seconds(idleMs)}`);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    if (env.LOA_DB_SCHEMA) await db.query(`DROP SCHEMA IF EXISTS "${env.LOA_DB_SCHEMA}" CASCADE`).catch(() => undefined);
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const wanted = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  console.log(`materialise: ${fmt(COMMUNES)} communes' daily bulletin (${CRON}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (wanted.includes('sqlite')) await benchDatabase('SQLite', {});
  if (wanted.includes('postgres')) await benchDatabase('PostgreSQL', { DATABASE_URL: postgresUrl, LOA_DB_SCHEMA: `loa_bench_${randomBytes(4).toString('hex')}` });
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

runWhenMain(import.meta.url, run);
