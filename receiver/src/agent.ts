import { unwatchFile, watchFile } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskCache } from './disk-cache.js';
import { FileOutboxStore, outboxPath } from './file-outbox.js';
import { jsonLog } from './json-log.js';
import type { ReceiverConfig } from './options.js';
import { ProcessPlayer } from './process-player.js';
import { DeviceApi } from './protocol/api.js';
import { ServerClock } from './protocol/clock.js';
import { Receiver } from './protocol/receiver.js';
import { TokenSource } from './token.js';

/** The program and the platform it runs on, as the status report names it: `loa-receiver linux-arm64`. */
export const agentName = () => `loa-receiver ${process.platform}-${process.arch}`;

/** Free bytes on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number | null> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

/** The agent on the box: disk cache, fsync'd outbox, player processes, JSON log lines; runs until SIGTERM/SIGINT. */
export async function runAgent(config: ReceiverConfig, version: string): Promise<void> {
  const log = jsonLog(process.env.LOA_RECEIVER_LOG_LEVEL === 'debug' ? 'debug' : 'info');
  const token = new TokenSource(config.token);
  const exposed = token.exposed();
  if (exposed) log({ level: 'warn', event: 'token-file-exposed', error: exposed });
  await mkdir(config.dataDir, { recursive: true });
  const api = new DeviceApi({ server: config.server, token: () => token.current() });
  const cache = await DiskCache.open(join(config.dataDir, 'audio'), api, config.cacheMb * 1024 * 1024);
  const outbox = new FileOutboxStore(outboxPath(config.dataDir));
  const receiver = await Receiver.open({
    api,
    clock: new ServerClock(),
    cache,
    player: new ProcessPlayer(config.player, (segment) => cache.path(segment)),
    outbox,
    log,
    agent: agentName(),
    version,
    freeBytes: () => freeBytes(config.dataDir),
    onUnauthorized: () => {
      if (token.reload()) log({ level: 'info', event: 'token-reloaded', file: 'file' in config.token ? config.token.file : undefined });
    },
  });
  log({ level: 'info', event: 'started', version, server: config.server, dataDir: config.dataDir, cacheMb: config.cacheMb, player: config.player, outbox: receiver.outbox.size, cacheBytes: cache.bytes() });

  // A new token written to the file is used at once (after a rotation), not at the next poll.
  const tokenFile = 'file' in config.token ? config.token.file : null;
  if (tokenFile) {
    watchFile(tokenFile, { interval: 2000 }, (now, before) => {
      if (now.mtimeMs === before.mtimeMs) return;
      log({ level: 'info', event: 'token-file-changed', file: tokenFile });
      void receiver.refresh('token-file-changed');
    });
  }

  const controller = new AbortController();
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.once(name, () => {
      log({ level: 'info', event: 'stopping', signal: name });
      controller.abort();
    });
  }
  await receiver.run(controller.signal);
  if (tokenFile) unwatchFile(tokenFile);
  await outbox.close();
  log({ level: 'info', event: 'stopped' });
}
