/**
 * Push channel benchmark: N receivers on GET /device/events of ONE api process.
 *
 *   npm run bench push     (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/push.bench.js)
 *
 * A real api process (role api, SQLite, a Redis prefix of its own) on 127.0.0.1; the receivers in
 * four processes of their own (bench/push/stream-clients.ts), each from its own loopback address,
 * reconnecting with loa-receiver's backoff. Measured in one run:
 *   1. server memory per idle stream (RSS and V8 heap before and after, from /proc and /metrics);
 *   2. an emergency for the whole province: time from the request to each receiver's `broadcast` event;
 *   3. beside it, polling receivers (every 10 s and every 60 s, random phase): time until their
 *      /device/queue lists the emergency;
 *   4. kill -9 of the api and a restart: time until 99% of the streams are back, the peak rate of
 *      connection attempts the reconnect causes, and any error answer.
 * N is 20,000 where the file-descriptor limit allows; on this machine the hard limit is 20,000 per
 * process (and cannot be raised without CAP_SYS_RESOURCE), so the api's own descriptors leave room
 * for slightly fewer: the bench says what it used and why.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.js';
import { seedFleet } from './device/seed.js';
import { fmt } from './device/load.js';
import { runWhenMain } from './direct.js';
import { cpuSecondsOf, machineBusySeconds, PushServer } from './push/server.js';
import type { ClientsReport, ClientsStart } from './push/stream-clients.js';
import { percentile } from './percentile.js';

const WANTED = Number(process.env.BENCH_PUSH_RECEIVERS ?? 20_000);
/** Descriptors the api keeps for itself: SQLite, Redis connections, the listener, stdio, epoll, timers. */
const SERVER_OWN_FDS = 150;
const SHARES = 4;
const POLLERS = { 10: 300, 60: 300 } as const;
const ADMIN_PASSWORD = 'bench-admin-password';
const TARGETS = { p99Ms: 1000, bytesPerStream: 20 * 1024, spreadSec: 10 };

