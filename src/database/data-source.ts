import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseLogger } from './database-logger.js';
import { ENTITIES } from './entities.js';

const SQLITE_MMAP_BYTES = 1024 * 1024 * 1024;
const SQLITE_CACHE_KIB = 64 * 1024;

/** Connection options for the configured database; migrations run on initialise. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, migrationsTransactionMode: 'each' as const, synchronize: false, logger: new DatabaseLogger() };
  if (config.DATABASE_URL) {
    return { ...common, type: 'postgres', url: config.DATABASE_URL, schema: config.LOA_DB_SCHEMA, extra: { max: 20 } };
  }
  mkdirSync(config.LOA_DATA_DIR, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.LOA_DATA_DIR, 'loa.sqlite'),
    enableWAL: true,
    // api and worker processes may share the file: wait for the write lock rather than fail.
    timeout: 15000,
    // Receipts and polls are index lookups scattered over a large deliveries table: read pages through
    // a memory map and keep 64 MB of them per connection, rather than a syscall per page from a 2 MB cache.
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
      db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    },
  };
}

/** A PostgreSQL schema must exist before TypeORM can put its migrations table in it. */
export async function ensurePostgresSchema(config: AppConfig): Promise<void> {
  if (!config.DATABASE_URL || !config.LOA_DB_SCHEMA) return;
  const client = new Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${config.LOA_DB_SCHEMA}"`);
  } finally {
    await client.end();
  }
}

/** A standalone connection for CLI commands and benchmarks. */
export async function openDatabase(config: AppConfig): Promise<DataSource> {
  await ensurePostgresSchema(config);
  return new DataSource(dataSourceOptions(config)).initialize();
}
