import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeSpeechLike } from './helpers/audio.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';

const GRACE_SEC = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A one-off broadcast from upload to audit, through HTTP only, with the real transcode worker,
 * dispatcher and finaliser: one receiver plays, one fails, one stays silent and reports hours
 * "late" (after finalisation).
 */
describe('lifecycle of a one-off broadcast', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;

  beforeAll(async () => {
    t = await startTestApp({ LOA_RECEIPT_GRACE_SEC: String(GRACE_SEC) });
    tree = await areaTree(t);
  });
  afterAll(() => t.close());

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(150)) {
      const value = await probe();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const broadcastOf = async (id: string) => {
    const res = await t.http.get(`/api/v1/broadcasts/${id}`).set(auth(tree.operatorA.token));
    expect(res.status).toBe(200);
    return res.body as { status: string; startsAt: string; endsAt: string; counts: Record<string, number> };
  };
  const queueOf = async (token: string) => {
    const res = await t.http.get('/api/v1/device/queue').set(auth(token));
    expect(res.status).toBe(200);
    return res.body.items as Array<{ broadcastId: string; startsAt: string; endsAt: string; segments: Array<{ id: string; url: string; sha256: string; durationSec: number }> }>;
  };
  const receipt = (token: string, body: Record<string, unknown>) => t.http.post('/api/v1/device/receipts').set(auth(token)).send({ receipts: [body] });

  it('schedules, dispatches, collects receipts, finalises, and still counts a late receipt', async () => {
    const [playing, failing, silent] = [
      await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa thôn 1'),
      await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa thôn 2'),
      await createSpeaker(t, t.adminToken, tree.communeA.id, 'Loa thôn 3'),
    ];

    // District staff upload and approve; the worker renders the broadcast rendition.
    const source = join(t.dir, 'bhxh.wav');
    await makeSpeechLike(source, { seconds: 4, lufs: -26, format: 'wav' });
    const uploaded = await t.http.post('/api/v1/segments').set(auth(tree.staffA.token)).field('title', 'Đóng BHXH tự nguyện').field('topic', 'social-insurance').field('language', 'vi').attach('file', source);
    expect(uploaded.status).toBe(202);
    const ready = await until('the rendition', async () => {
      const res = await t.http.get(`/api/v1/segments/${uploaded.body.id}`).set(auth(tree.staffA.token));
      return res.body.status === 'processing' ? undefined : res.body;
    });
    expect(ready.status).toBe('ready');
    expect((await t.http.post(`/api/v1/segments/${ready.id}/approve`).set(auth(tree.staffA.token))).status).toBe(200);

    // The commune operator schedules it once, a few seconds ahead, in local time.
    const at = DateTime.now().setZone('Asia/Ho_Chi_Minh').plus({ seconds: 6 }).startOf('second');
    const schedule = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token)).send({ communeId: tree.communeA.id, title: 'Bản tin BHXH', segmentIds: [ready.id], at: at.toISO(), repeat: 1, gapSec: 0 });
    expect(schedule.status).toBe(201);

    // Before it starts, every receiver finds it in its queue and fetches the audio it names.
    const [upcoming] = await queueOf(playing.deviceToken);
    expect(upcoming).toMatchObject({ startsAt: at.toUTC().toISO({ suppressMilliseconds: false }), segments: [{ id: ready.id, url: `/api/v1/device/audio/${ready.id}` }] });
    const broadcastId = upcoming.broadcastId;
    for (const speaker of [failing, silent]) expect((await queueOf(speaker.deviceToken)).map((i) => i.broadcastId)).toEqual([broadcastId]);
    const audio = await t.http.get(upcoming.segments[0].url).set(auth(playing.deviceToken)).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(audio.status).toBe(200);
    expect(createHash('sha256').update(audio.body as Buffer).digest('hex')).toBe(upcoming.segments[0].sha256);
    expect(upcoming.segments[0].sha256).not.toBe(ready.sha256); // the rendition's checksum, not the upload's

    // At startsAt the dispatcher puts it on air with one pending delivery per speaker.
    const onAir = await until('on air', async () => ((await broadcastOf(broadcastId)).status === 'on_air' ? broadcastOf(broadcastId) : undefined), 20_000);
    expect(onAir.counts).toMatchObject({ targeted: 3, pending: 3 });
    expect((await queueOf(silent.deviceToken)).map((i) => i.broadcastId)).toEqual([broadcastId]);

    const startedAt = onAir.startsAt;
    const finishedAt = onAir.endsAt;
    expect((await receipt(playing.deviceToken, { broadcastId, status: 'played', startedAt, finishedAt })).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await receipt(failing.deviceToken, { broadcastId, status: 'failed', startedAt, error: 'amplifier fault' })).body).toEqual({ accepted: 1, duplicates: 0 });
    expect(await queueOf(playing.deviceToken)).toEqual([]);
    expect((await queueOf(silent.deviceToken)).map((i) => i.broadcastId)).toEqual([broadcastId]);

    // endsAt + grace: the finaliser marks the silent one missed; one of three played → partial.
    const final = await until('finalised', async () => {
      const b = await broadcastOf(broadcastId);
      return b.status === 'on_air' ? undefined : b;
    });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(finishedAt) + GRACE_SEC * 1000);
    expect(final).toMatchObject({ status: 'partial', counts: { targeted: 3, played: 1, failed: 1, missed: 1, pending: 0 } });
    const deliveries = await t.http.get(`/api/v1/broadcasts/${broadcastId}/deliveries`).set(auth(tree.auditor.token));
    expect(deliveries.status).toBe(200);
    const statusOf = Object.fromEntries((deliveries.body.items as Array<{ speakerId: string; status: string }>).map((d) => [d.speakerId, d.status]));
    expect(statusOf).toEqual({ [playing.id]: 'played', [failing.id]: 'failed', [silent.id]: 'missed' });
    expect(await queueOf(silent.deviceToken)).toEqual([]);

    // The silent receiver was offline and reports later: it still counts, and the broadcast follows.
    expect((await receipt(silent.deviceToken, { broadcastId, status: 'played', startedAt, finishedAt })).body).toEqual({ accepted: 1, duplicates: 0 });
    expect(await broadcastOf(broadcastId)).toMatchObject({ status: 'partial', counts: { targeted: 3, played: 2, failed: 1, missed: 0, pending: 0 } });
    const audit = await t.http.get('/api/v1/audit').set(auth(tree.auditor.token));
    expect(audit.body.items.map((e: { action: string; resourceId: string }) => `${e.action} ${e.resourceId}`)).toContain(`delivery.late_receipt ${broadcastId}`);

    // Receivers retry: repeated receipts are duplicates and change nothing.
    expect((await receipt(playing.deviceToken, { broadcastId, status: 'failed', startedAt, error: 'retry' })).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await receipt(silent.deviceToken, { broadcastId, status: 'played', startedAt, finishedAt })).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await broadcastOf(broadcastId)).counts).toMatchObject({ played: 2, failed: 1, missed: 0 });
  }, 90_000);
});
