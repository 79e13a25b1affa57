import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isPostgres } from './sql.js';

/**
 * Read-then-write transactions that behave the same on both databases.
 *
 * PostgreSQL: a plain transaction; callers take row locks (conditional UPDATEs, FOR UPDATE).
 * SQLite: TypeORM shares one connection per process, so concurrent transactions would nest into one
 * another; they are queued here instead. Across processes (api and worker on one file), a
 * transaction that reads and then writes fails with SQLITE_BUSY_SNAPSHOT when another process wrote
 * in between, so each one starts with a no-op write: it takes the write lock up front, waiting for
 * it under the busy timeout, and everything it reads afterwards stays current. (The no-op deletes from
 * TypeORM's migrations table, which every Loa database has.)
 */
@Injectable()
export class WriteTransactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (isPostgres(this.dataSource.manager)) return this.dataSource.transaction(work);
    const next = this.tail.then(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.query(`DELETE FROM ${this.dataSource.driver.escape(this.dataSource.options.migrationsTableName ?? 'migrations')} WHERE 1 = 0`);
        return work(manager);
      }),
    );
    this.tail = next.catch(() => undefined);
    return next;
  }
}
