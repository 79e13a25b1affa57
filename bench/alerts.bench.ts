/**
 * Alerts benchmark (SPEC §11): a CAP POST of a 60-word Vietnamese alert until its broadcast is on the
 * air, over 20 alerts (p50, p99; goal p99 ≤ 3 s), and until a receiver polling /device/queue sees it;
 * then speech synthesis plus the loudness chain as × realtime, beside espeak-ng alone in the same run.
 *
 *   npm run bench alerts        (ALERTS=50 for more; DATABASE_URL=postgres://... for PostgreSQL)
 *
 * The real application (api + worker roles, SQLite file or PostgreSQL schema, Redis, espeak-ng,
 * ffmpeg) runs in this process; every alert goes to its own commune with its own speaker, so none
 * waits for another on shared speakers (SPEC §14).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/app-config.js';
import { MediaRepository } from '../src/media/media.repository.js';
import { SpeechService } from '../src/speech/speech.service.js';
import { createParser } from 'eventsource-parser';
import { deleteRedisPrefix } from '../test/helpers/redis-prefix.js';
import { probeCli } from '../test/helpers/audio.js';
import { runWhenMain } from './direct.js';
import { percentile } from './percentile.js';

const ADMIN_PASSWORD = 'bench-admin-password';
const GOAL_P99_MS = 3000;
/** 60 words, the length of a real short warning. */
const ALERT_TEXT = [
  'Tin bão khẩn cấp.',
  'Hồi 16h ngày 6/9, vị trí tâm bão số 3 cách Móng Cái 120 km, sức gió mạnh nhất cấp 12, giật cấp 14.',
  'Bà con không ra khơi, gia cố nhà cửa, chặt tỉa cây xanh và chủ động sơ tán khỏi vùng nguy hiểm.',
  'Liên hệ đường dây nóng 0214.3840.123 khi cần hỗ trợ khẩn cấp.',
].join(' ');

const ms = (n: number) => `${Math.round(n)} ms`;
const capTime = (d: Date) => `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;

function capXml(identifier: string, areaCode: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>${identifier}</identifier>
<sender>bench@kttv.example.vn</sender><sent>${capTime(new Date())}</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><language>vi-VN</language><category>Met</category><event>Bão</event><urgency>Immediate</urgency><severity>Extreme</severity><certainty>Observed</certainty>
<headline>Tin bão khẩn cấp</headline><description>${ALERT_TEXT}</description>
<area><areaDesc>xã</areaDesc><geocode><valueName>LOA</valueName><value>${areaCode}</value></geocode></area></info></alert>`;
}

