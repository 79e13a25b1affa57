/**
 * Dispatch benchmark: 10,000 broadcasts x 10 speakers, all due in the same second (every commune's
 * 07:00 bulletin), beside raw BullMQ delayed-job lateness for 10,000 jobs measured in the same run.
 *
 *   npm run bench dispatch     (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/dispatch.bench.js)
 *   DATABASE_URL=postgres://... npm run bench dispatch    (PostgreSQL, in a throwaway schema)
 *
 * A real worker (the Nest application context with LOA_ROLES=worker: BullMQ processor, dispatcher,
 * report rollups) runs in its own process, as in production. This process seeds the database, queues
 * the dispatch job as the scheduler would, and measures from outside on its own database connection,
 * which sees only committed rows: a broadcast counts as on air once its status is visible there.
 * Then raw BullMQ runs alone: 10,000 delayed no-op jobs due in one second, their start lateness.
 * Goals: on-air p99 no worse than raw BullMQ's; all 100,000 deliveries within 3 s.
 */
import { Queue, Worker } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AreaEntity } from '../src/areas/area.entity.js';
import { BroadcastJobs, type SlotJob } from '../src/broadcasts/broadcast-jobs.js';
import { BroadcastsRepository } from '../src/broadcasts/broadcasts.repository.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../src/broadcasts/delivery.entity.js';
import { Clock } from '../src/common/clock.js';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.js';
import { QueueName } from '../src/queue/queue.constants.js';
import { resolveRedisUrl } from '../src/queue/redis.js';
import { SegmentEntity } from '../src/segments/segment.entity.js';
import { NO_STATUS, SpeakerEntity } from '../src/speakers/speaker.entity.js';
import { percentile } from './percentile.js';

const BROADCASTS = 10_000;
const SPEAKERS_EACH = 10;
const DELIVERIES = BROADCASTS * SPEAKERS_EACH;
const GOAL_ALL_DELIVERIES_MS = 3000;
const RAW_CONCURRENCY = 100;
const POLL_MS = 20;

const fmt = (n: number) => n.toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function seed(db: DataSource, startsAt: number): Promise<void> {
  const now = new Date();
  const provinceId = randomUUID();
  const provincePath = `/${provinceId}/`;
  const area = (id: string, kind: AreaEntity['kind'], parentId: string | null, path: string): AreaEntity => ({ id, name: `${kind} ${id.slice(0, 8)}`, code: `${kind}-${id}`, kind, parentId, path, maxBroadcastMinutes: null, createdAt: now });
  const communes = Array.from({ length: BROADCASTS }, () => randomUUID());
  const segment = randomUUID();
  const sha = randomBytes(32).toString('hex');
  await db.transaction(async (m) => {
    await m.insert(AreaEntity, area(provinceId, 'province', null, provincePath));
    for (let i = 0; i < communes.length; i += 1000) await m.insert(AreaEntity, communes.slice(i, i + 1000).map((id) => area(id, 'commune', provinceId, `${provincePath}${id}/`)));
    const speakers: SpeakerEntity[] = communes.flatMap((communeId, c) =>
      Array.from({ length: SPEAKERS_EACH }, (_, s) => ({ id: randomUUID(), name: `loa ${c}.${s}`, communeId, location: null, tokenHash: randomBytes(32).toString('hex'), lastSeenAt: null, createdAt: now, ...NO_STATUS })),
    );
    for (let i = 0; i < speakers.length; i += 2000) await m.insert(SpeakerEntity, speakers.slice(i, i + 2000));
    await m.insert(SegmentEntity, {
      id: segment, title: 'Bảo hiểm xã hội tự nguyện', topic: 'social-insurance', language: 'vi', status: 'ready', error: null, areaId: provinceId, areaPath: provincePath,
      uploadedBy: null, originalName: 'bhxh.wav', sha256: sha, liveSha256: sha, sourceBytes: 1, durationSec: 300, loudnessLufs: -20, renditionLufs: -16,
      renditionTruePeakDb: -1.5, renditionSha256: sha, renditionBytes: 1, approved: true, approvedBy: null, approvedAt: now, validFrom: null, validUntil: null,
      createdAt: now, updatedAt: now, retiredAt: null,
    });
  });
  const broadcasts: BroadcastEntity[] = communes.map((communeId) => ({
    id: randomUUID(), scheduleId: randomUUID(), areaId: communeId, areaPath: `${provincePath}${communeId}/`, title: 'Bản tin sáng', startsAt: new Date(startsAt),
    endsAt: new Date(startsAt + 300_000), priority: 'normal', repeat: 1, gapSec: 30, segmentIds: [segment], segmentDurations: [300], speakerIds: null,
    status: 'scheduled', reason: null, createdBy: null, createdAt: now, onAirAt: null, finalisedAt: null, notBefore: null,
  }));
  await db.transaction(async (m) => {
    for (let i = 0; i < broadcasts.length; i += 500) await m.insert(BroadcastEntity, broadcasts.slice(i, i + 500));
  });
}

