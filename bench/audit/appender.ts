/**
 * One process of the audit bench: appends `count` entries, `concurrency` at a time, as an api process
 * does (every request records its own), through Loa's AuditRepository, or (`raw`) as plain INSERTs
 * into a table whose key comes from a database sequence, without a chain: the floor for appending a
 * row from several processes. argv: mode, count, concurrency. Prints one JSON line: ms, failed
 * statements, and appends that failed (the caller would have got an error: the entry is not recorded).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { AuditEntryEntity } from '../../src/audit/audit-entry.entity.js';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { loadConfig } from '../../src/config/app-config.js';
import { openDatabase } from '../../src/database/data-source.js';
import { WriteTransactions } from '../../src/database/write-transactions.js';

const [mode, count, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const db = await openDatabase(loadConfig());
let failed = 0;
let lost = 0;
const logger = db.logger as { logQueryError: (...args: unknown[]) => void };
const original = logger.logQueryError.bind(logger);
logger.logQueryError = (...args) => {
  failed++;
  original(...args);
};
const audit = new AuditRepository(db.getRepository(AuditEntryEntity), new WriteTransactions(db));
const table = `"${process.env.LOA_DB_SCHEMA}"."raw_audit"`;
const entry = (i: number) => ({
  at: new Date(), userId: null, areaPath: '/bench/', action: 'delivery.late_receipt', resource: 'delivery', resourceId: randomUUID(),
  details: { speakerId: randomUUID(), status: 'played', n: i }, ip: null,
});
const rawInsert = (i: number) => {
  const e = entry(i);
  return db.query(`INSERT INTO ${table} ("at", "areaPath", "action", "resource", "resourceId", "details") VALUES ($1, $2, $3, $4, $5, $6)`, [e.at.getTime(), e.areaPath, e.action, e.resource, e.resourceId, JSON.stringify(e.details)]);
};
const appendOne = mode === 'raw' ? rawInsert : (i: number) => audit.append(entry(i));

// Wait for the go (a line on stdin), so every process starts together.
await new Promise((resolve) => process.stdin.once('data', resolve));
const started = performance.now();
let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < count) await appendOne(next++).catch(() => lost++);
}));
process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, failed, lost })}\n`);
await db.destroy();
process.exit(0);
