/**
 * `npm run drill [-- --receivers N] [-- --skip-single]`: a national morning on this machine. Every
 * commune of the imported country gets its bulletin at the same minute and R simulated receivers
 * (default 100,000, spread over the communes, connected by push) play it and post receipts, first on
 * one Loa process (api + worker), then on the scale-out setup (deploy/run-cluster.sh: nginx, 2 api and
 * 2 worker processes), where one worker (a second after the minute) and one api process (in the
 * receipts' peak) are killed with SIGKILL and started again. Both on PostgreSQL (LOA_DRILL_POSTGRES_URL, default the test database; each
 * morning in its own schema) and Redis (LOA_DRILL_REDIS_URL, default database 4; own key prefix).
 * Everything it starts is stopped, and its schemas and keys are removed. Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { runWhenMain } from './direct.js';
import { runMorning, type Morning } from './drill/morning.js';

const TARGET_ON_AIR_MS = 2000;

function table(mornings: Morning[]): string {
  const rows: Array<[string, (m: Morning) => string]> = [
    ['receivers', (m) => m.receivers.toLocaleString('en')],
    ['broadcasts (one per commune, same minute)', (m) => (m.broadcasts + m.withoutReceivers).toLocaleString('en')],
    ['schedules materialised: the tick / after written', (m) => `${(m.tickMs / 1000).toFixed(1)} s / ${(m.materialisedMs / 1000).toFixed(1)} s`],
    ['on air after the minute: p50 / p99 / max', (m) => `${m.onAir.p50Ms} / ${m.onAir.p99Ms} / ${m.onAir.maxMs} ms`],
    [`broadcasts on air within ${TARGET_ON_AIR_MS / 1000} s`, (m) => `${m.onAir.within2s.toLocaleString('en')} of ${m.broadcasts.toLocaleString('en')}${m.withoutReceivers ? ` (+${m.withoutReceivers.toLocaleString('en')} with no receiver)` : ''}`],
    ['deliveries created', (m) => m.deliveries.toLocaleString('en')],
    ['receipts accepted per second: peak / mean', (m) => `${m.receiptsPerSecond.peak.toLocaleString('en')} / ${Math.round(m.receiptsPerSecond.mean).toLocaleString('en')}`],
    ['receivers that learned of it before startsAt (first by push) / after', (m) => `${m.fleet.learnedBefore.toLocaleString('en')} (${m.fleet.learnedByPush.toLocaleString('en')}) / ${m.fleet.learnedLate.toLocaleString('en')}`],
    ['receivers that played it / started late (latest start)', (m) => `${m.fleet.plays.toLocaleString('en')} / ${m.fleet.startedLate.toLocaleString('en')} (${(m.fleet.startedLateMaxMs / 1000).toFixed(1)} s after startsAt)`],
    ['queue reads / errors, push connections', (m) => `${m.fleet.polls.toLocaleString('en')} / ${m.fleet.pollErrors.toLocaleString('en')}, ${m.fleet.pushConnections.toLocaleString('en')}`],
    ['receipt posts kept for retry', (m) => m.fleet.postErrors.toLocaleString('en')],
    ['audio downloads: p99 / max; fleet timers late by at most', (m) => `${m.fleet.downloadMsP99.toLocaleString('en')} / ${m.fleet.downloadMsMax.toLocaleString('en')} ms; ${m.fleet.loopDelayMaxMs.toLocaleString('en')} ms`],
    ['check: report rows unequal to raw deliveries', (m) => String(m.checks.reportMismatches)],
    ['check: broadcasts aired twice / deliveries doubled', (m) => `${m.checks.airedTwice} / ${m.checks.duplicateDeliveries}`],
    ['check: communes without one delivery per receiver', (m) => String(m.checks.deliveryMismatches)],
    ['check: receipts lost (still in outboxes / refused)', (m) => `${m.checks.receiptsLost} (${m.fleet.unsent} / ${m.fleet.refused})`],
    ['load average (1 min) before / after', (m) => `${m.loadBefore.toFixed(1)} / ${m.loadAfter.toFixed(1)}`],
  ];
  const header = ['', ...mornings.map((m) => m.setup)];
  const body = rows.map(([label, cell]) => [label, ...mornings.map(cell)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i].length)));
  return [header, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ')).join('\n');
}

/** The issue's national target: about 100,000 loudspeaker clusters. */
const NATIONAL_RECEIVERS = 100_000;
/** Descriptors an api process needs besides its receivers' streams (database, Redis, logs, audio). */
const FILES_THE_API_KEEPS = 1_000;

function openFilesHardLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || Infinity;
  } catch {
    return Infinity;
  }
}

export async function run(): Promise<void> {
  const { values } = parseArgs({ options: { receivers: { type: 'string', default: String(NATIONAL_RECEIVERS) }, 'skip-single': { type: 'boolean', default: false }, 'skip-cluster': { type: 'boolean', default: false }, 'keep-logs': { type: 'boolean', default: false } } });
  const asked = Number(values.receivers);
  if (!Number.isInteger(asked) || asked < 1) throw new Error('--receivers must be a positive whole number');
  // Every receiver holds an event stream open on one api process (on the single-process morning, all of
  // them): past the open-files limit that process refuses connections and the morning measures nothing.
  const fits = Math.max(1, openFilesHardLimit() - FILES_THE_API_KEEPS);
  const receivers = Math.min(asked, fits);
  if (receivers < asked) console.log(`drill: ${asked.toLocaleString('en')} receivers asked; one process may hold ${openFilesHardLimit().toLocaleString('en')} open files here (hard limit), so the drill runs ${receivers.toLocaleString('en')}`);
  const base = {
    DATABASE_URL: process.env.LOA_DRILL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.LOA_DRILL_REDIS_URL ?? 'redis://127.0.0.1:6379/4',
  };
  const workDir = mkdtempSync(join(tmpdir(), 'loa-drill-'));
  const started = Date.now();
  console.log(`drill: ${receivers.toLocaleString('en')} receivers; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${process.env.HOSTNAME ?? 'this machine'}`);
  const mornings: Morning[] = [];
  try {
    if (!values['skip-single']) mornings.push(await runMorning('single', receivers, workDir, base));
    if (!values['skip-cluster']) mornings.push(await runMorning('cluster', receivers, workDir, base));
  } finally {
    const redis = new Redis(base.REDIS_URL);
    const keys = await redis.keys(`loa-drill-${process.pid}_*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    if (values['keep-logs']) console.log(`drill: logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`\n${table(mornings)}\n`);
  for (const m of mornings) for (const fault of m.faults) console.log(`fault (${m.setup}): ${fault}`);
  for (const m of mornings) {
    const problems = Object.entries(m.fleet.problems).sort((a, b) => b[1] - a[1]);
    for (const [problem, count] of problems.slice(0, 10)) console.log(`receivers (${m.setup}): ${count.toLocaleString('en')} x ${problem}`);
  }
  console.log(`drill took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  const failed = mornings.filter((m) => m.checks.reportMismatches || m.checks.airedTwice || m.checks.duplicateDeliveries || m.checks.deliveryMismatches || m.checks.receiptsLost);
  if (failed.length) throw new Error(`drill: checks failed on ${failed.map((m) => m.setup).join(', ')}`);
}

runWhenMain(import.meta.url, run);