/** Starts bench/dispatch/worker.js with `env`; resolves once the application context is up. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'dispatch', 'worker.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
  });
  child.removeAllListeners('exit');
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Loa: the broadcasts' dispatch job fires at `due`; the observer notes when each share of them is visibly on air. */
async function measureLoa(env: Record<string, string>, redisUrl: string): Promise<{ visible: { p50: number; p99: number; all: number }; claimed: { p50: number; p99: number }; deliveriesMs: number }> {
  const config = loadConfig(env);
  const worker = await startWorker(env);
  const db = await openDatabase(config);
  const queue = new Queue<SlotJob>(QueueName.Broadcast, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: config.LOA_QUEUE_PREFIX });
  try {
    const seedStarted = Date.now();
    // The instant is fixed before seeding, like a 07:00 bulletin planned days ahead; seeding leaves a few seconds' margin.
    const due = Date.now() + 20_000;
    await seed(db, due);
    const repository = new BroadcastsRepository(db.getRepository(BroadcastEntity));
    await new BroadcastJobs(queue, repository, new Clock()).dispatchAt([new Date(due)]);
    console.log(`  seeded ${fmt(BROADCASTS)} communes, ${fmt(DELIVERIES)} speakers, ${fmt(BROADCASTS)} broadcasts in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s; due in ${((due - Date.now()) / 1000).toFixed(1)} s`);
    if (Date.now() > due - 2000) throw new Error('seeding took too long: the broadcasts were due before the measurement could start');

    const broadcasts = db.getRepository(BroadcastEntity);
    const deliveries = db.getRepository(DeliveryEntity);
    const reached = new Map<number, number>(); // share of broadcasts on air (%) -> first seen, ms after due
    let deliveriesMs = Number.NaN;
    while (Date.now() < due + 60_000) {
      const onAir = await broadcasts.countBy({ status: 'on_air' });
      const created = await deliveries.count();
      const late = Date.now() - due;
      for (const p of [50, 99, 100]) if (!reached.has(p) && onAir >= (p / 100) * BROADCASTS) reached.set(p, late);
      if (created >= DELIVERIES) {
        deliveriesMs = late;
        break;
      }
      await sleep(POLL_MS);
    }
    const rows = await broadcasts.find({ select: { id: true, startsAt: true, onAirAt: true } });
    const claimed = rows.filter((b) => b.onAirAt).map((b) => b.onAirAt!.getTime() - b.startsAt.getTime()).sort((a, b) => a - b);
    if (claimed.length !== BROADCASTS) throw new Error(`only ${claimed.length} of ${BROADCASTS} broadcasts went on air`);
    return {
      visible: { p50: reached.get(50)!, p99: reached.get(99)!, all: reached.get(100)! },
      claimed: { p50: percentile(claimed, 50), p99: percentile(claimed, 99) },
      deliveriesMs,
    };
  } finally {
    await queue.close();
    await db.destroy();
    await stopWorker(worker);
  }
}

