import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { openDatabase } from '../../src/database/data-source.js';

/** USER_HZ of /proc/<pid>/stat: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

export interface BenchServer {
  url: string;
  /** A second connection to the server's SQLite file, for seeding and checking. */
  db: DataSource;
  /** CPU seconds the server process has used so far (user + system), from /proc: a figure other load on the machine barely moves. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * Starts the API (role `api` only: no dispatcher or finaliser touches the seeded rows) in its own
 * process on a fresh SQLite file, so the load generator and the server each get a core.
 */
export async function startBenchServer(): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'loa-bench-device-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOA_DATA_DIR: join(dir, 'data'),
    LOA_AUDIO_DIR: join(dir, 'audio'),
    LOA_ROLES: 'api',
    LOA_QUEUE_PREFIX: `loa-bench-${randomBytes(4).toString('hex')}`,
    LOA_ADMIN_PASSWORD: 'bench-admin-password',
    LOA_LOG_LEVEL: 'warn',
    LOA_LOG_FORMAT: 'text',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...(process.env.LOA_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []), join(import.meta.dirname, 'serve.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await announcedPort(child);
  const db = await openDatabase(loadConfig(env));
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    cpuSeconds: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    stop: async () => {
      await db.destroy();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bare node:http floor (floor-serve.ts) answering `bodyBytes` of JSON, in its own process. */
export async function startFloorServer(bodyBytes: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'floor-serve.js')], { env: { ...process.env, FLOOR_BODY_BYTES: String(bodyBytes) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await announcedPort(child);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

function announcedPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /LISTENING (\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before listening`)));
  });
}
