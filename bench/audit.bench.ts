/**
 * Audit bench: several api processes recording at once (a national peak: late receipts, logins,
 * schedule edits on every api process). P processes each append N entries, C at a time, to one
 * PostgreSQL audit trail through Loa's AuditRepository; then the chain is verified whole. Beside it,
 * the same processes INSERT the same rows into a table keyed by a database sequence, unchained: the
 * floor for appending from several processes. PostgreSQL only (BENCH_POSTGRES_URL, default the test
 * database, in a throwaway schema): SQLite has one writer at a time by design.
 *
 *   npm run bench audit      (BENCH_AUDIT_PROCESSES, BENCH_AUDIT_ENTRIES per process, BENCH_AUDIT_CONCURRENCY)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { ChainVerifier } from '../src/audit/audit-chain.js';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.js';
import { runWhenMain } from './direct.js';

const PROCESSES = Number(process.env.BENCH_AUDIT_PROCESSES ?? 4);
const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_AUDIT_CONCURRENCY ?? 16);

interface Result { ms: number; failed: number; lost: number }

/** Starts the appenders, lets them go together, answers the wall time of the slowest and the failed statements. */
async function appenders(mode: 'loa' | 'raw', env: Record<string, string>): Promise<{ wallMs: number; failed: number; lost: number }> {
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, [join(import.meta.dirname, 'audit', 'appender.js'), mode, String(ENTRIES), String(CONCURRENCY)], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const results = children.map((child) => new Promise<Result>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Result) : reject(new Error(`appender exited with ${code}`))));
  }));
  // Every process opens its connection and runs the migrations check first; then all go at once.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  for (const child of children) child.stdin!.write('go\n');
  const done = await Promise.all(results);
  return { wallMs: Math.max(...done.map((r) => r.ms)), failed: done.reduce((sum, r) => sum + r.failed, 0), lost: done.reduce((sum, r) => sum + r.lost, 0) };
}

export async function run(): Promise<void> {
  const url = process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `loa_bench_${randomBytes(4).toString('hex')}`;
  const env = { DATABASE_URL: url, LOA_DB_SCHEMA: schema, LOA_LOG_LEVEL: 'error' };
  const total = PROCESSES * ENTRIES;
  console.log(`audit: ${PROCESSES} processes x ${ENTRIES.toLocaleString('en')} entries, ${CONCURRENCY} at a time each, PostgreSQL; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const db = await openDatabase(loadConfig(env));
  try {
    await db.query(`CREATE TABLE "${schema}"."raw_audit" ("seq" bigserial PRIMARY KEY, "at" bigint, "areaPath" varchar(800), "action" varchar(64), "resource" varchar(32), "resourceId" varchar(64), "details" text)`);
    const loa = await appenders('loa', env);
    const raw = await appenders('raw', env);
    const verifier = new ChainVerifier();
    for (const entry of await db.getRepository(AuditEntryEntity).find({ order: { seq: 'ASC' } })) verifier.check(entry);
    if (verifier.entries !== total - loa.lost || verifier.firstBadSeq !== null) throw new Error(`chain: ${verifier.entries} entries, first bad seq ${verifier.firstBadSeq}`);
    const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en');
    console.log(`  Loa AuditRepository, hash-chained: ${(loa.wallMs / 1000).toFixed(2)} s, ${rate(loa.wallMs)} entries/s, ${loa.failed.toLocaleString('en')} failed statements (seq collisions retried), ${loa.lost.toLocaleString('en')} entries not recorded (the caller got an error); chain verified: ${verifier.entries.toLocaleString('en')} entries, no gap`);
    console.log(`  raw INSERT with a sequence, no chain: ${(raw.wallMs / 1000).toFixed(2)} s, ${rate(raw.wallMs)} rows/s  (Loa/raw ${(loa.wallMs / raw.wallMs).toFixed(2)}x)`);
  } finally {
    await db.destroy();
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

runWhenMain(import.meta.url, run);
