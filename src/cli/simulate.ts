/**
 * Receiver simulator: a fleet of loudspeaker receivers against a running Loa, each one the receiver
 * agent's own device-protocol core (receiver/src/protocol) with an in-memory cache and outbox and a
 * player that only keeps time.
 *
 *   LOA_ADMIN_PASSWORD=<password> npm run simulate -- --base http://127.0.0.1:3000 --speakers 50 \
 *       --commune <communeId> [--save-tokens tokens.txt]
 *   npm run simulate -- --base http://127.0.0.1:3000 --tokens tokens.txt [--speakers 20] [--speed 60] ...
 *
 * Device tokens come from a file (one per line) or are made by registering `--speakers` new speakers
 * in `--commune` as `--admin-user` (default admin), whose password is read from LOA_ADMIN_PASSWORD or
 * from `--admin-password-file` — never from the command line, which npm echoes and `ps` shows.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLoaClient, LoaApiError, ok } from '../../open-api/typescript-sdk/src/index.js';
import { describe } from '../../receiver/src/protocol/api.js';
import type { ReceiverEvent } from '../../receiver/src/protocol/events.js';
import { ReceiverFleet, type FleetStats } from './receiver-fleet.js';

const USAGE = `usage: npm run simulate -- --base URL (--tokens FILE | --commune ID [--speakers N] [--admin-user U] [--admin-password-file F] [--save-tokens FILE])
       [--poll SEC] [--poll-only] [--speed X] [--fail-rate R] [--offline-rate R] [--duration SEC] [--batch N]
The admin password comes from LOA_ADMIN_PASSWORD or --admin-password-file, never from the command line.`;

function fail(message: string): never {
  console.error(`simulate: ${message}\n${USAGE}`);
  process.exit(2);
}

if (process.argv.some((arg) => arg === '--admin-password' || arg.startsWith('--admin-password='))) {
  fail('--admin-password is gone: a password on the command line is echoed by npm and visible to every user in ps. Set LOA_ADMIN_PASSWORD, or put it in a file and give --admin-password-file');
}

let args: Record<string, string | boolean | undefined>;
try {
  ({ values: args } = parseArgs({
    options: {
      base: { type: 'string', default: 'http://127.0.0.1:3000' },
      speakers: { type: 'string' },
      tokens: { type: 'string' },
      'admin-user': { type: 'string', default: 'admin' },
      'admin-password-file': { type: 'string' },
      commune: { type: 'string' },
      'save-tokens': { type: 'string' },
      poll: { type: 'string', default: '30' },
      'poll-only': { type: 'boolean', default: false },
      speed: { type: 'string', default: '1' },
      'fail-rate': { type: 'string', default: '0' },
      'offline-rate': { type: 'string', default: '0' },
      duration: { type: 'string', default: '300' },
      batch: { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const base = String(args.base);

function number(name: string, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(args[name])}`);
  return value;
}

/** The generated client, as admin once registerSpeakers has signed in. */
let accessToken: string | undefined;
const api = createLoaClient({ baseUrl: base, token: () => accessToken });

/** The answer of a call, or the end of the run naming what failed. */
async function answer<T>(what: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  try {
    return await ok(call);
  } catch (error) {
    fail(`${what} on ${base}: ${error instanceof LoaApiError ? `answered ${error.status}: ${error.message}` : describe(error)}`);
  }
}

async function adminPassword(): Promise<string> {
  const file = args['admin-password-file'];
  if (typeof file === 'string') {
    const password = (await readFile(file, 'utf8').catch((error: Error) => fail(`cannot read --admin-password-file ${file}: ${error.message}`))).trim();
    if (!password) fail(`--admin-password-file ${file} is empty`);
    return password;
  }
  if (process.env.LOA_ADMIN_PASSWORD) return process.env.LOA_ADMIN_PASSWORD;
  fail('registering speakers needs the admin password: set LOA_ADMIN_PASSWORD or give --admin-password-file');
}

