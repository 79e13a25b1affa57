import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { placeholder, tableOf } from '../database/sql.js';

/** SQLite allows 32766 bound values per statement, PostgreSQL 65535: stay under both. */
const MAX_VALUES_PER_STATEMENT = 30_000;

export interface IncrementUpsert<Row> {
  entity: EntityTarget<ObjectLiteral>;
  /** Primary key columns: a row with the same key gets its counters added. */
  keys: ReadonlyArray<keyof Row & string>;
  /** Written only when the row is new (snapshots such as a path or a topic). */
  fixed: ReadonlyArray<keyof Row & string>;
  counters: ReadonlyArray<keyof Row & string>;
}

/**
 * `INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n` over many rows per statement: the
 * same SQL on SQLite (3.24+) and PostgreSQL. TypeORM's orUpdate() can only overwrite, not add.
 * Rows are sorted by key so concurrent PostgreSQL transactions lock shared rows in the same order
 * (no deadlocks), and each key must appear once (callers aggregate first).
 */
export async function upsertIncrements<Row extends object>(manager: EntityManager, spec: IncrementUpsert<Row>, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = [...spec.keys, ...spec.fixed, ...spec.counters];
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  const conflict = spec.keys.map((c) => `"${c}"`).join(', ');
  const update = spec.counters.map((c) => `"${c}" = "r"."${c}" + excluded."${c}"`).join(', ');
  const sorted = [...rows].sort((a, b) => compareKeys(a, b, spec.keys));
  const perStatement = Math.max(1, Math.floor(MAX_VALUES_PER_STATEMENT / columns.length));
  for (let start = 0; start < sorted.length; start += perStatement) {
    const chunk = sorted.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${columns.map((c) => (params.push(row[c as keyof Row]), placeholder(manager, params.length))).join(', ')})`);
    await manager.query(`INSERT INTO ${tableOf(manager, spec.entity)} AS "r" (${quoted}) VALUES ${tuples.join(', ')} ON CONFLICT (${conflict}) DO UPDATE SET ${update}`, params);
  }
}

function compareKeys<Row>(a: Row, b: Row, keys: ReadonlyArray<keyof Row>): number {
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
