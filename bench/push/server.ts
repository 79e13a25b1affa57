import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The api process of the push bench (role `api`, SQLite), started on a fixed port so that it can be
 * killed with SIGKILL and started again where its receivers look for it.
 */
export class PushServer {
  private child?: ChildProcess;

  constructor(private readonly env: Record<string, string | undefined>) {}

  get pid(): number {
    return this.child!.pid!;
  }

  /** Starts it and resolves once it listens. */
  async start(): Promise<void> {
    const child = (this.child = spawn(process.execPath, [join(import.meta.dirname, 'serve.js')], { env: this.env, stdio: ['ignore', 'pipe', 'inherit'] }));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('LISTENING')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`push bench server exited with ${code} before listening`)));
    });
  }

  /** SIGKILL: no shutdown hook runs, every stream dies with the process. */
  async kill9(): Promise<void> {
    const child = this.child!;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  /** Resident memory of the process (kernel socket buffers are not in it). */
  rssBytes(): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
    return Number(line.split(/\s+/)[1]) * 1024;
  }

  /** Open file descriptors of the process. */
  openFiles(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }
}
