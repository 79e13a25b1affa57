import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

/** SQLite's and PostgreSQL's codes for a row that would break a unique index or primary key. */
const UNIQUE_VIOLATION_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && UNIQUE_VIOLATION_CODES.has(String((error as { code?: unknown }).code));

/**
 * TypeORM's log, in the application's log (JSON lines or text, like everything else). A failed
 * query is an error, except a unique-index violation: Loa lets the database settle races with
 * unique indexes (the same file uploaded twice at once answers 409; an audit sequence number taken
 * by another process is retried), so that one is an expected outcome. It still reaches the caller
 * as a QueryFailedError, and one nobody expected ends as a 500 that Nest logs as an error.
 */
export class DatabaseLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    if (isUniqueViolation(error)) this.logger.debug(`expected unique-index refusal: ${message}`);
    else this.logger.error(`query failed: ${message} -- ${query}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(): void {}

  /** TypeORM reports only failed migrations here. */
  logMigration(message: string): void {
    this.logger.error(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
