import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { sqliteStatement } from './sqlite-statements.js';

/**
 * Raw SQL for what TypeORM's query builder cannot express portably (UPDATE ... RETURNING on SQLite,
 * UPDATE ... FROM (VALUES ...)). Both SQLite 3.35+ and PostgreSQL run the same text; parameters are
 * named (`:id`, `:...ids`) and converted to the connection's dialect.
 */

/** The entity's table, quoted and schema-qualified (PostgreSQL test runs use their own schema). */
export function tableOf(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): string {
  const driver = manager.connection.driver;
  return manager.connection.getMetadata(entity).tablePath.split('.').map((part) => driver.escape(part)).join('.');
}

export const isPostgres = (manager: EntityManager): boolean => manager.connection.driver.options.type === 'postgres';

/** Positional placeholder n (1-based) in the connection's dialect. */
export function placeholder(manager: EntityManager, n: number): string {
  return isPostgres(manager) ? `$${n}` : '?';
}

/** Runs `sql` and answers its rows (including those of a RETURNING clause). */
export async function sqlRows<T>(manager: EntityManager, sql: string, params: ObjectLiteral = {}): Promise<T[]> {
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, params);
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(query, values, true);
    return (result.records ?? []) as T[];
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/** `values` cut into pieces of `size`, to keep statements under the drivers' bound-parameter limits. */
export function chunked<T>(values: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < values.length; i += size) pieces.push(values.slice(i, i + size));
  return pieces;
}

/**
 * Rows of a SELECT as arrays of column values, in select order, with positional `params` (see
 * placeholder()). For results of 10^4 rows: on SQLite no object is built per row.
 */
export async function sqlArrays(manager: EntityManager, sql: string, params: unknown[]): Promise<unknown[][]> {
  if (isPostgres(manager)) return ((await manager.query(sql, params)) as ObjectLiteral[]).map((row) => Object.values(row));
  return sqliteStatement(manager, sql).raw(true).all(...params) as unknown[][];
}

/** Bound parameters per multi-row INSERT: under SQLite's limit (32,766) and PostgreSQL's (65,535). */
const INSERT_PARAMETERS = 30_000;

/**
 * Inserts entity rows in multi-row INSERTs, each value converted as TypeORM would persist it
 * (transformers, simple-json), without building a query per row: for the bulk writes of the
 * scheduler, where TypeORM's insert builder cost more CPU than the database did.
 */
export async function insertRows<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: readonly T[]): Promise<void> {
  if (!rows.length) return;
  const { columns } = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  for (const piece of chunked(rows, Math.floor(INSERT_PARAMETERS / columns.length))) {
    let n = 0;
    const tuples = piece.map(() => `(${columns.map(() => placeholder(manager, ++n)).join(', ')})`);
    const values = piece.flatMap((row) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column)));
    await manager.query(`INSERT INTO ${tableOf(manager, entity)} (${names}) VALUES ${tuples.join(', ')}`, values);
  }
}
