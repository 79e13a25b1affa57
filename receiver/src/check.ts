import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentName, freeBytes } from './agent.js';
import { DiskCache } from './disk-cache.js';
import { FileOutboxStore, outboxPath } from './file-outbox.js';
import type { ReceiverConfig } from './options.js';
import { ProcessPlayer } from './process-player.js';
import { DeviceApi, DeviceApiError } from './protocol/api.js';
import { ServerClock } from './protocol/clock.js';
import { Outbox } from './protocol/outbox.js';
import { readEventStream } from './protocol/sse.js';
import type { DeviceQueue } from './protocol/types.js';
import { TokenSource } from './token.js';

/** How long the events stream may take to bring its first event (the server sends `hello` at once). */
const PUSH_WAIT_MS = 10_000;

/**
 * `--check`: tries the data directory, the token, the server, the push channel, a download, the
 * audio output and the status report once, and says in plain words what is wrong. Returns the exit
 * code (0: all good). The status report goes last and carries the first problem found, so the
 * console's Receivers page shows it too.
 */
export async function runCheck(config: ReceiverConfig, version: string): Promise<number> {
  const problems: string[] = [];
  const ok = (what: string) => console.log(`ok    ${what}`);
  const skip = (what: string) => console.log(`skip  ${what}`);
  const fail = (what: string) => {
    problems.push(what);
    console.log(`FAIL  ${what}`);
  };
  console.log(`loa-receiver ${version} checking ${config.server}`);

  try {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(join(config.dataDir, '.check'), 'ok');
    await rm(join(config.dataDir, '.check'));
    const free = await freeBytes(config.dataDir);
    ok(`data directory ${config.dataDir} is writable${free === null ? '' : ` (${Math.round(free / 1048576)} MB free; the cache may use ${config.cacheMb} MB)`}`);
  } catch (error) {
    fail(`data directory ${config.dataDir} is not writable: ${(error as Error).message}`);
  }

  let token: TokenSource | undefined;
  try {
    token = new TokenSource(config.token);
    const exposed = token.exposed();
    if (exposed) fail(exposed);
  } catch (error) {
    fail((error as Error).message);
  }

  const api = new DeviceApi({ server: config.server, token: () => token?.current() ?? '', timeoutMs: 10_000 });
  const clock = new ServerClock();
  let queue: DeviceQueue | undefined;
  try {
    const sentAt = clock.mark();
    queue = await api.queue();
    clock.observe(queue.now, sentAt, clock.mark());
    ok(`server ${config.server} answers and accepts the token: ${queue.items.length} broadcast(s) queued; its clock is ${clock.offsetMs()} ms from this box's`);
  } catch (error) {
    fail(serverProblem(error as DeviceApiError, config));
  }

  if (!queue) {
    skip('push channel, download and status report: the server did not answer the queue read');
  } else {
    await checkPush(api).then(ok, (error: Error) => fail(`push channel: ${error.message}; until it works this box polls every 30 s, so an emergency reaches it up to 30 s late`));
    const segment = queue.items.flatMap((item) => item.segments)[0];
    if (segment) await checkDownload(api, segment).then(ok, (error: Error) => fail(error.message));
    else skip('download: nothing is queued for this speaker yet, so no audio could be fetched');
  }

  const sample = join(config.dataDir, 'check-silence.wav');
  try {
    await writeFile(sample, silenceWav());
    const timeout = AbortSignal.timeout(15_000);
    await new ProcessPlayer(config.player, () => sample).run(sample, timeout);
    if (timeout.aborted) throw new Error('the player did not finish half a second of silence within 15 s');
    ok(`audio output: the player played half a second of silence (${config.player})`);
  } catch (error) {
    fail(`audio output: ${(error as Error).message}. Is ffmpeg installed (apt-get install ffmpeg), is the sound card the default ALSA device (aplay -l), is the user in the audio group?`);
  } finally {
    await rm(sample, { force: true });
  }

  if (queue) {
    try {
      await api.status(await statusOf(config, api, clock, version, problems[0]));
      ok(`status report accepted: the console's Receivers page shows this box (${agentName()} ${version})`);
    } catch (error) {
      fail(`the server refused the status report: ${(error as Error).message}`);
    }
  }

  console.log(problems.length ? `${problems.length} problem(s) found` : 'everything works');
  return problems.length ? 1 : 0;
}

