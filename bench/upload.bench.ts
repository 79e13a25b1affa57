/**
 * Upload benchmark (SPEC §3: "Upload is streamed to disk (never whole in memory)").
 *
 *   npm run bench upload      or      node dist-bench/bench/upload.bench.js [--mb=150] [--rounds=3]
 *
 * Starts the API in-process (role `api`: no transcoding competes) and POSTs WAV files to
 * /api/v1/segments as multipart, streamed from disk. Measures each upload to its 202 (receive +
 * sha256 + duplicate check + ffprobe sniff + insert + audit + enqueue): wall time, CPU time of this
 * process and its children (ffprobe), and the process' RSS sampled every 10 ms. Beside it, the raw
 * floor in the same run: a bare node:http server that only hashes the body and writes it to disk.
 *   - a 1 MB file: the fixed CPU cost of an upload (target: under 150 ms);
 *   - a --mb file (default 150, the issue's 150 MB WAV): CPU per MB against the raw floor (target:
 *     at most 2x) and peak RSS growth (target: under 50 MB whatever the size: a held 150 MB file
 *     alone adds 150 MB).
 * Targets are on CPU time and RSS, which other load on the machine does not inflate; wall times
 * are printed for information.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/app-config.js';
import { AudioStorage, sha256File } from '../src/storage/audio-storage.js';
import { deleteRedisPrefix } from '../test/helpers/redis-prefix.js';
import { ffmpegCli } from '../test/helpers/audio.js';
import { runWhenMain } from './direct.js';

/** A file held in memory would add at least its own size to the RSS; streaming adds chunk buffers awaiting GC. */
const TARGETS = { fixedCpuMs: 150, rssGrowthMb: 50, cpuPerMbOverRaw: 2 };
const ADMIN_PASSWORD = 'bench-admin-password';
/** Stereo 48 kHz 16-bit PCM. */
const WAV_BYTES_PER_SEC = 48_000 * 2 * 2;

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}

interface Round {
  seconds: number;
  cpuMs: number;
  status: number;
  body: Record<string, unknown>;
  peakRssGrowthMb: number;
}

