import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import type { Response as SuperagentResponse } from 'superagent';
import { DataSource } from 'typeorm';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaPath, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { ffmpegCli } from './helpers/audio.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { waitUntil } from './helpers/waiting.js';

const MINUTE = 60_000;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A 3 s mono 64 kbit/s MP3, like a broadcast rendition. */
async function renderTone(path: string): Promise<Buffer> {
  await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', path]);
  return readFile(path);
}

/** supertest: keep the body as bytes whatever the content type (the parser receives the raw response stream). */
const bytes = (res: SuperagentResponse, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};
const HOUR = 60 * MINUTE;

describe('device API: queue, audio and authentication', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let s1: Awaited<ReturnType<typeof createSpeaker>>;
  let s2: Awaited<ReturnType<typeof createSpeaker>>;
  let s3: Awaited<ReturnType<typeof createSpeaker>>;
  const ids: Record<string, string> = {};
  let segment: Awaited<ReturnType<typeof insertSegment>>;
  let other: Awaited<ReturnType<typeof insertSegment>>;
  /** Segments each used by one broadcast only: communeB's, s2's, and a finished one. */
  let foreign: Awaited<ReturnType<typeof insertSegment>>;
  let s2only: Awaited<ReturnType<typeof insertSegment>>;
  let past: Awaited<ReturnType<typeof insertSegment>>;
  let rendition: Buffer;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    s1 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    s2 = await createSpeaker(t, t.adminToken, tree.communeA.id);
    s3 = await createSpeaker(t, t.adminToken, tree.communeB.id);
    const provincePath = await areaPath(t, tree.province.id);
    const communeAPath = await areaPath(t, tree.communeA.id);
    const communeBPath = await areaPath(t, tree.communeB.id);
    segment = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, durationSec: 95.5 });
    rendition = await renderTone(t.app.get(AudioStorage).renditionPath('tone'));
    const renditionSha256 = sha256(rendition);
    other = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, durationSec: 40, renditionSha256 });
    foreign = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, renditionSha256 });
    s2only = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, renditionSha256 });
    past = await insertSegment(t, { areaId: tree.province.id, areaPath: provincePath, renditionSha256 });
    for (const { id } of [other, foreign, s2only, past]) await copyFile(t.app.get(AudioStorage).renditionPath('tone'), t.app.get(AudioStorage).renditionPath(id));
    const now = Date.now();
    const inCommuneA = { areaId: tree.communeA.id, areaPath: communeAPath };

    const onAir = await insertBroadcast(t, { ...inCommuneA, status: 'on_air', startsAt: new Date(now - MINUTE), segments: [segment, other], repeat: 2, gapSec: 15 });
    await insertDelivery(t, { broadcastId: onAir.id, speakerId: s1.id, communeId: tree.communeA.id });
    await insertDelivery(t, { broadcastId: onAir.id, speakerId: s2.id, communeId: tree.communeA.id, status: 'played', startedAt: new Date(now - MINUTE), settledAt: new Date() });
    ids.onAir = onAir.id;
    ids.forCommune = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + HOUR), segments: [segment] })).id;
    ids.forS2Only = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + 2 * HOUR), segments: [s2only], speakerIds: [s2.id] })).id;
    ids.tooFar = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now + 30 * HOUR), segments: [segment] })).id;
    ids.emergency = (await insertBroadcast(t, { areaId: tree.province.id, areaPath: provincePath, status: 'scheduled', priority: 'emergency', startsAt: new Date(now + 5 * MINUTE), segments: [other] })).id;
    ids.communeB = (await insertBroadcast(t, { areaId: tree.communeB.id, areaPath: communeBPath, status: 'scheduled', startsAt: new Date(now + HOUR), segments: [foreign] })).id;
    ids.cancelled = (await insertBroadcast(t, { ...inCommuneA, status: 'cancelled', startsAt: new Date(now + HOUR), segments: [segment] })).id;
    ids.ended = (await insertBroadcast(t, { ...inCommuneA, status: 'scheduled', startsAt: new Date(now - HOUR), segments: [segment] })).id;
    const completed = await insertBroadcast(t, { ...inCommuneA, status: 'completed', startsAt: new Date(now - 3 * HOUR), segments: [past] });
    await insertDelivery(t, { broadcastId: completed.id, speakerId: s1.id, communeId: tree.communeA.id, status: 'played' });
  });
  afterAll(() => t.close());

  const queueOf = async (token: string) => {
    const res = await t.http.get('/api/v1/device/queue').set(auth(token));
    expect(res.status).toBe(200);
    return res.body as { now: string; items: Array<{ broadcastId: string; startsAt: string; segments: Array<{ id: string; url: string; sha256: string; durationSec: number }> } & Record<string, unknown>> };
  };

  it('lists pending deliveries and what will target the speaker within the lookahead, by start time', async () => {
    const queue = await queueOf(s1.deviceToken);
    expect(queue.items.map((i) => i.broadcastId)).toEqual([ids.onAir, ids.emergency, ids.forCommune]);
    expect(Math.abs(Date.parse(queue.now) - Date.now())).toBeLessThan(5000);
    expect(queue.now).toMatch(/Z$/);
  });

  it('describes each item with its playlist: rendition url, rendition sha256 and duration', async () => {
    const [item] = (await queueOf(s1.deviceToken)).items;
    expect(item).toEqual({
      broadcastId: ids.onAir,
      startsAt: expect.stringMatching(/Z$/),
      endsAt: expect.stringMatching(/Z$/),
      priority: 'normal',
      repeat: 2,
      gapSec: 15,
      segments: [
        { id: segment.id, url: `/api/v1/device/audio/${segment.id}`, sha256: segment.renditionSha256, durationSec: 95.5 },
        { id: other.id, url: `/api/v1/device/audio/${other.id}`, sha256: other.renditionSha256, durationSec: 40 },
      ],
    });
    expect(item.segments[0].sha256).not.toBe(segment.sha256);
  });

  it('leaves out settled deliveries, other speakers, other communes, far-off, ended and cancelled broadcasts', async () => {
    expect((await queueOf(s2.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.forCommune, ids.forS2Only]);
    expect((await queueOf(s3.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.communeB]);
  });

  it('lists a broadcast that went on air a moment ago once, as pending, and follows cancellations within a second', async () => {
    const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
    const receiver = await createSpeaker(t, t.adminToken, communeId);
    const here = { areaId: communeId, areaPath: await areaPath(t, communeId) };
    const soon = await insertBroadcast(t, { ...here, status: 'scheduled', startsAt: new Date(Date.now() + MINUTE), segments: [segment] });
    const later = await insertBroadcast(t, { ...here, status: 'scheduled', startsAt: new Date(Date.now() + HOUR), segments: [segment] });
    // The province's emergency covers this commune too; only these two are of interest here.
    const listed = async () => (await queueOf(receiver.deviceToken)).items.map((i) => i.broadcastId).filter((id) => id === soon.id || id === later.id);
    expect(await listed()).toEqual([soon.id, later.id]);

    // Dispatched and cancelled right after that poll (within the second the commune's schedule is shared).
    const db = t.app.get(DataSource);
    await db.getRepository(BroadcastEntity).update({ id: soon.id }, { status: 'on_air' });
    await insertDelivery(t, { broadcastId: soon.id, speakerId: receiver.id, communeId });
    await db.getRepository(BroadcastEntity).update({ id: later.id }, { status: 'cancelled' });
    expect((await listed()).filter((id) => id === soon.id)).toHaveLength(1);
    await waitUntil(listed, (now) => now.join() === soon.id, 3000, 'the cancellation to show');
  });

  it('marks the speaker seen', async () => {
    const fresh = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const before = await t.http.get(`/api/v1/speakers/${fresh.id}`).set(auth(t.adminToken));
    expect(before.body).toMatchObject({ lastSeenAt: null, online: false });
    await queueOf(fresh.deviceToken);
    const after = await t.http.get(`/api/v1/speakers/${fresh.id}`).set(auth(t.adminToken));
    expect(after.body.online).toBe(true);
    expect(Math.abs(Date.parse(after.body.lastSeenAt) - Date.now())).toBeLessThan(5000);
  });

  it('refreshes the last contact of a receiver that keeps polling, several receivers in one write a second', async () => {
    // Offline after 2 s: a known receiver's contact is refreshed at most every 200 ms.
    const quick = await startTestApp({ LOA_SPEAKER_OFFLINE_SEC: '2' });
    try {
      const provinceId = (await createArea(quick, quick.adminToken, { kind: 'province' })).id;
      const communeId = (await createArea(quick, quick.adminToken, { kind: 'commune', parentId: provinceId })).id;
      const receivers = [await createSpeaker(quick, quick.adminToken, communeId), await createSpeaker(quick, quick.adminToken, communeId)];
      const lastSeen = async (id: string) => Date.parse((await quick.http.get(`/api/v1/speakers/${id}`).set(auth(quick.adminToken))).body.lastSeenAt);
      const poll = (token: string) => quick.http.get('/api/v1/device/queue').set(auth(token)).expect(200);
      for (const r of receivers) await poll(r.deviceToken);
      const first = await Promise.all(receivers.map((r) => lastSeen(r.id)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const polledAgainAt = Date.now();
      for (const r of receivers) await poll(r.deviceToken);
      const refreshed = await waitUntil(() => Promise.all(receivers.map((r) => lastSeen(r.id))), (seen) => seen.every((at, i) => at > first[i]), 5000, 'refreshed contacts');
      for (const at of refreshed) expect(at).toBeGreaterThanOrEqual(polledAgainAt);
    } finally {
      await quick.close();
    }
  });

  it('follows a speaker moved to another commune (merge)', async () => {
    const moving = await createSpeaker(t, t.adminToken, tree.communeA.id);
    expect((await queueOf(moving.deviceToken)).items.map((i) => i.broadcastId)).toContain(ids.forCommune);
    const moved = await t.http.patch(`/api/v1/speakers/${moving.id}`).set(auth(t.adminToken)).send({ communeId: tree.communeB.id });
    expect(moved.status).toBe(200);
    expect((await queueOf(moving.deviceToken)).items.map((i) => i.broadcastId)).toEqual([ids.emergency, ids.communeB]);
  });

  it('refuses missing, unknown and user tokens on device routes, and device tokens on user routes', async () => {
    const none = await t.http.get('/api/v1/device/queue');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await t.http.get('/api/v1/device/queue').set(auth('loa_dev_nonsense'))).status).toBe(401);
    expect((await t.http.get('/api/v1/device/queue').set(auth(t.adminToken))).status).toBe(401);
    expect((await t.http.get('/api/v1/device/queue').set(auth(tree.operatorA.token))).status).toBe(401);
    expect((await t.http.get('/api/v1/speakers').set(auth(s1.deviceToken))).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set(auth(s1.deviceToken))).status).toBe(401);
  });

  it('stops answering a rotated token', async () => {
    const rotating = await createSpeaker(t, t.adminToken, tree.communeA.id);
    await queueOf(rotating.deviceToken);
    const rotated = await t.http.post(`/api/v1/speakers/${rotating.id}/token`).set(auth(t.adminToken));
    expect(rotated.status).toBe(201);
    expect((await t.http.get('/api/v1/device/queue').set(auth(rotating.deviceToken))).status).toBe(401);
    await queueOf(rotated.body.deviceToken);
  });

  describe('audio', () => {
    const audio = (token: string, segmentId: string) => t.http.get(`/api/v1/device/audio/${segmentId}`).set(auth(token)).buffer(true).parse(bytes);

    it('serves the rendition of a queued segment, matching the queue checksum', async () => {
      const queued = (await queueOf(s1.deviceToken)).items.flatMap((i) => i.segments).find((s) => s.id === other.id)!;
      const res = await t.http.get(queued.url).set(auth(s1.deviceToken)).buffer(true).parse(bytes);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('audio/mpeg');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers.etag).toBeTruthy();
      expect(Number(res.headers['content-length'])).toBe(rendition.length);
      expect(sha256(res.body as Buffer)).toBe(queued.sha256);
    });

    it('answers byte ranges with 206 and Content-Range, 416 beyond the end, 304 for a known ETag', async () => {
      const head = await audio(s1.deviceToken, other.id).set('Range', 'bytes=0-99');
      expect(head.status).toBe(206);
      expect(head.headers['content-range']).toBe(`bytes 0-99/${rendition.length}`);
      expect(head.body).toEqual(rendition.subarray(0, 100));
      const rest = await audio(s1.deviceToken, other.id).set('Range', `bytes=100-`);
      expect(rest.status).toBe(206);
      expect(rest.headers['content-range']).toBe(`bytes 100-${rendition.length - 1}/${rendition.length}`);
      expect(Buffer.concat([head.body, rest.body])).toEqual(rendition);
      const tail = await audio(s1.deviceToken, other.id).set('Range', 'bytes=-50');
      expect(tail.status).toBe(206);
      expect(tail.body).toEqual(rendition.subarray(rendition.length - 50));
      const beyond = await audio(s1.deviceToken, other.id).set('Range', `bytes=${rendition.length}-`);
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${rendition.length}`);
      const etag = (await audio(s1.deviceToken, other.id)).headers.etag;
      expect((await audio(s1.deviceToken, other.id).set('If-None-Match', etag)).status).toBe(304);
    });

    it('is 404 for segments outside the speaker\'s own pending or upcoming broadcasts', async () => {
      expect((await audio(s1.deviceToken, foreign.id)).status).toBe(404);
      expect((await audio(s3.deviceToken, foreign.id)).status).toBe(200);
      expect((await audio(s1.deviceToken, s2only.id)).status).toBe(404);
      expect((await audio(s2.deviceToken, s2only.id)).status).toBe(200);
      expect((await audio(s1.deviceToken, past.id)).status).toBe(404);
      const unknown = await audio(s1.deviceToken, '00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body.toString())).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect((await audio(s1.deviceToken, 'not-a-uuid')).status).toBe(400);
      expect((await t.http.get(`/api/v1/device/audio/${other.id}`).set(auth(t.adminToken))).status).toBe(401);
    });

    it('serves the audio of a broadcast written a moment after the commune\'s schedules were read (a pushed one)', async () => {
      const communeId = (await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id;
      const receiver = await createSpeaker(t, t.adminToken, communeId);
      const fresh = await insertSegment(t, { areaId: communeId, areaPath: await areaPath(t, communeId), renditionSha256: sha256(rendition) });
      await copyFile(t.app.get(AudioStorage).renditionPath('tone'), t.app.get(AudioStorage).renditionPath(fresh.id));
      await queueOf(receiver.deviceToken); // the commune's schedules are now shared for a second
      await insertBroadcast(t, { areaId: communeId, areaPath: await areaPath(t, communeId), status: 'scheduled', startsAt: new Date(Date.now() + 5 * MINUTE), segments: [fresh] });
      const res = await audio(receiver.deviceToken, fresh.id);
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(rendition));
    });

    it('is 404 when the file of a queued segment is gone', async () => {
      expect((await audio(s1.deviceToken, segment.id)).status).toBe(404);
    });
  });
});
