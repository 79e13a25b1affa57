import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onJsonLines } from './json-lines.js';

/** The built receiver agent, run as a box runs it (npm test builds before the suites). */
export const RECEIVER_BIN = join(import.meta.dirname, '..', '..', 'receiver', 'dist', 'loa-receiver.js');

export interface AgentLine {
  time: string;
  level: string;
  event: string;
  [field: string]: unknown;
}

export interface Agent {
  process: ChildProcess;
  lines: AgentLine[];
  stderr: string;
  /** Resolves with the first log line matching, waiting up to `timeoutMs`. */
  waitFor(match: (line: AgentLine) => boolean, timeoutMs: number, what: string): Promise<AgentLine>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A real `loa-receiver` process; its JSON log lines are collected. */
export function startAgent(env: Record<string, string>, args: string[] = []): Agent {
  const child = spawn(process.execPath, [RECEIVER_BIN, ...args], { env: { PATH: process.env.PATH ?? '', LOA_RECEIVER_LOG_LEVEL: 'debug', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const agent: Agent = {
    process: child,
    lines: [],
    stderr: '',
    async waitFor(match, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = agent.lines.find(match);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`agent: no ${what} within ${timeoutMs} ms (exit ${child.exitCode}); last lines:\n${agent.lines.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\n${agent.stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
  onJsonLines<AgentLine>(child.stdout!, (line) => agent.lines.push(line), (text) => agent.lines.push({ time: '', level: 'raw', event: 'raw', text }));
  child.stderr!.on('data', (chunk: Buffer) => (agent.stderr += chunk.toString()));
  return agent;
}

/**
 * A player that records: it logs the wall-clock start of each file (ms), plays it in real time
 * (ffmpeg -re to the null muxer), and logs how it ended: `end`, or `cut` when the agent killed it.
 */
export function recordingPlayer(dir: string, name: string): { command: string; log: string; entries(): PlayerEntry[] } {
  const script = join(dir, `${name}-player.sh`);
  const log = join(dir, `${name}-player.log`);
  writeFileSync(
    script,
    [
      '#!/usr/bin/env bash',
      'log=$1; file=$2',
      'echo "start $(date +%s%3N) $(basename "$file")" >> "$log"',
      'ffmpeg -nostdin -loglevel error -re -i "$file" -f null - &',
      'pid=$!',
      'trap \'kill -TERM $pid 2>/dev/null; wait $pid; echo "cut $(date +%s%3N) $(basename "$file")" >> "$log"; exit 143\' TERM',
      'wait $pid',
      'code=$?',
      'echo "end $(date +%s%3N) $(basename "$file")" >> "$log"',
      'exit $code',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  writeFileSync(log, '');
  return {
    command: `bash ${script} ${log} {file}`,
    log,
    entries: () => readPlayerLog(log),
  };
}

export interface PlayerEntry {
  kind: 'start' | 'end' | 'cut';
  at: number;
  /** The segment id (the cache names files after it). */
  segmentId: string;
}

export function readPlayerLog(path: string): PlayerEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, at, file] = line.split(' ');
      return { kind: kind as PlayerEntry['kind'], at: Number(at), segmentId: basename(file, '.mp3') };
    });
}
