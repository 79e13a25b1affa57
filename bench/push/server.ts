import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built server, as `npm start` runs it (`npm run build` first): its assets (speech lexicons) sit beside it. */
const MAIN = join(import.meta.dirname, '..', '..', '..', 'dist', 'src', 'main.js');

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

  /** Starts it and resolves once it listens, with how long until its first log line (modules loaded) and until then. */
  async start(): Promise<{ firstLineMs: number; listeningMs: number }> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    const startedAt = Date.now();
    let firstLineMs = -1;
    const child = (this.child = spawn(process.execPath, [MAIN], { env: this.env, stdio: ['ignore', 'pipe', 'inherit'] }));
    return new Promise((resolve, reject) => {
      let seen = '';
      const listening = (chunk: Buffer) => {
        if (firstLineMs < 0) firstLineMs = Date.now() - startedAt;
        seen += chunk.toString();
        if (!seen.includes('listening on')) return;
        child.stdout!.off('data', listening).resume();
        resolve({ firstLineMs, listeningMs: Date.now() - startedAt });
      };
      child.stdout!.on('data', listening);
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

  /** CPU time the process has used so far, in seconds (user + system, from /proc). */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** Open file descriptors of the process. */
  openFiles(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (in clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used by everything on the machine so far (all cores, from /proc/stat: every state but idle and iowait). */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (ticks.reduce((sum, n) => sum + n, 0) - ticks[3] - ticks[4]) / 100;
}
