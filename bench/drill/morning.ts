import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { tableOf } from '../../src/database/sql.js';
import { ScheduleEntity } from '../../src/schedules/schedule.entity.js';
import { BroadcastEntity } from '../../src/broadcasts/broadcast.entity.js';
import { openDatabase } from '../../src/database/data-source.js';
import { makeSpeechLike } from '../../test/helpers/audio.js';
import { measure, type FleetResult, type Measures } from './measure.js';
import { startCluster, startSingle, waitFor, type Setup } from './processes.js';
import { seedReceivers, seedSchedules } from './seed.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ADMIN_PASSWORD = 'drill-admin-password';
/**
 * Receivers per fleet process: each holds its event stream plus the connections of its requests in
 * flight, within the 20,000 open files a process may have here.
 */
const RECEIVERS_PER_FLEET = 8000;
/** Seconds between queue reads while a receiver's push connection is down. */
const POLL_SEC = 60;
/**
 * The receivers start first, spread over two minutes (each opens its event stream, reads its queue
 * three times and reports its status as it starts: in real life they have been connected all night,
 * and 15,000 starting within one minute swamped the single process here), and connect by push (GET
 * /device/events); the schedules are written meanwhile, and the worker's minute tick materialises them
 * (up to a minute, plus its own run), pushing each broadcast to the receivers connected: all before the minute.
 */
const START_SPREAD_SEC = 120;
const LEAD_MS = 3 * 60_000;
/** Faults: the worker that claims the minute's broadcasts, then an api in the receipts' peak (the bulletin lasts 3 s). */
const KILLS = [
  { name: 'worker-1', afterMinuteMs: 1000 },
  { name: 'api-1', afterMinuteMs: 3500 },
] as const;

export interface Morning extends Measures {
  setup: string;
  receivers: number;
  fleet: FleetResult;
  faults: string[];
  loadBefore: number;
  loadAfter: number;
  minute: string;
  /** From writing the schedules to every one materialised by the worker's tick (which runs each minute). */
  materialisedMs: number;
  /** The tick's own work: from its first broadcast written to its last. */
  tickMs: number;
}

const say = (line: string) => console.log(`drill: ${line}`);

async function api<T>(url: string, path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.body && !(init.body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}) };
  const res = await fetch(`${url}/api/v1${path}`, { ...init, headers });
  if (!res.ok) throw new Error(`drill: ${init.method ?? 'GET'} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

/** One approved bulletin, through the real upload and transcode. */
async function bulletin(url: string, token: string, dir: string): Promise<string> {
  const file = join(dir, 'ban-tin-sang.wav');
  await makeSpeechLike(file, { seconds: 3, format: 'wav' });
  const form = new FormData();
  for (const [k, v] of Object.entries({ title: 'Bản tin sáng', topic: 'social-insurance', language: 'vi' })) form.set(k, v);
  form.set('file', new Blob([readFileSync(file)]), 'ban-tin-sang.wav');
  const { id } = await api<{ id: string }>(url, '/segments', { method: 'POST', body: form, token });
  await waitFor('the bulletin to be transcoded', async () => (await api<{ status: string }>(url, `/segments/${id}`, { token })).status === 'ready', 120_000);
  await api(url, `/segments/${id}/approve`, { method: 'POST', token });
  return id;
}

/**
 * Waits (until the minute at most) for the worker's tick to materialise every schedule; answers how
 * long that took from now, and how long the tick itself took (its first broadcast to its last).
 */
async function materialised(db: DataSource, count: number, minute: Date): Promise<{ afterMs: number; tickMs: number }> {
  const started = Date.now();
  const schedules = tableOf(db.manager, ScheduleEntity);
  for (;;) {
    const [row] = (await db.query(`SELECT count(*) AS n FROM ${schedules} WHERE "materialisedUntil" IS NOT NULL`)) as Array<{ n: string }>;
    if (Number(row.n) >= count || Date.now() > minute.getTime()) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const afterMs = Date.now() - started;
  const [span] = (await db.query(`SELECT min("createdAt") AS first, max("createdAt") AS last FROM ${tableOf(db.manager, BroadcastEntity)}`)) as Array<{ first: string; last: string }>;
  return { afterMs, tickMs: Number(span.last) - Number(span.first) };
}

/**
 * A real box has a CPU of its own; here the fleet shares two cores with the server, and a fleet process
 * whose timers fire late gives up on answers that came in time (its 30 s limits expire before it reads
 * them). So the fleet runs ahead of the server (nice -10), where the system allows it (root or CAP_SYS_NICE).
 */
const FLEET_NICENESS = -10;
let fleetPrioritySaid = false;

function runFleet(tokensFile: string, url: string, durationSec: number): Promise<FleetResult> {
  const child = spawn(process.execPath, ['--max-old-space-size=6144', join(import.meta.dirname, 'fleet.js'), tokensFile, url, String(durationSec), String(POLL_SEC), String(START_SPREAD_SEC)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    setPriority(child.pid!, FLEET_NICENESS);
  } catch (error) {
    if (!fleetPrioritySaid) say(`the receiver fleet runs at the server's priority (${(error as Error).message}): its own lateness counts against the figures`);
    fleetPrioritySaid = true;
  }
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`drill: a fleet process exited with ${code}`)))));
}

