import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WriteTransactions } from '../database/write-transactions.js';
import { RollupsRepository } from './rollups.repository.js';

/** Often enough that the journal a report has to add stays a few seconds long. */
const FOLD_INTERVAL_MS = 1000;

/**
 * Folds the rollup journal (receipts and finalisations) into the report rollups, in short write
 * transactions, every second in each worker process. Several workers may run it at once: folds take
 * the state row (PostgreSQL) or the write lock (SQLite) and go one at a time.
 */
@Injectable()
export class RollupFolder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupFolder.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly rollups: RollupsRepository,
    private readonly transactions: WriteTransactions,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.foldInBackground(), FOLD_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Folds until the journal is empty; answers how many journal rows were folded. */
  async foldAll(): Promise<number> {
    let folded = 0;
    while (await this.rollups.journalWaiting(this.db.manager)) folded += await this.transactions.run((manager) => this.rollups.foldJournal(manager));
    return folded;
  }

  /** One fold loop at a time; a failure waits for the next tick (the journal keeps everything meanwhile). */
  private foldInBackground(): void {
    if (this.running) return;
    this.running = this.foldAll()
      .catch((error: Error) => this.logger.warn(`rollup fold failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }
}
