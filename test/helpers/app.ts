import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { contractChecked } from './contract.js';
import { deleteRedisPrefix } from './redis-prefix.js';

export const ADMIN_PASSWORD = 'admin-password-1';
export const TEST_REDIS_URL = process.env.LOA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/3';
export const TEST_POSTGRES_URL = process.env.LOA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `LOA_TEST_DB=postgres` (the e2e-postgres Jest project) runs the same suites on PostgreSQL. */
export const onPostgres = () => process.env.LOA_TEST_DB === 'postgres';

/**
 * A per-suite environment that touches nothing it did not create: its own SQLite file (or
 * PostgreSQL schema), audio directory and Redis key prefix.
 */
export function testEnvironment(overrides: Record<string, string> = {}): { env: Record<string, string>; dir: string; cleanup: () => Promise<void> } {
  const id = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'loa-test-'));
  const schema = `loa_test_${id}`;
  const env: Record<string, string> = {
    PORT: '0',
    LOA_DATA_DIR: join(dir, 'data'),
    LOA_AUDIO_DIR: join(dir, 'audio'),
    REDIS_URL: TEST_REDIS_URL,
    LOA_QUEUE_PREFIX: `loa-test-${id}`,
    LOA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOA_LOGIN_LIMIT_PER_MIN: '1000',
    LOA_LOG_FORMAT: 'text',
    LOA_LOG_LEVEL: process.env.LOA_TEST_LOG_LEVEL ?? 'warn',
    ...(onPostgres() ? { DATABASE_URL: TEST_POSTGRES_URL, LOA_DB_SCHEMA: schema } : {}),
    ...overrides,
  };
  const cleanup = async () => {
    await deleteRedisPrefix(env.REDIS_URL, env.LOA_QUEUE_PREFIX);
    if (env.DATABASE_URL && env.LOA_DB_SCHEMA) await dropSchema(env.DATABASE_URL, env.LOA_DB_SCHEMA);
    rmSync(dir, { recursive: true, force: true });
  };
  return { env, dir, cleanup };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  env: Record<string, string>;
  dir: string;
  /** supertest on the app; every answer is checked against the OpenAPI document. */
  http: TestAgent;
  url: string;
  adminToken: string;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** The real application (api + worker roles) on a random port, with real SQLite/PostgreSQL, Redis and ffmpeg. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const { env, dir, cleanup } = testEnvironment(overrides);
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  // Every answer a suite sees is checked against open-api/loa-api.json (test/helpers/contract.ts).
  const http = contractChecked(request(url));
  const login = async (username: string, password: string) => {
    const res = await http.post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  };
  const adminToken = await login('admin', ADMIN_PASSWORD);
  return {
    app, config, env, dir, http, url, adminToken, login,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}
