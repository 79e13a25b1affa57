import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';

const LOCAL_URL = 'redis://127.0.0.1:6379';
const logger = new Logger('Redis');

/** ioredis options for a URL; BullMQ workers need maxRetriesPerRequest: null. */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

let child: ChildProcess | undefined;

/**
 * The Redis URL to use. The embedded default (REDIS_URL unset) starts a local redis-server child,
 * with its data under LOA_DATA_DIR, when nothing answers at 127.0.0.1:6379.
 */
export async function resolveRedisUrl(config: AppConfig): Promise<string> {
  if (config.REDIS_URL) return config.REDIS_URL;
  if (await answers(LOCAL_URL)) return LOCAL_URL;
  const dir = resolve(config.LOA_DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  logger.log(`No Redis at ${LOCAL_URL}: starting redis-server with data in ${dir}`);
  child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', '6379', '--dir', dir, '--appendonly', 'yes', '--save', '60 1'], { stdio: 'ignore' });
  child.on('error', (error) => logger.error(`redis-server could not start: ${error.message} (install it: apt-get install -y redis-server)`));
  process.once('exit', () => child?.kill());
  for (let i = 0; i < 50; i++) {
    if (await answers(LOCAL_URL)) return LOCAL_URL;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not answer within 5 s');
}
