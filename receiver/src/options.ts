import { parseArgs } from 'node:util';
import { DEFAULT_PLAYER } from './process-player.js';

export const USAGE = `usage: loa-receiver [--server URL] [--token-file F] [--data-dir D] [--player CMD] [--cache-mb N] [--check]

  --server URL      the Loa server, e.g. http://10.0.0.5:3000                    (LOA_SERVER)
  --token-file F    file holding the speaker's device token                      (LOA_TOKEN_FILE, or the token in LOA_DEVICE_TOKEN)
  --data-dir D      audio cache and receipt outbox, kept across restarts         (LOA_RECEIVER_DIR)
  --player CMD      command line playing one file to its end, {file} its path    (LOA_PLAYER)
                    default: ${DEFAULT_PLAYER}
  --cache-mb N      most audio kept, in MB (default 500)                         (LOA_CACHE_MB)
  --check           test the server, the token, a download and the audio output once, then exit
  --version, --help`;

export interface ReceiverConfig {
  server: string;
  /** Where the token comes from: a file (read again when the server refuses it), or the environment. */
  token: { file: string } | { value: string };
  dataDir: string;
  player: string;
  cacheMb: number;
  check: boolean;
}

export type Parsed = { help: true } | { version: true } | { config: ReceiverConfig } | { errors: string[] };

/** Flags win over the environment; every problem is named with both its flag and its variable. */
export function parseOptions(argv: string[], env: Record<string, string | undefined>): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        'token-file': { type: 'string' },
        'data-dir': { type: 'string' },
        player: { type: 'string' },
        'cache-mb': { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { errors: [(error as Error).message] };
  }
  if (values.help) return { help: true };
  if (values.version) return { version: true };

  const errors: string[] = [];
  const server = values.server ?? env.LOA_SERVER;
  if (!server) errors.push('no server: give --server URL or set LOA_SERVER (e.g. http://10.0.0.5:3000)');
  else if (!/^https?:\/\/[^/]/.test(server) || !URL.canParse(server)) errors.push(`--server / LOA_SERVER must be an http:// or https:// URL, got ${JSON.stringify(server)}`);

  const tokenFile = values['token-file'] ?? env.LOA_TOKEN_FILE;
  const tokenValue = env.LOA_DEVICE_TOKEN;
  if (!tokenFile && !tokenValue) errors.push('no device token: give --token-file F (or LOA_TOKEN_FILE), or set LOA_DEVICE_TOKEN');

  const dataDir = values['data-dir'] ?? env.LOA_RECEIVER_DIR;
  if (!dataDir) errors.push('no data directory: give --data-dir D or set LOA_RECEIVER_DIR (e.g. /var/lib/loa-receiver)');

  const player = values.player ?? env.LOA_PLAYER ?? DEFAULT_PLAYER;
  if (!player.trim()) errors.push('--player / LOA_PLAYER is empty');

  const cacheText = values['cache-mb'] ?? env.LOA_CACHE_MB ?? '500';
  const cacheMb = Number(cacheText);
  if (!cacheText.trim() || !Number.isFinite(cacheMb) || cacheMb <= 0) errors.push(`--cache-mb / LOA_CACHE_MB must be a number of megabytes above 0, got ${JSON.stringify(cacheText)}`);

  if (errors.length) return { errors };
  return {
    config: {
      server: server!.replace(/\/+$/, ''),
      token: tokenFile ? { file: tokenFile } : { value: tokenValue! },
      dataDir: dataDir!,
      player,
      cacheMb,
      check: values.check,
    },
  };
}