export async function run(): Promise<void> {
  const megabytes = arg('mb', 150);
  const rounds = arg('rounds', 3);
  const dir = await mkdtemp(join(tmpdir(), 'loa-bench-upload-'));
  const env = {
    PORT: '0',
    LOA_ROLES: 'api',
    LOA_DATA_DIR: join(dir, 'data'),
    LOA_AUDIO_DIR: join(dir, 'audio'),
    LOA_MAX_UPLOAD_MB: String(megabytes + 10),
    LOA_MAX_SEGMENT_SEC: '86400',
    LOA_QUEUE_PREFIX: `loa-bench-${randomBytes(4).toString('hex')}`,
    LOA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOA_LOG_LEVEL: 'warn',
    LOA_LOG_FORMAT: 'text',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
  };
  const app = await createApp(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  const raw = await rawFloorServer(join(dir, 'raw'));
  try {
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const token = await login(url);
    const compare = async (mb: number) => {
      const wav = join(dir, `source-${mb}.wav`);
      await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', `anoisesrc=r=48000:c=pink:a=0.1:d=${Math.ceil((mb * 1e6) / WAV_BYTES_PER_SEC)}`, '-ac', '2', '-c:a', 'pcm_s16le', wav]);
      const ours: Round[] = [];
      const floor: Round[] = [];
      for (let i = 0; i < rounds; i++) {
        await makeDistinct(wav, i); // a new source hash each round, or the second upload is a 409
        const expectedSha = await sha256File(wav);
        const uploadOurs = async () => {
          const round = await measured(() => postMultipart(`${url}/api/v1/segments`, token, wav, { title: `bench ${i}`, topic: 'bench', language: 'vi' }));
          if (round.status !== 202 || round.body.sha256 !== expectedSha) throw new Error(`upload ${i}: ${round.status} ${JSON.stringify(round.body)}`);
          ours.push(round);
        };
        const uploadRaw = async () => void floor.push(await measured(() => postMultipart(`${raw.url}/`, token, wav, {})));
        // Alternate who goes first: the one after pays for the page cache writeback of the one before.
        for (const step of i % 2 ? [uploadRaw, uploadOurs] : [uploadOurs, uploadRaw]) await step();
      }
      const size = (await stat(wav)).size;
      const row = (label: string, rows: Round[]) =>
        console.log(`${label.padEnd(44)}${best(rows).toFixed(3).padStart(8)} s ${(size / 1e6 / best(rows)).toFixed(0).padStart(6)} MB/s ${leastCpu(rows).toFixed(0).padStart(8)} ms CPU   peak RSS +${peakGrowth(rows).toFixed(0)} MB`);
      row(`${(size / 1e6).toFixed(0)} MB: POST /api/v1/segments → 202`, ours);
      row(`${(size / 1e6).toFixed(0)} MB: raw floor (hash + write only)`, floor);
      await rm(wav);
      return { size, ours, floor };
    };

    console.log(`Loa upload bench — best of ${rounds} round(s) per size, node ${process.version}\n`);
    const small = await compare(1);
    const large = await compare(megabytes);
    const fixedCpu = leastCpu(small.ours) - leastCpu(small.floor);
    const cpuRatio = leastCpu(large.ours) / Math.max(10, leastCpu(large.floor));
    const leftovers = (await readdir(app.get(AudioStorage).incomingDir)).length;
    const ok = (pass: boolean) => (pass ? 'OK' : 'MISSED');
    console.log(`\nfixed CPU cost of an upload  ${fixedCpu.toFixed(0)} ms (1 MB, over the raw floor)   target < ${TARGETS.fixedCpuMs} ms   ${ok(fixedCpu < TARGETS.fixedCpuMs)}`);
    console.log(`CPU / raw floor              ${cpuRatio.toFixed(2)}x (${(large.size / 1e6).toFixed(0)} MB: ${(leastCpu(large.ours) / (large.size / 1e6)).toFixed(2)} ms per MB)   target <= ${TARGETS.cpuPerMbOverRaw}x   ${ok(cpuRatio <= TARGETS.cpuPerMbOverRaw)}`);
    console.log(`peak RSS growth              ${peakGrowth(large.ours).toFixed(0)} MB for ${(large.size / 1e6).toFixed(0)} MB (raw floor: ${peakGrowth(large.floor).toFixed(0)} MB)   target < ${TARGETS.rssGrowthMb} MB   ${ok(peakGrowth(large.ours) < TARGETS.rssGrowthMb)}`);
    console.log(`partial files left           ${leftovers}`);
    console.log(`load average at the end      ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work inflates wall times, not CPU time or RSS)`);
    console.log('(client and server share this process; the client streams from disk in 64 KiB chunks; the RSS growth is mostly');
    console.log(' chunk buffers awaiting GC, the same in the raw floor, and does not grow with the file: try --mb=1000)');
  } finally {
    raw.server.close();
    await app.close();
    await deleteRedisPrefix(env.REDIS_URL, env.LOA_QUEUE_PREFIX);
    await rm(dir, { recursive: true, force: true });
  }
}

const best = (rows: Round[]) => Math.min(...rows.map((r) => r.seconds));
const leastCpu = (rows: Round[]) => Math.min(...rows.map((r) => r.cpuMs));
const peakGrowth = (rows: Round[]) => Math.max(...rows.map((r) => r.peakRssGrowthMb));

/** Runs `upload` while sampling RSS every 10 ms; growth is against the RSS just before. */
async function measured(upload: () => Promise<{ status: number; body: Record<string, unknown> }>): Promise<Round> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  let peakRss = before;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 10);
  const started = performance.now();
  const cpuBefore = await cpuMs();
  try {
    const result = await upload();
    return { ...result, seconds: (performance.now() - started) / 1000, cpuMs: (await cpuMs()) - cpuBefore, peakRssGrowthMb: (peakRss - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

/** CPU time of this process and its reaped children (ffprobe), from /proc/self/stat (10 ms ticks). */
async function cpuMs(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1].split(' ');
  // After "pid (comm) ": utime, stime, cutime, cstime are fields 14-17, i.e. indexes 11-14 here.
  return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * 10;
}

/** A multipart/form-data POST streamed from disk, with a declared Content-Length. */
function postMultipart(url: string, token: string, path: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = `loa-bench-${randomBytes(8).toString('hex')}`;
  const head =
    Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="source.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return stat(path).then(
    ({ size }) =>
      new Promise((resolve, reject) => {
        const req = request(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': Buffer.byteLength(head) + size + Buffer.byteLength(tail) },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
        });
        req.on('error', reject);
        req.write(head);
        const file = createReadStream(path, { highWaterMark: 64 * 1024 });
        file.on('error', reject);
        file.on('end', () => req.end(tail));
        file.pipe(req, { end: false });
      }),
  );
}

/** The floor: receive the body, hash it, write it to disk, answer. */
async function rawFloorServer(dir: string): Promise<{ server: Server; url: string }> {
  await mkdir(dir, { recursive: true });
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => hash.update(chunk));
    pipeline(req, createWriteStream(join(dir, `${randomBytes(6).toString('hex')}.part`))).then(
      () => res.end(JSON.stringify({ sha256: hash.digest('hex') })),
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  if (response.status !== 200) throw new Error(`login: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Overwrites the last 8 bytes of PCM: still valid audio, a different sha256. */
async function makeDistinct(path: string, round: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(BigInt(Date.now()) * 16n + BigInt(round));
    await file.write(bytes, 0, 8, size - 8);
  } finally {
    await file.close();
  }
}

runWhenMain(import.meta.url, run);