export async function run(): Promise<void> {
  const alerts = Number(process.env.ALERTS ?? 20);
  const dir = await mkdtemp(join(tmpdir(), 'loa-bench-alerts-'));
  const env: Record<string, string> = {
    PORT: '0', LOA_DATA_DIR: join(dir, 'data'), LOA_AUDIO_DIR: join(dir, 'audio'), LOA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOA_QUEUE_PREFIX: `loa-bench-${randomBytes(4).toString('hex')}`, LOA_LOG_LEVEL: 'warn', LOA_LOG_FORMAT: 'text',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, LOA_DB_SCHEMA: `loa_bench_${randomBytes(4).toString('hex')}` } : {}),
  };
  const app = await createApp(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads a few known fields of the API's answers
    const body = (await response.json()) as any;
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  try {
    const token = (await call('/auth/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).accessToken as string;
    const province = await call('/areas', { method: 'POST', token, body: JSON.stringify({ name: 'Tỉnh bench', code: `BENCH-${randomBytes(3).toString('hex')}`, kind: 'province' }) });
    const communes: Array<{ code: string; deviceToken: string }> = [];
    for (let i = 0; i <= alerts; i++) {
      const code = `${province.code}-${i}`;
      const commune = await call('/areas', { method: 'POST', token, body: JSON.stringify({ name: `Xã ${i}`, code, kind: 'commune', parentId: province.id }) });
      const speaker = await call('/speakers', { method: 'POST', token, body: JSON.stringify({ name: `Loa ${i}`, communeId: commune.id }) });
      communes.push({ code, deviceToken: speaker.deviceToken });
    }
    // Warm-up (not counted): the attention signal is made once per installation, on the first alert.
    await postAlert(base, token, capXml(`WARMUP-${Date.now()}`, communes[alerts].code));

    const onAir: number[] = [];
    const seen: number[] = [];
    const pushed: number[] = [];
    for (let i = 0; i < alerts; i++) {
      const events = await listen(base, communes[i].deviceToken);
      const started = performance.now();
      const alert = await postAlert(base, token, capXml(`BENCH-${Date.now()}-${i}`, communes[i].code));
      pushed.push((await events.broadcast(alert.broadcastIds[0])) - started);
      const broadcast = await call(`/broadcasts/${alert.broadcastIds[0]}`, { token });
      if (broadcast.status !== 'on_air') throw new Error(`alert ${i}: broadcast ${broadcast.id} is ${broadcast.status}`);
      onAir.push(performance.now() - started);
      for (;;) {
        const queue = await call('/device/queue', { token: communes[i].deviceToken });
        if (queue.items.some((item: { broadcastId: string }) => item.broadcastId === broadcast.id)) break;
      }
      seen.push(performance.now() - started);
    }
    for (const list of [onAir, seen, pushed]) list.sort((a, b) => a - b);
    console.log(`${alerts} alerts of ${ALERT_TEXT.split(/\s+/).length} words (CAP POST → broadcast on air; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
    console.log(`  on air (POST answered, broadcast on_air):  p50 ${ms(percentile(onAir, 50))}   p99 ${ms(percentile(onAir, 99))}   max ${ms(onAir.at(-1)!)}   goal p99 ≤ ${GOAL_P99_MS} ms: ${percentile(onAir, 99) <= GOAL_P99_MS ? 'met' : 'NOT MET'}`);
    console.log(`  pushed to the receiver (GET /device/events): p50 ${ms(percentile(pushed, 50))}   p99 ${ms(percentile(pushed, 99))}`);
    console.log(`  seen by the receiver (GET /device/queue):  p50 ${ms(percentile(seen, 50))}   p99 ${ms(percentile(seen, 99))}`);
    await speechFigures(app.get(SpeechService), app.get(MediaRepository), dir);
  } finally {
    await app.close();
    await deleteRedisPrefix(env.REDIS_URL, env.LOA_QUEUE_PREFIX);
    await rm(dir, { recursive: true, force: true });
  }
}

/** A receiver's push connection, open (its hello received) before the alert is posted; resolves when the broadcast event arrives. */
async function listen(base: string, deviceToken: string): Promise<{ broadcast(id: string): Promise<number> }> {
  const controller = new AbortController();
  const response = await fetch(`${base}/device/events`, { headers: { authorization: `Bearer ${deviceToken}`, accept: 'text/event-stream' }, signal: controller.signal });
  const arrivals = new Map<string, number>();
  let hello: () => void;
  const greeted = new Promise<void>((resolve) => (hello = resolve));
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === 'hello') hello();
      if (event.event === 'broadcast') arrivals.set((JSON.parse(event.data) as { broadcastId: string }).broadcastId, performance.now());
    },
  });
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted once the event arrived
    }
  })();
  await greeted;
  return {
    async broadcast(id: string) {
      while (!arrivals.has(id)) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      return arrivals.get(id)!;
    },
  };
}

async function postAlert(base: string, token: string, xml: string): Promise<{ broadcastIds: string[] }> {
  const response = await fetch(`${base}/alerts`, { method: 'POST', headers: { 'content-type': 'application/cap+xml', authorization: `Bearer ${token}` }, body: xml });
  const body = (await response.json()) as { broadcastIds: string[] };
  if (response.status !== 201) throw new Error(`POST /alerts: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Loa's speech (normalise, synthesise, measure, render the broadcast MP3) beside espeak-ng alone on the same text. */
async function speechFigures(speech: SpeechService, media: MediaRepository, dir: string): Promise<void> {
  const rounds = 5;
  const plan = await speech.plan({ text: ALERT_TEXT, language: 'vi' });
  const raw: number[] = [];
  const ours: number[] = [];
  let seconds = 0;
  for (let i = 0; i < rounds; i++) {
    const rawWav = join(dir, `raw-${i}.wav`);
    let started = performance.now();
    await promisify(execFile)('espeak-ng', ['-v', 'vi', '-s', '150', '-w', rawWav, plan.spokenText]);
    raw.push(performance.now() - started);
    const wav = join(dir, `speech-${i}.wav`);
    const mp3 = join(dir, `speech-${i}.mp3`);
    started = performance.now();
    await speech.synthesise(speech.spokenText(ALERT_TEXT, plan.voice), plan.voice, wav);
    const loudness = await media.measureLoudness(wav);
    const rendered = await media.renderBroadcast(wav, mp3, { sourceLufs: loudness.integratedLufs, sourceTruePeak: loudness.truePeakDbtp, downmixLufs: loudness.downmixLufs });
    ours.push(performance.now() - started);
    seconds = rendered.durationSec;
  }
  const audio = (await probeCli(join(dir, 'raw-0.wav'))).durationSec;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`speech of the same text (${audio.toFixed(1)} s of audio), median of ${rounds}:`);
  console.log(`  espeak-ng alone:                          ${ms(median(raw))}   ${(audio / (median(raw) / 1000)).toFixed(0)}x realtime`);
  console.log(`  Loa (normalise, espeak-ng, loudness, MP3): ${ms(median(ours))}   ${(seconds / (median(ours) / 1000)).toFixed(0)}x realtime   (${(median(ours) / median(raw)).toFixed(1)}x espeak-ng's time)`);
}

runWhenMain(import.meta.url, run);