function sumFleets(results: FleetResult[]): FleetResult {
  const total = { acceptedPerSecond: {}, problems: {} } as FleetResult;
  for (const r of results) {
    for (const [key, value] of Object.entries(r)) {
      if (key === 'acceptedPerSecond' || key === 'problems') for (const [s, n] of Object.entries(value as Record<string, number>)) total[key][s] = (total[key][s] ?? 0) + n;
      else if (key === 'downloadMsP99' || key === 'downloadMsMax' || key === 'loopDelayMaxMs' || key === 'startedLateMaxMs') total[key] = Math.max(total[key] ?? 0, value as number);
      else (total as unknown as Record<string, number>)[key] = ((total as unknown as Record<string, number>)[key] ?? 0) + (value as number);
    }
  }
  return total;
}

/**
 * One national morning on one setup, in its own PostgreSQL schema, Redis database and prefix:
 * import the areas, seed the receivers, one approved bulletin, every commune's broadcast at the
 * same minute, the receivers on it, faults (when the setup has processes to spare), then measures.
 */
export async function runMorning(kind: 'single' | 'cluster', receivers: number, workDir: string, base: Record<string, string>): Promise<Morning> {
  const dir = join(workDir, kind);
  mkdirSync(join(dir, 'cluster'), { recursive: true });
  const id = `${process.pid}_${kind}`;
  const env: Record<string, string> = {
    ...base,
    PATH: process.env.PATH ?? '',
    LOA_DB_SCHEMA: `loa_drill_${id}`,
    LOA_QUEUE_PREFIX: `loa-drill-${id}`,
    LOA_DATA_DIR: join(dir, 'data'),
    LOA_AUDIO_DIR: join(dir, 'audio'),
    LOA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOA_JWT_SECRET: `drill-secret-${id}-0123456789abcdefghijklmnopqrstuvwxyz`,
    LOA_RECEIPT_GRACE_SEC: '20',
    LOA_LOGIN_LIMIT_PER_MIN: '1000',
    LOA_LOG_LEVEL: 'warn',
    // A profiler or inspector for the Loa processes only (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
    ...(process.env.LOA_DRILL_NODE_OPTIONS ? { NODE_OPTIONS: process.env.LOA_DRILL_NODE_OPTIONS } : {}),
  };
  const loadBefore = loadavg()[0];
  say(`${kind}: importing the areas`);
  const imported = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'admin.js'), 'import-areas'], { env, encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`drill: import-areas failed: ${imported.stderr}`);
  const db = await openDatabase(loadConfig(env));
  let setup: Setup | null = null;
  try {
    say(`${kind}: seeding ${receivers.toLocaleString('en')} receivers`);
    const seeded = await seedReceivers(db, receivers);
    const fleetProcesses = Math.max(2, Math.ceil(receivers / RECEIVERS_PER_FLEET));
    const tokenFiles = Array.from({ length: fleetProcesses }, (_, p) => {
      const file = join(dir, `tokens-${p}.txt`);
      writeFileSync(file, seeded.tokens.filter((_, i) => i % fleetProcesses === p).join('\n'));
      return file;
    });
    say(`${kind}: starting`);
    setup = kind === 'cluster' ? await startCluster(env, join(dir, 'cluster')) : await startSingle(env, dir);
    const token = (await api<{ accessToken: string }>(setup.url, '/auth/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).accessToken;
    const segmentId = await bulletin(setup.url, token, dir);

    const minute = new Date(Math.ceil((Date.now() + LEAD_MS) / 60_000) * 60_000);
    const url = setup.url;
    say(`${kind}: ${fleetProcesses} fleet processes starting, receivers connecting by push over ${START_SPREAD_SEC} s`);
    const fleets = Promise.all(tokenFiles.map((file) => runFleet(file, url, Math.ceil((minute.getTime() - Date.now()) / 1000) + 60)));
    say(`${kind}: scheduling ${seeded.communeIds.length} communes' bulletins at ${minute.toISOString()}`);
    await seedSchedules(db, seeded.communeIds, segmentId, minute);
    const materialisation = await materialised(db, seeded.communeIds.length, minute);
    say(`${kind}: schedules materialised ${(materialisation.afterMs / 1000).toFixed(1)} s after they were written (the tick itself: ${(materialisation.tickMs / 1000).toFixed(1)} s), ${Math.round((minute.getTime() - Date.now()) / 1000)} s before the minute`);

    const faults: string[] = [];
    if (setup.kill) {
      const current = setup;
      for (const { name, afterMinuteMs } of KILLS) {
        setTimeout(() => faults.push(`kill -9 ${name} (pid ${current.kill!(name)}) at the minute + ${(afterMinuteMs / 1000).toFixed(1)} s; run-cluster.sh started it again`), minute.getTime() + afterMinuteMs - Date.now());
      }
    }
    const fleet = sumFleets(await fleets);
    say(`${kind}: receivers done; waiting for every broadcast to be finalised`);
    const measures = await measure(db, setup.url, token, minute, seeded, fleet);
    return { setup: setup.name, receivers, fleet, faults, loadBefore, loadAfter: loadavg()[0], minute: minute.toISOString(), materialisedMs: materialisation.afterMs, tickMs: materialisation.tickMs, ...measures };
  } finally {
    await setup?.stop();
    // Connections of the stopped processes may still be closing: a DROP meeting one of them can deadlock.
    for (let attempt = 1; ; attempt++) {
      try {
        await db.query(`DROP SCHEMA IF EXISTS "${env.LOA_DB_SCHEMA}" CASCADE`);
        break;
      } catch (error) {
        if (attempt >= 5) say(`${kind}: could not drop schema ${env.LOA_DB_SCHEMA}: ${(error as Error).message}`);
        if (attempt >= 5) break;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
    await db.destroy();
  }
}
