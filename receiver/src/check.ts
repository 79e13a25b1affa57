import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeBytes } from './agent.js';
import type { ReceiverConfig } from './options.js';
import { ProcessPlayer } from './process-player.js';
import { DeviceApi, DeviceApiError } from './protocol/api.js';
import { ServerClock } from './protocol/clock.js';
import type { DeviceQueue } from './protocol/types.js';
import { TokenSource } from './token.js';

/** Half a second of silence as a WAV file: the output is tested without sounding the horns. */
export function silenceWav(seconds = 0.5, rate = 44_100): Buffer {
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

/**
 * `--check`: tries the data directory, the server, the token, a download and the audio output
 * once, and says in plain words what is wrong. Returns the exit code (0: all good).
 */
export async function runCheck(config: ReceiverConfig, version: string): Promise<number> {
  let failed = 0;
  const ok = (what: string) => console.log(`ok    ${what}`);
  const fail = (what: string) => {
    failed++;
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
    const e = error as DeviceApiError;
    if (e.status === 401) fail(`the server refused the device token${'file' in config.token ? ` in ${config.token.file}` : ''} (401): it is mistyped, or the speaker's token was rotated; copy the current one from the console (Receivers)`);
    else if (e.status === null) fail(`cannot reach the server: ${e.message}. Is --server / LOA_SERVER right, is the server running, does this box have a network route to it?`);
    else if (e.status === 404) fail(`${e.message}: this URL does not look like a Loa server (no /api/v1/device/queue)`);
    else fail(`the server answered with an error: ${e.message}`);
  }

  const segment = queue?.items.flatMap((item) => item.segments)[0];
  if (queue && !segment) console.log('skip  download: nothing is queued for this speaker yet, so no audio could be fetched');
  if (segment) {
    try {
      const started = Date.now();
      const res = await api.audio(segment.url, 0, AbortSignal.timeout(60_000));
      const body = Buffer.from(await res.arrayBuffer());
      const sha = createHash('sha256').update(body).digest('hex');
      if (segment.sha256 && sha !== segment.sha256) fail(`downloaded ${segment.url} (${body.length} bytes) but it does not match its sha256: something between the box and the server alters files`);
      else ok(`downloaded ${segment.url}: ${body.length} bytes in ${Date.now() - started} ms, sha256 matches`);
    } catch (error) {
      fail(`could not download ${segment.url}: ${(error as Error).message}`);
    }
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

  console.log(failed ? `${failed} problem(s) found` : 'everything works');
  return failed ? 1 : 0;
}
