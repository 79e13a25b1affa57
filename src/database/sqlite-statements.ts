import { LRUCache } from 'lru-cache';
import type { EntityManager } from 'typeorm';

/** The part of a better-sqlite3 statement used here (the package ships no types). */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(toggle: boolean): SqliteStatement;
}

export interface SqliteConnection {
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
}

/** Distinct statements kept per connection: Loa's hot paths run a handful of texts. */
const KEPT_STATEMENTS = 64;
const statements = new WeakMap<SqliteConnection, LRUCache<string, SqliteStatement>>();

/**
 * TypeORM's better-sqlite3 connection, for the few hot paths that go around TypeORM's query path (logging,
 * subscriber broadcasts, several awaits per statement; objects, never arrays, for rows). TypeORM runs
 * every SQLite query on this one connection, so a statement here sees, and is part of, whatever
 * transaction is open on it.
 */
export function sqliteConnection(manager: EntityManager): SqliteConnection {
  return (manager.connection.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
}

/** `sql` prepared once per connection and kept. */
export function sqliteStatement(manager: EntityManager, sql: string): SqliteStatement {
  const connection = sqliteConnection(manager);
  let kept = statements.get(connection);
  if (!kept) statements.set(connection, (kept = new LRUCache({ max: KEPT_STATEMENTS })));
  let statement = kept.get(sql);
  if (!statement) kept.set(sql, (statement = connection.prepare(sql)));
  return statement;
}
