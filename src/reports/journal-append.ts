import type { EntityManager } from 'typeorm';
import { RollupJournalEntity } from './rollup.entities.js';
import { placeholder, tableOf } from '../database/sql.js';
import { sqliteConnection, type SqliteConnection, type SqliteStatement } from '../database/sqlite-statements.js';

/** Journal rows per PostgreSQL INSERT statement (a dispatch of many deliveries writes several). */
const ROWS_PER_INSERT = 100;

/** The INSERT prepared once per connection: a single receipt should not even build its text again. */
const sqliteInserts = new WeakMap<SqliteConnection, SqliteStatement>();

/**
 * Appends rollup journal rows (each the JSON of a batch of transitions) in the caller's transaction.
 *
 * A single receipt's transaction is a handful of statements and this insert is one of them. On SQLite it
 * runs through a better-sqlite3 statement kept per connection rather than through manager.query(): the
 * TypeORM query path (logging, subscriber broadcasts, several awaits) measured ~10 µs per statement,
 * half of what journalling added to a single receipt. The statement is part of the caller's open
 * transaction (checked, as this must never commit on its own).
 */
export async function appendJournal(manager: EntityManager, rows: string[]): Promise<void> {
  if (!rows.length) return;
  const createdAt = Date.now();
  if (manager.connection.driver.options.type === 'postgres') {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const batch = rows.slice(i, i + ROWS_PER_INSERT);
      const values = batch.map((_, n) => `(${placeholder(manager, 2 * n + 1)}, ${placeholder(manager, 2 * n + 2)})`).join(', ');
      await manager.query(`INSERT INTO ${tableOf(manager, RollupJournalEntity)} ("transitions", "createdAt") VALUES ${values}`, batch.flatMap((row) => [row, createdAt]));
    }
    return;
  }
  const connection = sqliteConnection(manager);
  if (!manager.queryRunner?.isTransactionActive || !connection.inTransaction) throw new Error('rollup journal rows are written only inside the transaction of their delivery changes');
  let insert = sqliteInserts.get(connection);
  if (!insert) sqliteInserts.set(connection, (insert = connection.prepare(`INSERT INTO ${tableOf(manager, RollupJournalEntity)} ("transitions", "createdAt") VALUES (?, ?)`)));
  for (const row of rows) insert.run(row, createdAt);
}