export async function run(): Promise<void> {
  console.log(`load average before start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  const fdLimit = hardFdLimit();
  const streams = Math.min(WANTED, fdLimit - SERVER_OWN_FDS);
  if (streams < WANTED) console.log(`receivers on push: ${fmt(streams)}, not ${fmt(WANTED)}: open files are limited to ${fmt(fdLimit)} per process here (hard limit; raising it needs CAP_SYS_RESOURCE), and the api needs ~${SERVER_OWN_FDS} for itself`);
  const pollers = POLLERS[10] + POLLERS[60];

  const dir = mkdtempSync(join(tmpdir(), 'loa-bench-push-'));
  const env: Record<string, string | undefined> = {
    ...process.env, DATABASE_URL: undefined, PORT: String(await freePort()), LOA_DATA_DIR: join(dir, 'data'), LOA_AUDIO_DIR: join(dir, 'audio'), LOA_ROLES: 'api',
    LOA_QUEUE_PREFIX: `loa-bench-push-${randomBytes(4).toString('hex')}`, LOA_ADMIN_PASSWORD: ADMIN_PASSWORD, LOA_LOG_LEVEL: 'log', LOA_LOG_FORMAT: 'text',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  const server = new PushServer(env);
  await server.start();
  const clients: ChildProcess[] = [];
  try {
    const db = await openDatabase(loadConfig(env));
    const fleet = await seedFleet(db, { communeCount: 100, speakerCount: streams + pollers, segmentCount: 1 });
    const provinceId = (await db.query(`SELECT "id" FROM "areas" WHERE "kind" = 'province'`))[0].id as string;
    await db.destroy();
    const tokens = fleet.speakers.map((s) => s.token);
    const streamTokens = tokens.slice(0, streams);
    const pollTokens = tokens.slice(streams);
    console.log(`seeded ${fmt(fleet.speakers.length)} speakers in 100 communes`);

    const baseline = await memory(server, url);
    // The receivers: four processes, each from its own loopback address.
    const reports: ClientsReport[] = [];
    const connectedBy = new Array<number>(SHARES).fill(0);
    const connected = () => connectedBy.reduce((sum, n) => sum + n, 0);
    const connectStarted = Date.now();
    for (let i = 0; i < SHARES; i++) {
      const child = fork(join(import.meta.dirname, 'push', 'stream-clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (report: ClientsReport) => {
        if (report.kind === 'connected') connectedBy[i] = report.count;
        else if (report.kind === 'broadcast') reports.push(report);
      });
      const share = streamTokens.filter((_, n) => n % SHARES === i);
      const start: ClientsStart = { url, tokens: share, localAddress: `127.0.0.${2 + i}`, connectPerSec: 1000, reconnectFirstMs: 10_000, reconnectMaxMs: 120_000 };
      child.send({ kind: 'start', start });
      clients.push(child);
    }
    await until(() => connected() >= streams, 180_000, () => `connected ${connected()}/${streams}`);
    console.log(`${fmt(streams)} streams open in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s; api holds ${fmt(server.openFiles())} descriptors`);
    await new Promise((resolve) => setTimeout(resolve, 30_000)); // a heartbeat round, then idle
    const loaded = await memory(server, url);
    const rssPer = (loaded.rss - baseline.rss) / streams;
    const heapPer = (loaded.heap - baseline.heap) / streams;

    // The emergency, with pollers beside the streams.
    const admin = await login(url);
    const pollers10 = startPollers(url, pollTokens.slice(0, POLLERS[10]), 10_000);
    const pollers60 = startPollers(url, pollTokens.slice(POLLERS[10]), 60_000);
    const sentAt = Date.now();
    const res = await fetch(`${url}/api/v1/broadcasts/emergency`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ areaId: provinceId, segmentIds: fleet.segmentIds, title: 'bench: bão khẩn cấp' }) });
    const answeredMs = Date.now() - sentAt;
    const emergency = (await res.json()) as { id: string };
    if (res.status !== 201) throw new Error(`emergency: ${res.status} ${JSON.stringify(emergency)}`);
    await until(() => arrivalsOf(reports, emergency.id).length >= streams, 30_000, () => `events ${arrivalsOf(reports, emergency.id).length}/${streams}`);
    const latencies = arrivalsOf(reports, emergency.id).map((at) => at - sentAt).sort((a, b) => a - b);
    const [learned10, learned60] = await Promise.all([pollers10.learned(emergency.id, sentAt), pollers60.learned(emergency.id, sentAt)]);

    // kill -9 and restart, noting who used the CPU while the api booted.
    const clientsCpu = () => clients.reduce((sum, child) => sum + cpuSecondsOf(child.pid!), 0);
    const cpuBefore = { clients: clientsCpu(), machine: machineBusySeconds() };
    const killedAt = Date.now();
    await server.kill9();
    const restart = await server.start();
    const upAfterMs = Date.now() - killedAt;
    const boot = { clients: clientsCpu() - cpuBefore.clients, api: server.cpuSeconds(), machine: machineBusySeconds() - cpuBefore.machine };
    const need = Math.ceil(streams * 0.99);
    let back: number[] = [];
    let attempts: Extract<ClientsReport, { kind: 'attempts' }>[] = [];
    await until(async () => {
      attempts = await collectAttempts(clients);
      back = attempts.flatMap((a) => a.reconnectedAt).filter((t) => t >= killedAt).sort((a, b) => a - b);
      return back.length >= need;
    }, 300_000, () => `reconnected ${back.length}/${need}`, 2000);
    const perSecond = new Map<number, number>();
    for (const a of attempts) for (const [second, n] of Object.entries(a.perSecond)) if (Number(second) * 1000 >= killedAt) perSecond.set(Number(second), (perSecond.get(Number(second)) ?? 0) + n);
    const peak = Math.max(...perSecond.values());
    const pollsPerSecond = new Map<number, number>();
    for (const a of attempts) for (const [second, n] of Object.entries(a.pollsPerSecond)) if (Number(second) * 1000 >= killedAt) pollsPerSecond.set(Number(second), (pollsPerSecond.get(Number(second)) ?? 0) + n);
    const polls = [...pollsPerSecond.values()];
    const errors: Record<string, number> = {};
    for (const a of attempts) for (const [kind, n] of Object.entries(a.errors)) errors[kind] = (errors[kind] ?? 0) + n;
    const refused = attempts.reduce((sum, a) => sum + a.refused, 0);

    console.log('\npush channel, one api process, 2 cores shared with the load generator');
    console.log(`  streams                         ${fmt(streams)}`);
    console.log(`  server memory per idle stream   RSS ${fmt(rssPer / 1024, 1)} KB, V8 heap ${fmt(heapPer / 1024, 1)} KB   (target ≤ ${TARGETS.bytesPerStream / 1024} KB; RSS ${mb(baseline.rss)} → ${mb(loaded.rss)} MB)`);
    console.log(`  emergency → event               p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(latencies.at(-1)!)} ms over ${fmt(latencies.length)} receivers   (target p99 ≤ ${TARGETS.p99Ms} ms; the POST answered in ${answeredMs} ms)`);
    console.log(`  polling every 10 s → learns it  p50 ${fmt(percentile(learned10, 50))} ms, p99 ${fmt(percentile(learned10, 99))} ms, max ${fmt(learned10.at(-1)!)} ms (${learned10.length} receivers)`);
    console.log(`  polling every 60 s → learns it  p50 ${fmt(percentile(learned60, 50))} ms, p99 ${fmt(percentile(learned60, 99))} ms, max ${fmt(learned60.at(-1)!)} ms (${learned60.length} receivers)`);
    console.log(`  kill -9, restart                api listening again after ${(upAfterMs / 1000).toFixed(1)} s; 99% of streams back after ${((back[need - 1] - killedAt) / 1000).toFixed(1)} s (target ≥ ${TARGETS.spreadSec} s spread)`);
    console.log(`  api boot                        first log line ${(restart.firstLineMs / 1000).toFixed(1)} s after the start (modules loaded), listening after ${(restart.listeningMs / 1000).toFixed(1)} s`);
    console.log(`  CPU while the api booted        api ${boot.api.toFixed(1)} s, load generator ${boot.clients.toFixed(1)} s, whole machine ${boot.machine.toFixed(1)} s of ${((cpus().length * upAfterMs) / 1000).toFixed(1)} available (${cpus().length} CPUs)`);
    console.log(`  reconnect load                  peak ${fmt(peak)} attempts/s; ${fmt(refused)} refused while the api was down; errors: ${Object.keys(errors).length ? JSON.stringify(errors) : 'none'}`);
    console.log(`  polls while the push was down   ${fmt(polls.reduce((sum, n) => sum + n, 0))}, peak ${fmt(polls.length ? Math.max(...polls) : 0)}/s`);
    console.log(`  back after the restart          ${pctBack(back, streams, killedAt, [0.5, 0.9, 0.99])}`);
    pollers10.stop();
    pollers60.stop();
  } finally {
    for (const child of clients) child.send({ kind: 'stop' });
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function arrivalsOf(reports: ClientsReport[], broadcastId: string): number[] {
  return reports.flatMap((r) => (r.kind === 'broadcast' && r.broadcastId === broadcastId ? r.at : []));
}

async function collectAttempts(clients: ChildProcess[]): Promise<Array<Extract<ClientsReport, { kind: 'attempts' }>>> {
  return Promise.all(clients.map((child) => new Promise<Extract<ClientsReport, { kind: 'attempts' }>>((resolve) => {
    const listener = (report: ClientsReport) => {
      if (report.kind !== 'attempts') return;
      child.off('message', listener);
      resolve(report);
    };
    child.on('message', listener);
    child.send({ kind: 'report' });
  })));
}

/** Receivers polling /device/queue every `periodMs`, each at a random phase, noting when each first sees a broadcast. */
function startPollers(url: string, tokens: string[], periodMs: number) {
  const seen = new Map<string, Map<string, number>>();
  const timers: NodeJS.Timeout[] = [];
  for (const token of tokens) {
    const poll = async () => {
      try {
        const res = await fetch(`${url}/api/v1/device/queue`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await res.json()) as { items: Array<{ broadcastId: string }> };
        const at = Date.now();
        for (const item of body.items ?? []) {
          let firsts = seen.get(item.broadcastId);
          if (!firsts) seen.set(item.broadcastId, (firsts = new Map()));
          if (!firsts.has(token)) firsts.set(token, at);
        }
      } catch {
        // the api is down (the restart): the next poll tries again
      }
    };
    timers.push(setTimeout(() => {
      void poll();
      timers.push(setInterval(() => void poll(), periodMs));
    }, Math.random() * periodMs));
  }
  return {
    async learned(broadcastId: string, sentAt: number): Promise<number[]> {
      await until(() => (seen.get(broadcastId)?.size ?? 0) >= tokens.length, periodMs + 30_000, () => `pollers (${periodMs / 1000} s) ${seen.get(broadcastId)?.size ?? 0}/${tokens.length}`);
      return [...seen.get(broadcastId)!.values()].map((at) => at - sentAt).sort((a, b) => a - b);
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

async function memory(server: PushServer, url: string): Promise<{ rss: number; heap: number }> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const heap = Number(/^loa_nodejs_heap_size_used_bytes (\d+(\.\d+)?)/m.exec(metrics)?.[1] ?? NaN);
  return { rss: server.rssBytes(), heap };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function until(done: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function hardFdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!;
  return Number(line.trim().split(/\s+/)[4]);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** When each share of the streams was back, in seconds after the kill (`back`: the times of their hellos, sorted). */
const pctBack = (back: number[], streams: number, killedAt: number, shares: number[]) =>
  shares.map((p) => `${p * 100}% after ${((back[Math.min(back.length, Math.ceil(p * streams)) - 1] - killedAt) / 1000).toFixed(1)} s`).join(', ');
const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);

runWhenMain(import.meta.url, run);
