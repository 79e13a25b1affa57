import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { SegmentEntity } from '../src/segments/segment.entity.js';
import type { TranscodeJob } from '../src/segments/segments.service.js';
import { TranscodeSweeper } from '../src/segments/transcode-sweeper.js';
import { TranscodeProcessor } from '../src/segments/transcode.processor.js';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { uploadRequestTimeoutMs } from '../src/storage/multipart-upload.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeNonAudio, makeSilence, makeSpeechLike, makeVideoWithoutAudio, measureLufs, probeCli } from './helpers/audio.js';
import { areaTree, auth, createUser } from './helpers/fixtures.js';
import { waitUntil } from './helpers/waiting.js';

// Real transcodes take seconds; the e2e project's testTimeout is not applied per project.
jest.setTimeout(120_000);

/** Real ffmpeg, Redis and database: every upload goes through the queue and a real transcode. */
describe('segments: upload, transcode, approve, retire, play', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let files: string;
  let storage: AudioStorage;
  let speech: string; // 8 s stereo 48 kHz WAV at about -28 LUFS, uploaded by district staff A
  let speechId: string;
  let topicCounter = 0;
  const topic = () => `topic-${process.pid}-${++topicCounter}`;

  beforeAll(async () => {
    // 2 MB and 60 s limits keep the fixtures small and the failure cases quick.
    t = await startTestApp({ LOA_MAX_UPLOAD_MB: '2', LOA_MAX_SEGMENT_SEC: '60' });
    tree = await areaTree(t);
    storage = t.app.get(AudioStorage);
    files = join(t.dir, 'fixtures');
    await mkdir(files);
    speech = join(files, 'bhxh.wav');
    await makeSpeechLike(speech, { seconds: 8, lufs: -28, stereo: true, format: 'wav' });
  });
  afterAll(() => t.close());

  function upload(token: string, path: string, fields: Record<string, string> = {}) {
    const request = t.http.post('/api/v1/segments').set(auth(token));
    for (const [name, value] of Object.entries({ title: 'Thông báo BHXH', topic: 'social-insurance', language: 'vi', ...fields })) request.field(name, value);
    return request.attach('file', path);
  }

  async function settled(id: string, token = t.adminToken): Promise<Record<string, any>> {
    for (const started = Date.now(); Date.now() - started < 60_000; ) {
      const res = await t.http.get(`/api/v1/segments/${id}`).set(auth(token));
      expect(res.status).toBe(200);
      if (res.body.status !== 'processing') return res.body;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`segment ${id} still processing after 60 s`);
  }

  async function uploadReady(token: string, path: string, fields: Record<string, string> = {}): Promise<Record<string, any>> {
    const res = await upload(token, path, fields);
    expect(res.status).toBe(202);
    const segment = await settled(res.body.id);
    expect(segment.status).toBe('ready');
    return segment;
  }

  /** A multipart POST that sends its headers (declaring `length` bytes) and never the body. */
  function postHeadersOnly(token: string, length: number): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${t.url}/api/v1/segments`, {
        method: 'POST',
        headers: { ...auth(token), 'Content-Type': 'multipart/form-data; boundary=loa', 'Content-Length': String(length) },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  }

  /** Nothing half-written or abandoned under LOA_AUDIO_DIR/incoming. */
  const incoming = () => readdir(storage.incomingDir);
  const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
  const auditOf = (resourceId: string) => t.app.get(DataSource).getRepository(AuditEntryEntity).find({ where: { resourceId }, order: { seq: 'ASC' } });

  /** A `processing` segment as an upload leaves it, its source in place, but (as after a Redis loss) no job queued. */
  async function orphanedUpload(createdAt: Date, seed: number, tag = 'recovery'): Promise<string> {
    const path = join(files, `orphan-${seed}.wav`);
    await makeSpeechLike(path, { seconds: 2, format: 'wav', seed });
    const id = randomUUID();
    const hash = await sha256(path);
    await copyFile(path, storage.sourcePath(id));
    await t.app.get(DataSource).getRepository(SegmentEntity).insert({
      id, title: 'orphan', topic: tag, language: 'vi', status: 'processing', error: null, areaId: tree.districtA.id,
      areaPath: `/${tree.province.id}/${tree.districtA.id}/`, uploadedBy: tree.staffA.id, originalName: 'orphan.wav', sha256: hash, liveSha256: hash,
      sourceBytes: (await stat(path)).size, durationSec: null, loudnessLufs: null, renditionLufs: null, renditionTruePeakDb: null, renditionSha256: null,
      renditionBytes: 0, approved: false, approvedBy: null, approvedAt: null, validFrom: null, validUntil: null, createdAt, updatedAt: createdAt, retiredAt: null,
    });
    return id;
  }

  describe('the audio pipeline', () => {
    it('answers 202 processing, then records a -16 LUFS mono 44.1 kHz 64k MP3 rendition', async () => {
      const res = await upload(tree.staffA.token, speech, { validFrom: '2025-07-01T00:00:00+07:00', validUntil: '2026-06-30T23:59:59+07:00' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'processing', title: 'Thông báo BHXH', topic: 'social-insurance', language: 'vi', approved: false, error: null,
        durationSec: null, sha256: await sha256(speech), validFrom: '2025-06-30T17:00:00.000Z', validUntil: '2026-06-30T16:59:59.000Z',
        areaId: tree.districtA.id, originalName: 'bhxh.wav',
      });
      expect(res.body.createdAt).toMatch(/Z$/);
      speechId = res.body.id;

      const ready = await settled(speechId);
      const source = await measureLufs(speech);
      expect(ready).toMatchObject({ status: 'ready', error: null, approved: false });
      expect(Math.abs(ready.durationSec - 8)).toBeLessThan(0.1);
      expect(Math.abs(ready.loudnessLufs - source.integratedLufs)).toBeLessThanOrEqual(0.2);
      expect(Object.keys(ready)).toEqual(expect.arrayContaining(['id', 'title', 'topic', 'language', 'status', 'error', 'durationSec', 'loudnessLufs', 'sha256', 'approved', 'validFrom', 'validUntil', 'createdAt']));

      const audio = await t.http.get(`/api/v1/segments/${speechId}/audio`).set(auth(tree.operatorA.token)).responseType('blob');
      expect(audio.status).toBe(200);
      expect(audio.headers['content-type']).toBe('audio/mpeg');
      expect(audio.headers['accept-ranges']).toBe('bytes');
      const downloaded = join(files, 'rendition.mp3');
      await writeFile(downloaded, audio.body as Buffer);
      const probed = await probeCli(downloaded);
      expect(probed.formatName).toBe('mp3');
      expect(probed.audio).toEqual([expect.objectContaining({ codec: 'mp3', channels: 1, sampleRate: 44100 })]);
      expect(Math.abs(probed.audio[0].bitRate - 64000)).toBeLessThanOrEqual(1000);
      const loud = await measureLufs(downloaded);
      expect(Math.abs(loud.integratedLufs - -16)).toBeLessThanOrEqual(1.5);
      expect(loud.truePeakDbtp).toBeLessThanOrEqual(-1);

      // The rendition's own hash is recorded for receivers to check their downloads.
      const row = await t.app.get(DataSource).getRepository(SegmentEntity).findOneByOrFail({ id: speechId });
      expect(row.renditionSha256).toBe(await sha256(downloaded));
      expect(row.renditionBytes).toBe((audio.body as Buffer).length);
      expect(await incoming()).toEqual([]);
      expect((await auditOf(speechId)).map((e) => e.action)).toEqual(['segment.upload']);
    });

    it('serves byte ranges of the rendition (206), and 416 past its end', async () => {
      const full = await t.http.get(`/api/v1/segments/${speechId}/audio`).set(auth(tree.auditor.token)).responseType('blob');
      const size = (full.body as Buffer).length;
      const part = await t.http.get(`/api/v1/segments/${speechId}/audio`).set(auth(tree.auditor.token)).set('Range', 'bytes=100-1123').responseType('blob');
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 100-1123/${size}`);
      expect(part.body).toEqual((full.body as Buffer).subarray(100, 1124));
      const beyond = await t.http.get(`/api/v1/segments/${speechId}/audio`).set(auth(tree.auditor.token)).set('Range', `bytes=${size + 10}-`);
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${size}`);
    });

    it('refuses the same source file while its segment is live (409 with the existing id), accepts it again once retired', async () => {
      const renamed = join(files, 'same-audio-other-name.wav');
      await copyFile(speech, renamed);
      const again = await upload(tree.staffB.token, renamed, { title: 'lần hai' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringContaining(speechId), existingId: speechId });

      const copy = join(files, 'duplicate.wav');
      await makeSpeechLike(copy, { seconds: 2, format: 'wav', seed: 21 });
      const first = await uploadReady(tree.staffA.token, copy, { topic: topic() });
      expect((await upload(tree.staffA.token, copy)).body.existingId).toBe(first.id);
      expect(await incoming()).toEqual([]);

      expect((await t.http.delete(`/api/v1/segments/${first.id}`).set(auth(tree.staffA.token))).status).toBe(200);
      const reupload = await upload(tree.staffA.token, copy);
      expect(reupload.status).toBe(202);
      expect(reupload.body.id).not.toBe(first.id);
      expect((await settled(reupload.body.id)).status).toBe('ready');
    });

    it('settles the same file uploaded several times at once: one 202, the others 409, and no error in the log for it', async () => {
      const logged: string[] = [];
      const capture = (stream: NodeJS.WriteStream) => jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (logged.push(String(chunk)), true));
      const spies = [capture(process.stdout), capture(process.stderr), jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')))];
      try {
        const racing = join(files, 'racing.wav');
        await makeSpeechLike(racing, { seconds: 2, format: 'wav', seed: 33 });
        const answers = await Promise.all([1, 2, 3].map(() => upload(tree.staffA.token, racing, { topic: topic() })));
        const accepted = answers.filter((r) => r.status === 202);
        expect(accepted).toHaveLength(1);
        expect(answers.filter((r) => r.status === 409).map((r) => r.body.existingId)).toEqual([accepted[0].body.id, accepted[0].body.id]);
        // The database settles such a race with its unique index: the losing INSERT is expected, not an error.
        const row = await t.app.get(DataSource).getRepository(SegmentEntity).findOneByOrFail({ id: accepted[0].body.id });
        await expect(t.app.get(DataSource).getRepository(SegmentEntity).insert({ ...row, id: randomUUID() })).rejects.toThrow();
        expect(logged.filter((line) => /UNIQUE|unique constraint|duplicate key|query failed/i.test(line))).toEqual([]);
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });

    it('refuses files that are not audio with 415 and keeps nothing', async () => {
      for (const kind of ['text', 'png', 'random', 'empty'] as const) {
        const path = join(files, `${kind}.mp3`);
        await makeNonAudio(path, kind);
        const res = await upload(tree.staffA.token, path);
        expect([kind, res.status]).toEqual([kind, 415]);
        expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type', message: expect.stringContaining(`${kind}.mp3`) });
      }
      const video = join(files, 'no-sound.mp4');
      await makeVideoWithoutAudio(video);
      expect((await upload(tree.staffA.token, video)).status).toBe(415);
      const json = await t.http.post('/api/v1/segments').set(auth(tree.staffA.token)).send({ title: 'x', topic: 'x', language: 'vi' });
      expect(json.status).toBe(415);
      expect(await incoming()).toEqual([]);
    });

    it('answers 413 over LOA_MAX_UPLOAD_MB, whether the size shows while streaming or in Content-Length', async () => {
      const streamed = join(files, 'big.wav'); // over 2 MB, but within what the declared length lets through to be read
      await writeFile(streamed, Buffer.alloc(2.5 * 1024 * 1024, 1));
      const res = await upload(tree.staffA.token, streamed);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, message: expect.stringContaining('2 MB') });
      // Declared too large up front: refused on the headers, before a byte of the body.
      const declared = await postHeadersOnly(tree.staffA.token, 6 * 1024 * 1024);
      expect(declared).toMatchObject({ status: 413, body: { statusCode: 413, error: 'Payload Too Large' } });
      expect(await incoming()).toEqual([]);
      expect((t.app.getHttpServer() as Server).requestTimeout).toBe(uploadRequestTimeoutMs(2));
      // The connection stays usable after a refused upload.
      expect((await t.http.get(`/api/v1/segments/${speechId}`).set(auth(tree.staffA.token))).status).toBe(200);
    });

    it('names the bad field in a 400 and keeps nothing', async () => {
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ title: '' }, /title/],
        [{ language: 'Vietnamese' }, /language/],
        [{ validFrom: '2025-07-01T07:00:00' }, /validFrom.*offset/],
        [{ validUntil: 'soon' }, /validUntil/],
        [{ validFrom: '2025-07-01T00:00:00+07:00', validUntil: '2025-06-01T00:00:00+07:00' }, /validUntil must be after validFrom/],
        [{ colour: 'red' }, /colour should not exist/],
      ];
      const copy = join(files, 'fields.wav');
      await copyFile(speech, copy);
      for (const [fields, message] of cases) {
        const res = await upload(tree.staffA.token, copy, fields);
        expect([fields, res.status]).toEqual([fields, 400]);
        expect(JSON.stringify(res.body.message)).toMatch(message);
      }
      const missing = await t.http.post('/api/v1/segments').set(auth(tree.staffA.token)).field('title', 'x').field('topic', 'x').field('language', 'vi');
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/file/);
      const misnamed = await t.http.post('/api/v1/segments').set(auth(tree.staffA.token)).field('title', 'x').field('topic', 'x').field('language', 'vi').attach('audio', copy);
      expect(misnamed.status).toBe(400);
      expect(misnamed.body.message).toMatch(/"audio"/);
      const two = await upload(tree.staffA.token, copy).attach('file', speech);
      expect(two.status).toBe(400);
      expect(await incoming()).toEqual([]);
    });

    it('fails audio longer than LOA_MAX_SEGMENT_SEC, and silence, with a reason and no files left', async () => {
      const long = join(files, 'long.mp3');
      await makeSpeechLike(long, { seconds: 75, lufs: -20, sampleRate: 22050, format: 'mp3' });
      const silence = join(files, 'silence.wav');
      await makeSilence(silence, { seconds: 3, format: 'wav' });
      const cases: Array<[string, RegExp]> = [
        [long, /^the audio lasts 1 min 15(\.\d)? s; a segment may last at most 1 min$/],
        [silence, /silent audio/],
      ];
      for (const [path, reason] of cases) {
        const res = await upload(tree.staffA.token, path);
        expect(res.status).toBe(202);
        const failed = await settled(res.body.id);
        expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(reason), durationSec: null });
        // The worker removes the files just after it records the failure.
        const exists = (path: string) => stat(path).then(() => true, () => false);
        await waitUntil(async () => (await exists(storage.sourcePath(res.body.id))) || (await exists(storage.renditionPath(res.body.id))), (left) => !left, 10_000, 'the failed segment\'s files to be removed');
        expect((await t.http.get(`/api/v1/segments/${res.body.id}/audio`).set(auth(t.adminToken))).status).toBe(404);
        expect((await t.http.post(`/api/v1/segments/${res.body.id}/approve`).set(auth(tree.staffA.token))).status).toBe(409);
        // A failed upload does not block a corrected retry of the same file.
        expect((await upload(tree.staffA.token, path)).status).toBe(202);
      }
    });
  });

  describe('approval and retirement', () => {
    it('approves only ready segments, in the approver subtree', async () => {
      const processing = await orphanedUpload(new Date(), 11, topic());
      const early = await t.http.post(`/api/v1/segments/${processing}/approve`).set(auth(tree.staffA.token));
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: expect.stringMatching(/processing/) });

      const copy = join(files, 'approve.wav');
      await makeSpeechLike(copy, { seconds: 3, format: 'wav', seed: 12 });
      const id = (await uploadReady(tree.staffA.token, copy)).id as string;

      expect((await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(tree.operatorA.token))).status).toBe(403);
      expect((await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(tree.auditor.token))).status).toBe(403);
      expect((await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(tree.staffB.token))).status).toBe(404);
      const approved = await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(tree.staffA.token));
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ id, status: 'ready', approved: true, approvedAt: expect.stringMatching(/Z$/) });
      expect((await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(tree.staffA.token))).status).toBe(200);

      expect((await t.http.delete(`/api/v1/segments/${id}`).set(auth(tree.operatorA.token))).status).toBe(403);
      expect((await t.http.delete(`/api/v1/segments/${id}`).set(auth(tree.staffB.token))).status).toBe(404);
      const retired = await t.http.delete(`/api/v1/segments/${id}`).set(auth(tree.staffA.token));
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ id, status: 'retired', retiredAt: expect.stringMatching(/Z$/) });
      expect((await t.http.delete(`/api/v1/segments/${id}`).set(auth(tree.staffA.token))).body.status).toBe('retired');
      const late = await t.http.post(`/api/v1/segments/${id}/approve`).set(auth(t.adminToken));
      expect(late.status).toBe(409);
      expect(late.body.message).toMatch(/retired/);
      // Retired audio stays playable for the history of what aired; the source upload is gone.
      expect((await t.http.get(`/api/v1/segments/${id}/audio`).set(auth(tree.auditor.token))).status).toBe(200);
      await expect(stat(storage.sourcePath(id))).rejects.toThrow();
      expect((await stat(storage.renditionPath(id))).size).toBeGreaterThan(0);

      expect((await auditOf(id)).map((e) => [e.action, e.userId])).toEqual([
        ['segment.upload', tree.staffA.id], ['segment.approve', tree.staffA.id], ['segment.retire', tree.staffA.id],
      ]);
    });

    it('does not let a commune operator or an auditor upload', async () => {
      // These are refused before the body is read, and the connection may close with the answer: a
      // client still writing the body then fails with EPIPE instead of reading it. So the whole
      // request goes out in one write (a small multipart body, buffered, with its headers).
      const boundary = 'loa-refused-upload';
      const body = Buffer.from(
        [`--${boundary}`, 'content-disposition: form-data; name="title"', '', 'Thông báo', `--${boundary}`,
          'content-disposition: form-data; name="file"; filename="small.mp3"', 'content-type: audio/mpeg', '', 'text', `--${boundary}--`, ''].join('\r\n'),
      );
      const refused = (token?: string) => {
        const request = t.http.post('/api/v1/segments').set('content-type', `multipart/form-data; boundary=${boundary}`);
        return (token ? request.set(auth(token)) : request).send(body);
      };
      expect((await refused(tree.operatorA.token)).status).toBe(403);
      expect((await refused(tree.auditor.token)).status).toBe(403);
      expect((await refused()).status).toBe(401);
      expect(await incoming()).toEqual([]);
    });
  });

  describe('who sees which segment', () => {
    it('a segment serves its uploader subtree and is seen from above, never from other branches', async () => {
      const tag = topic();
      const provinceStaff = await createUser(t, 'district_staff', tree.province.id);
      const [ofDistrictA, ofProvince, ofEverywhere, ofDistrictB] = await Promise.all(
        [tree.staffA.token, provinceStaff.token, t.adminToken, tree.staffB.token].map(async (token, i) => {
          const path = join(files, `scope-${i}.wav`);
          await makeSpeechLike(path, { seconds: 2, format: 'wav', seed: 100 + i });
          const res = await upload(token, path, { topic: tag });
          expect(res.status).toBe(202);
          return res.body as { id: string; areaId: string | null };
        }),
      );
      expect(ofProvince.areaId).toBe(tree.province.id);
      expect(ofEverywhere.areaId).toBeNull();

      const listed = async (token: string) => {
        const res = await t.http.get(`/api/v1/segments?topic=${tag}`).set(auth(token));
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(res.body.items.length);
        return res.body.items.map((s: { id: string }) => s.id).sort();
      };
      const ids = (...segments: Array<{ id: string }>) => segments.map((s) => s.id).sort();
      expect(await listed(tree.operatorA.token)).toEqual(ids(ofDistrictA, ofProvince, ofEverywhere));
      expect(await listed(tree.staffA.token)).toEqual(ids(ofDistrictA, ofProvince, ofEverywhere));
      expect(await listed(tree.staffB.token)).toEqual(ids(ofDistrictB, ofProvince, ofEverywhere));
      expect(await listed(tree.auditor.token)).toEqual(ids(ofDistrictA, ofProvince, ofEverywhere, ofDistrictB));
      expect(await listed(t.adminToken)).toEqual(ids(ofDistrictA, ofProvince, ofEverywhere, ofDistrictB));

      expect((await t.http.get(`/api/v1/segments/${ofDistrictB.id}`).set(auth(tree.operatorA.token))).status).toBe(404);
      expect((await t.http.get(`/api/v1/segments/${ofDistrictB.id}/audio`).set(auth(tree.staffA.token))).status).toBe(404);
      // Seen from below, but not theirs to approve or retire.
      await settled(ofProvince.id);
      expect((await t.http.post(`/api/v1/segments/${ofProvince.id}/approve`).set(auth(tree.staffA.token))).status).toBe(403);
      expect((await t.http.delete(`/api/v1/segments/${ofEverywhere.id}`).set(auth(tree.staffA.token))).status).toBe(403);
      expect((await t.http.post(`/api/v1/segments/${ofProvince.id}/approve`).set(auth(provinceStaff.token))).status).toBe(200);
      for (const s of [ofDistrictA, ofEverywhere, ofDistrictB]) await settled(s.id);
    });

    it('filters by status, topic, language and approval, and pages', async () => {
      const tag = topic();
      const made = [];
      for (let i = 0; i < 3; i++) {
        const path = join(files, `filter-${i}.wav`);
        await makeSpeechLike(path, { seconds: 2, format: 'wav', seed: 200 + i });
        made.push(await uploadReady(tree.staffA.token, path, { topic: tag, language: i === 1 ? 'hmn' : 'vi' }));
      }
      await t.http.post(`/api/v1/segments/${made[0].id}/approve`).set(auth(tree.staffA.token)).expect(200);
      await t.http.delete(`/api/v1/segments/${made[2].id}`).set(auth(tree.staffA.token)).expect(200);
      const query = async (q: string) => (await t.http.get(`/api/v1/segments?topic=${tag}&${q}`).set(auth(tree.operatorA.token))).body;
      expect((await query('status=ready')).items.map((s: { id: string }) => s.id).sort()).toEqual([made[0].id, made[1].id].sort());
      expect((await query('status=ready&approved=true')).items.map((s: { id: string }) => s.id)).toEqual([made[0].id]);
      expect((await query('status=retired')).total).toBe(1);
      expect((await query('language=hmn')).items.map((s: { id: string }) => s.id)).toEqual([made[1].id]);
      const page = await query('limit=2&offset=2');
      expect(page).toMatchObject({ total: 3, items: [expect.objectContaining({ id: made[0].id })] }); // newest first
      for (const bad of ['status=gone', 'approved=maybe', 'limit=501']) {
        expect((await t.http.get(`/api/v1/segments?${bad}`).set(auth(tree.staffA.token))).status).toBe(400);
      }
      expect((await t.http.get('/api/v1/segments/not-a-uuid').set(auth(tree.staffA.token))).status).toBe(400);
      expect((await t.http.get('/api/v1/segments/00000000-0000-4000-8000-000000000000').set(auth(tree.staffA.token))).status).toBe(404);
    });
  });

  describe('recovery: the database is the source of truth', () => {
    it('re-queues processing segments whose job was lost, and reaps those processing too long', async () => {
      const lost = await orphanedUpload(new Date(), 301);
      const stuck = await orphanedUpload(new Date(Date.now() - 2 * 3600_000), 302);
      const stalePart = join(storage.incomingDir, 'crashed-upload.part');
      const livePart = join(storage.incomingDir, 'uploading-now.part');
      await writeFile(stalePart, 'x');
      await writeFile(livePart, 'x');
      const old = new Date(Date.now() - 2 * 3600_000);
      await utimes(stalePart, old, old);

      // Outcomes, not counts: the worker's own minute sweep may have got to some of it first.
      await t.app.get(TranscodeSweeper).sweep();
      expect(await settled(lost)).toMatchObject({ status: 'ready', error: null });
      expect(await settled(stuck)).toMatchObject({ status: 'failed', error: expect.stringMatching(/did not finish within 3600 s/) });
      await expect(stat(storage.sourcePath(stuck))).rejects.toThrow();
      expect(await incoming()).toEqual(['uploading-now.part']);
      await rm(livePart);
    });

    it('retries what is not the audio’s fault, and fails the segment only on the last attempt', async () => {
      const id = await orphanedUpload(new Date(), 401, topic());
      await rm(storage.sourcePath(id)); // an internal fault, unlike unreadable audio
      const processor = t.app.get(TranscodeProcessor);
      const attempt = (attemptsMade: number) => ({ data: { segmentId: id }, attemptsMade, opts: { attempts: 3 } }) as unknown as Job<TranscodeJob>;
      await expect(processor.process(attempt(0))).rejects.toThrow(/missing/); // BullMQ retries it with backoff
      expect((await t.http.get(`/api/v1/segments/${id}`).set(auth(t.adminToken))).body.status).toBe('processing');
      await expect(processor.process(attempt(2))).resolves.toBe('failed');
      expect(await settled(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/failed repeatedly/) });
      await expect(processor.process(attempt(2))).resolves.toBe('skipped'); // a late duplicate job changes nothing
    });

    it('sweeping again changes nothing (idempotent, several workers may sweep)', async () => {
      for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 200))) {
        const processing = await t.http.get('/api/v1/segments?status=processing').set(auth(t.adminToken));
        if (processing.body.total === 0) break;
        if (Date.now() - started > 60_000) throw new Error(`still processing: ${JSON.stringify(processing.body.items)}`);
      }
      const before = await t.http.get('/api/v1/segments?topic=recovery').set(auth(t.adminToken));
      expect(before.body.items.map((s: { status: string }) => s.status).sort()).toEqual(['failed', 'ready']);
      expect(await t.app.get(TranscodeSweeper).sweep()).toEqual({ requeued: 0, reaped: 0, partialsRemoved: 0 });
      const after = await t.http.get('/api/v1/segments?topic=recovery').set(auth(t.adminToken));
      expect(after.body).toEqual(before.body);
    });
  });
});
