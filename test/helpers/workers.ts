import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { onJsonLines } from './json-lines.js';

/** The built server (npm test builds before the suites). */
export const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js');

export interface Worker {
  process: ChildProcess;
  lines: Array<{ level?: string; context?: string; message?: string }>;
  stderr: string;
}

/** A real worker process (`node dist/src/main.js`, LOA_ROLES=worker) on the app's database and Redis prefix. */
export function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env, LOA_ROLES: 'worker', LOA_LOG_LEVEL: 'debug', LOA_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: Worker = { process: child, lines: [], stderr: '' };
  onJsonLines<Worker['lines'][number]>(child.stdout!, (line) => worker.lines.push(line), (message) => worker.lines.push({ message }));
  child.stderr!.on('data', (chunk: Buffer) => (worker.stderr += chunk.toString()));
  return worker;
}