/** Raw BullMQ: 10,000 delayed jobs due at the same instant, a no-op worker; lateness = processing start - due. */
async function measureRawBullmq(redisUrl: string, prefix: string): Promise<{ p50: number; p99: number; max: number }> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('raw-delayed', { connection, prefix });
  const lateness: number[] = [];
  let finish: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker(
    'raw-delayed',
    async (job) => {
      lateness.push(Date.now() - job.data.due);
      if (lateness.length === BROADCASTS) finish();
    },
    { connection, prefix, concurrency: RAW_CONCURRENCY },
  );
  try {
    const due = Date.now() + 5000;
    for (let i = 0; i < BROADCASTS; i += 1000) {
      await queue.addBulk(Array.from({ length: 1000 }, (_, k) => ({ name: 'job', data: { due }, opts: { jobId: `raw-${i + k}`, delay: due - Date.now(), removeOnComplete: true } })));
    }
    await Promise.race([finished, sleep(120_000)]);
    lateness.sort((a, b) => a - b);
    return { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness[lateness.length - 1] };
  } finally {
    await worker.close();
    await queue.close();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loa-bench-dispatch-'));
  const prefix = `loa-bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    LOA_DATA_DIR: join(dir, 'data'),
    LOA_AUDIO_DIR: join(dir, 'audio'),
    LOA_ROLES: 'worker',
    LOA_QUEUE_PREFIX: prefix,
    LOA_ADMIN_PASSWORD: 'bench-admin-password',
    LOA_LOG_LEVEL: 'warn',
    LOA_LOG_FORMAT: 'text',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, LOA_DB_SCHEMA: `loa_bench_${randomBytes(4).toString('hex')}` } : {}),
  };
  const redisUrl = await resolveRedisUrl(loadConfig(env));
  console.log(`dispatch: ${fmt(BROADCASTS)} broadcasts x ${SPEAKERS_EACH} speakers due in the same second (${env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}, Redis ${redisUrl}), load average ${loadAverage()}`);
  try {
    const loa = await measureLoa(env, redisUrl);
    const raw = await measureRawBullmq(redisUrl, `${prefix}-raw`);
    console.log(`  Loa, on air (committed, seen by a second connection): p50 ${loa.visible.p50} ms, p99 ${loa.visible.p99} ms, all ${loa.visible.all} ms`);
    console.log(`  Loa, on air (claim time, onAirAt - startsAt):        p50 ${loa.claimed.p50} ms, p99 ${loa.claimed.p99} ms`);
    console.log(`  Loa, all ${fmt(DELIVERIES)} deliveries committed:        ${loa.deliveriesMs} ms after the due second (goal <= ${GOAL_ALL_DELIVERIES_MS} ms)`);
    console.log(`  raw BullMQ, ${fmt(BROADCASTS)} delayed no-op jobs (concurrency ${RAW_CONCURRENCY}): p50 ${raw.p50} ms, p99 ${raw.p99} ms, max ${raw.max} ms`);
    const verdicts = [
      `on-air p99 ${loa.visible.p99 <= raw.p99 ? '<=' : '>'} raw BullMQ p99`,
      `all deliveries ${loa.deliveriesMs <= GOAL_ALL_DELIVERIES_MS ? 'within' : 'NOT within'} ${GOAL_ALL_DELIVERIES_MS / 1000} s`,
    ];
    console.log(`  => ${verdicts.join('; ')} (load average now ${loadAverage()}: other work on the machine stretches these wall times)`);
  } finally {
    const redis = new Redis(redisUrl);
    for (const p of [prefix, `${prefix}-raw`]) {
      const keys = await redis.keys(`${p}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    }
    redis.disconnect();
    if (env.DATABASE_URL) {
      const client = new Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${env.LOA_DB_SCHEMA}" CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