function serverProblem(e: DeviceApiError, config: ReceiverConfig): string {
  if (e.status === 401) return `the server refused the device token${'file' in config.token ? ` in ${config.token.file}` : ''} (401): it is mistyped, or the speaker's token was rotated; copy the current one from the console (Receivers)`;
  if (e.status === null) return `cannot reach the server: ${e.message}. Is --server / LOA_SERVER right, is the server running, does this box have a network route to it?`;
  if (e.status === 404) return `${e.message}: this URL does not look like a Loa server (no /api/v1/device/queue)`;
  return `the server answered with an error: ${e.message}`;
}

/** Opens the events stream and waits for its `hello`: the server's events reach this box as they happen. */
async function checkPush(api: DeviceApi): Promise<string> {
  const started = Date.now();
  const done = new AbortController();
  const late = setTimeout(() => done.abort(), PUSH_WAIT_MS);
  let hello = false;
  try {
    const stream = await api.events(done.signal);
    await readEventStream(stream, (event) => {
      hello ||= event.type === 'hello';
      if (hello) done.abort();
    }, 2 * PUSH_WAIT_MS, done.signal); // the deadline above comes first
  } catch (error) {
    if (!done.signal.aborted) throw error; // refused, or broken off
  } finally {
    clearTimeout(late);
  }
  if (hello) return `push channel: the server's events reach this box (hello after ${Date.now() - started} ms)`;
  if (done.signal.aborted) throw new Error(`no event came through the events stream in ${PUSH_WAIT_MS / 1000} s: something between this box and the server (a proxy) holds it back`);
  throw new Error('the server closed the events stream before its first event');
}

async function checkDownload(api: DeviceApi, segment: DeviceQueue['items'][number]['segments'][number]): Promise<string> {
  const started = Date.now();
  let body: Buffer;
  try {
    const res = await api.audio(segment.url, 0, AbortSignal.timeout(60_000));
    body = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    throw new Error(`could not download ${segment.url}: ${(error as Error).message}`);
  }
  const sha = createHash('sha256').update(body).digest('hex');
  if (segment.sha256 && sha !== segment.sha256) throw new Error(`downloaded ${segment.url} (${body.length} bytes) but it does not match its sha256: something between the box and the server alters files`);
  return `downloaded ${segment.url}: ${body.length} bytes in ${Date.now() - started} ms, sha256 matches`;
}

/**
 * The report the agent would send, with what it keeps on disk; read without writing anything, as the
 * service may be running. Nothing is playing in a check; the first problem it found is its last error.
 */
async function statusOf(config: ReceiverConfig, api: DeviceApi, clock: ServerClock, version: string, problem: string | undefined) {
  const journal = new FileOutboxStore(outboxPath(config.dataDir));
  const readOnly = { load: () => journal.load(), append: async () => undefined, rewrite: async () => undefined };
  // A data directory that cannot be read was reported above: the report says what could be read.
  const outbox = await Outbox.open(readOnly, clock.now()).then((o) => o.size, () => 0);
  const cacheBytes = await DiskCache.open(join(config.dataDir, 'audio'), api, config.cacheMb * 1048576).then((c) => c.bytes(), () => 0);
  return {
    agent: agentName(),
    version,
    playing: null,
    cacheBytes,
    freeBytes: await freeBytes(config.dataDir),
    outbox,
    clockOffsetMs: clock.offsetMs(),
    ...(problem ? { lastError: `--check: ${problem}`.slice(0, 1000) } : {}),
  };
}

/** Half a second of silence as a WAV file: the output is tested without sounding the horns. */
function silenceWav(seconds = 0.5, rate = 44_100): Buffer {
  const data = Math.round(seconds * rate) * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}
