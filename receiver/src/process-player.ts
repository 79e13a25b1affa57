import { spawn } from 'node:child_process';
import { sleep } from './protocol/backoff.js';
import type { Player } from './protocol/playback.js';
import type { QueueSegment } from './protocol/types.js';

/** The default ALSA device through ffmpeg (Debian's ffmpeg is built with ALSA output). */
export const DEFAULT_PLAYER = 'ffmpeg -nostdin -loglevel error -i {file} -f alsa default';
/** A player still running this long after SIGTERM is killed. */
const KILL_AFTER_MS = 2000;

/** Quotes a path for /bin/sh. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Plays each file with a command line (`{file}` replaced by its quoted path), run by /bin/sh in a
 * process group of its own, so that interrupting it (SIGTERM, then SIGKILL if it lingers) stops
 * the whole pipeline, however the command is written.
 */
export class ProcessPlayer implements Player {
  constructor(
    private readonly command: string,
    private readonly pathOf: (segment: QueueSegment) => string,
  ) {}

  play(segment: QueueSegment, signal: AbortSignal): Promise<void> {
    return this.run(this.pathOf(segment), signal);
  }

  async silence(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms, signal);
  }

  /** Plays one file to its end; rejects with the player's own words if it fails. */
  run(file: string, signal: AbortSignal): Promise<void> {
    const commandLine = this.command.includes('{file}') ? this.command.replaceAll('{file}', shellQuote(file)) : `${this.command} ${shellQuote(file)}`;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve();
      const child = spawn('/bin/sh', ['-c', commandLine], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const interrupt = () => {
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_AFTER_MS);
      };
      signal.addEventListener('abort', interrupt, { once: true });
      child.on('error', (error) => {
        signal.removeEventListener('abort', interrupt);
        reject(new Error(`the player could not start (${commandLine}): ${error.message}`));
      });
      child.on('close', (code, killedBy) => {
        clearTimeout(killTimer);
        signal.removeEventListener('abort', interrupt);
        if (signal.aborted || code === 0) return resolve();
        const why = stderr.trim().split('\n').slice(-3).join(' / ');
        reject(new Error(`the player ${killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`}${why ? `: ${why}` : ''}`));
      });
    });
  }
}

function signalGroup(pid: number | undefined, name: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, name);
  } catch {
    // already gone
  }
}