/** Registers `count` speakers in the commune and returns their device tokens (shown only once). */
async function registerSpeakers(count: number): Promise<string[]> {
  const password = await adminPassword();
  ({ accessToken } = await answer('POST /api/v1/auth/login', api.POST('/api/v1/auth/login', { body: { username: String(args['admin-user']), password } })));
  const run = Date.now().toString(36);
  const tokens: string[] = [];
  for (let i = 1; i <= count; i++) {
    const speaker = await answer('POST /api/v1/speakers', api.POST('/api/v1/speakers', { body: { name: `simulated receiver ${run}-${i}`, communeId: String(args.commune) } }));
    tokens.push(speaker.deviceToken);
  }
  if (typeof args['save-tokens'] === 'string') await writeFile(args['save-tokens'], `${tokens.join('\n')}\n`, { mode: 0o600 });
  return tokens;
}

async function deviceTokens(): Promise<string[]> {
  const wanted = args.speakers === undefined ? undefined : number('speakers', 1, 100_000);
  if (typeof args.tokens === 'string') {
    const file = args.tokens;
    const tokens = (await readFile(file, 'utf8').catch((error: Error) => fail(`cannot read --tokens ${file}: ${error.message}`))).split('\n').map((line) => line.trim()).filter(Boolean);
    if (!tokens.length) fail(`${file} holds no tokens`);
    return wanted ? tokens.slice(0, wanted) : tokens;
  }
  if (typeof args.commune === 'string') return registerSpeakers(wanted ?? 10);
  fail('give --tokens FILE, or --commune ID to register new speakers');
}

/** Fails at once, naming the URL, when nothing answers there (rather than once per receiver and poll). */
async function reachable(): Promise<void> {
  const url = new URL('/health', base).toString();
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    fail(`cannot reach Loa at ${base} (GET ${url}: ${describe(error)}): start it (npm start), or give --base with its address`);
  }
}

const summary = (s: FleetStats) =>
  `queue reads ${s.polls} (errors ${s.pollErrors}), push connections ${s.pushConnections}, downloads ${s.downloads} (checksum mismatches ${s.checksumMismatches}), ` +
  `plays ${s.plays} (interrupted ${s.interrupted}), failed ${s.failures}; receipts sent ${s.receiptsSent}: accepted ${s.accepted}, duplicates ${s.duplicates}, refused ${s.refused}; ` +
  `send errors ${s.postErrors}, unsent ${s.unsent}`;

/** Warnings of the last interval, each once with how many receivers said it. */
const warnings = new Map<string, number>();
function collect(event: ReceiverEvent): void {
  if (event.level !== 'warn' && event.level !== 'error') return;
  const line = `${event.event}: ${String(event.error ?? '')}`;
  warnings.set(line, (warnings.get(line) ?? 0) + 1);
}
function printWarnings(): void {
  for (const [line, count] of warnings) console.warn(`  ${count} x ${line}`);
  warnings.clear();
}

async function main(): Promise<void> {
  if (args.help) return console.log(USAGE);
  const options = {
    base,
    pollSec: number('poll', 1, 3600),
    pollOnly: args['poll-only'] === true,
    speed: number('speed', 1, 3600),
    failRate: number('fail-rate', 0, 1),
    offlineRate: number('offline-rate', 0, 1),
    durationSec: number('duration', 1, 7 * 86400),
    batch: number('batch', 1, 500),
  };
  await reachable();
  const tokens = await deviceTokens();
  console.log(`simulating ${tokens.length} receivers against ${base} for ${options.durationSec} s (${options.pollOnly ? `polling every ${options.pollSec} s` : 'push, polling when it is down'}, speed x${options.speed}, fail ${options.failRate}, offline ${options.offlineRate})`);
  const fleet = new ReceiverFleet({ ...options, tokens, log: collect });
  const progress = setInterval(() => {
    console.log(summary(fleet.stats));
    printWarnings();
  }, 10_000);
  const stats = await fleet.run();
  clearInterval(progress);
  printWarnings();
  console.log(`done: ${summary(stats)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
