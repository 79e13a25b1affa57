/**
 * Receiver simulator: a fleet of loudspeaker receivers against a running Loa.
 *
 *   npm run build && npm run simulate -- --base http://127.0.0.1:3000 --speakers 50 \
 *       --admin-password <password> --commune <communeId> [--save-tokens tokens.txt]
 *   npm run simulate -- --tokens tokens.txt [--speakers 20] [--speed 60] [--fail-rate 0.1] [--offline-rate 0.1] [--duration 300]
 *
 * Device tokens come from a file (one per line) or are made by registering `--speakers` new
 * speakers in `--commune` as `--admin-user` (default admin). Each receiver polls GET /device/queue
 * every `--poll` seconds (default 30), downloads and checks every segment's sha256, waits for
 * startsAt by the server's clock, "plays" for the broadcast's length (divided by `--speed`), and
 * posts receipts in batches of `--batch` (default 100); `--fail-rate` of plays fail, `--offline-rate`
 * of receivers go offline once they have something to play (half report late, at the end of the run; half never).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ReceiverFleet, type FleetStats } from './receiver-fleet.js';

const USAGE = 'usage: npm run simulate -- --base URL (--tokens FILE | --admin-password P --commune ID) [--speakers N] [--admin-user U] [--save-tokens FILE] [--poll SEC] [--speed X] [--fail-rate R] [--offline-rate R] [--duration SEC] [--batch N]';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    speakers: { type: 'string' },
    tokens: { type: 'string' },
    'admin-user': { type: 'string', default: 'admin' },
    'admin-password': { type: 'string' },
    commune: { type: 'string' },
    'save-tokens': { type: 'string' },
    poll: { type: 'string', default: '30' },
    speed: { type: 'string', default: '1' },
    'fail-rate': { type: 'string', default: '0' },
    'offline-rate': { type: 'string', default: '0' },
    duration: { type: 'string', default: '300' },
    batch: { type: 'string', default: '100' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`simulate: ${message}\n${USAGE}`);
  process.exit(2);
}

function number(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(args[name])}`);
  return value;
}

async function call<T>(path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(new URL(path, args.base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) fail(`POST ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer as T;
}

/** Registers `count` speakers in the commune and returns their device tokens (shown only once). */
async function registerSpeakers(count: number): Promise<string[]> {
  if (!args.commune) fail('--commune is needed to register speakers');
  const { accessToken } = await call<{ accessToken: string }>('/api/v1/auth/login', { username: args['admin-user'], password: args['admin-password'] });
  const run = Date.now().toString(36);
  const tokens: string[] = [];
  for (let i = 1; i <= count; i++) {
    const speaker = await call<{ deviceToken: string }>('/api/v1/speakers', { name: `simulated receiver ${run}-${i}`, communeId: args.commune }, accessToken);
    tokens.push(speaker.deviceToken);
  }
  if (args['save-tokens']) await writeFile(args['save-tokens'], `${tokens.join('\n')}\n`, { mode: 0o600 });
  return tokens;
}

async function deviceTokens(): Promise<string[]> {
  const wanted = args.speakers === undefined ? undefined : number('speakers', 1, 100_000);
  if (args.tokens) {
    const tokens = (await readFile(args.tokens, 'utf8')).split('\n').map((line) => line.trim()).filter(Boolean);
    if (!tokens.length) fail(`${args.tokens} holds no tokens`);
    return wanted ? tokens.slice(0, wanted) : tokens;
  }
  if (args['admin-password']) return registerSpeakers(wanted ?? 10);
  fail('give --tokens FILE, or --admin-password and --commune to register speakers');
}

const summary = (s: FleetStats) =>
  `polls ${s.polls} (errors ${s.pollErrors}), downloads ${s.downloads} (checksum mismatches ${s.checksumMismatches}), plays ${s.plays} (failed ${s.failures}), ` +
  `receipts sent ${s.receiptsSent}: accepted ${s.accepted}, duplicates ${s.duplicates}, refused ${s.refused}; post errors ${s.postErrors}, unsent ${s.unsent}`;

async function main(): Promise<void> {
  if (args.help) return console.log(USAGE);
  const options = {
    base: args.base,
    pollSec: number('poll', 1, 3600),
    speed: number('speed', 1, 3600),
    failRate: number('fail-rate', 0, 1),
    offlineRate: number('offline-rate', 0, 1),
    durationSec: number('duration', 1, 7 * 86400),
    batch: number('batch', 1, 500),
  };
  const tokens = await deviceTokens();
  console.log(`simulating ${tokens.length} receivers against ${options.base} for ${options.durationSec} s (speed x${options.speed}, fail ${options.failRate}, offline ${options.offlineRate})`);
  const fleet = new ReceiverFleet({ ...options, tokens, log: (line) => console.warn(line) });
  const progress = setInterval(() => console.log(summary(fleet.stats)), 10_000);
  const stats = await fleet.run();
  clearInterval(progress);
  console.log(`done: ${summary(stats)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
