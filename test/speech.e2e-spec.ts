import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { measureLufs, probeCli } from './helpers/audio.js';
import { areaTree, auth } from './helpers/fixtures.js';
import { waitUntil } from './helpers/waiting.js';

jest.setTimeout(120_000);

const BULLETIN = 'Từ ngày 01/7/2025, mức đóng BHXH tự nguyện thấp nhất là 330.000 đồng/tháng. Liên hệ 0912.345.678.';
const SPOKEN =
  'Từ ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm, mức đóng bảo hiểm xã hội tự nguyện thấp nhất là ba trăm ba mươi nghìn đồng một tháng. Liên hệ không chín một hai, ba bốn năm, sáu bảy tám.';

async function settled(t: TestApp, id: string): Promise<Record<string, any>> {
  const res = await waitUntil(() => t.http.get(`/api/v1/segments/${id}`).set(auth(t.adminToken)), (r) => r.body.status !== 'processing', 60_000, `segment ${id}`);
  return res.body;
}

/** Spoken bulletins (SPEC §10) through the real app, real espeak-ng and the real loudness chain. */
describe('speech: voices, preview, spoken segments', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
  });
  afterAll(() => t.close());

  it("lists espeak-ng's Vietnamese voices to every user", async () => {
    const res = await t.http.get('/api/v1/speech/voices').set(auth(tree.auditor.token));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { id: 'vi', language: 'vi', name: 'Vietnamese (Northern)', engine: 'espeak-ng' },
        { id: 'vi-vn-x-central', language: 'vi', name: 'Vietnamese (Central)', engine: 'espeak-ng' },
        { id: 'vi-vn-x-south', language: 'vi', name: 'Vietnamese (Southern)', engine: 'espeak-ng' },
      ]),
    );
  });

  it('previews the text exactly as it will be read, the southern voice the southern way', async () => {
    const res = await t.http.post('/api/v1/speech/preview').set(auth(tree.operatorA.token)).send({ text: BULLETIN, language: 'vi' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ spokenText: SPOKEN, voice: 'vi' });
    const south = await t.http.post('/api/v1/speech/preview').set(auth(tree.staffA.token)).send({ text: '1.005 hộ', language: 'vi-VN', voice: 'vi-vn-x-south' });
    expect(south.body).toEqual({ spokenText: 'một ngàn không trăm lẻ năm hộ', voice: 'vi-vn-x-south' });
  });

  it.each([
    [{ text: '   ', language: 'vi' }, /text is empty/],
    [{ text: 'x'.repeat(5001), language: 'vi' }, /text must be at most 5,000 characters/],
    [{ text: 'Xin chào', language: 'fr' }, /language: no voice reads fr/],
    [{ text: 'Xin chào', language: 'vi', voice: 'en-us' }, /voice: no voice en-us/],
    [{ text: '!!! ...', language: 'vi' }, /text: there is nothing to read/],
    [{ text: 'Xin chào', language: 'vi', extra: 1 }, /property extra should not exist/],
    [{ text: 42, language: 'vi' }, /text must be a string/],
  ])('refuses bad preview %# with a 400 naming the field', async (body, message) => {
    const res = await t.http.post('/api/v1/speech/preview').set(auth(tree.staffA.token)).send(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('lets auditors neither preview nor create, and commune operators not create', async () => {
    expect((await t.http.post('/api/v1/speech/preview').set(auth(tree.auditor.token)).send({ text: 'a', language: 'vi' })).status).toBe(403);
    const body = { text: 'Thông báo', title: 'TB', topic: 'test', language: 'vi' };
    expect((await t.http.post('/api/v1/segments/speech').set(auth(tree.operatorA.token)).send(body)).status).toBe(403);
    expect((await t.http.post('/api/v1/segments/speech').send(body)).status).toBe(401);
  });

  it('plays the preview through the broadcast loudness chain', async () => {
    const res = await t.http
      .post('/api/v1/speech/preview/audio')
      .set(auth(tree.staffA.token))
      .send({ text: 'Ủy ban nhân dân xã thông báo: lúc 7h30 sáng mai tiêm chủng tại trạm y tế.', language: 'vi', voice: 'vi-vn-x-central' })
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    const file = join(t.dir, 'preview.mp3');
    await writeFile(file, res.body as Buffer);
    const probe = await probeCli(file);
    expect(probe.audio[0]).toMatchObject({ codec: 'mp3', channels: 1, sampleRate: 44100 });
    expect(probe.durationSec).toBeGreaterThan(3);
    const loudness = await measureLufs(file);
    expect(Math.abs(loudness.integratedLufs + 16)).toBeLessThanOrEqual(1.5);
    expect(loudness.truePeakDbtp).toBeLessThanOrEqual(-1);
  });

  it('turns text into a ready segment with the same lifecycle, rendition and duplicate check as an upload', async () => {
    const body = { text: BULLETIN, title: 'Mức đóng BHXH tự nguyện', topic: 'social-insurance', language: 'vi', validUntil: '2030-01-01T00:00:00+07:00' };
    const res = await t.http.post('/api/v1/segments/speech').set(auth(tree.staffA.token)).send(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'processing', source: 'speech', text: BULLETIN, voice: 'vi', spokenText: SPOKEN, language: 'vi', approved: false, validUntil: '2029-12-31T17:00:00.000Z' });

    const again = await t.http.post('/api/v1/segments/speech').set(auth(tree.staffB.token)).send({ ...body, title: 'again', voice: 'vi' });
    expect(again.status).toBe(409);
    expect(again.body.existingId).toBe(res.body.id);

    const ready = await settled(t, res.body.id);
    expect(ready).toMatchObject({ status: 'ready', error: null, source: 'speech' });
    expect(ready.durationSec).toBeGreaterThan(8);
    const audio = await t.http.get(`/api/v1/segments/${res.body.id}/audio`).set(auth(tree.operatorA.token)).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const file = join(t.dir, 'speech.mp3');
    await writeFile(file, audio.body as Buffer);
    const loudness = await measureLufs(file);
    expect(Math.abs(loudness.integratedLufs + 16)).toBeLessThanOrEqual(1.5);
    expect(loudness.truePeakDbtp).toBeLessThanOrEqual(-1);

    const approved = await t.http.post(`/api/v1/segments/${res.body.id}/approve`).set(auth(tree.staffA.token));
    expect(approved.body).toMatchObject({ status: 'ready', approved: true });
    const audit = await t.http.get('/api/v1/audit?action=segment.speech').set(auth(t.adminToken));
    expect(audit.body.items.some((e: { resourceId: string }) => e.resourceId === res.body.id)).toBe(true);

    // Another voice reading the same text is other audio.
    const south = await t.http.post('/api/v1/segments/speech').set(auth(tree.staffA.token)).send({ ...body, voice: 'vi-vn-x-south' });
    expect(south.status).toBe(202);
    expect(south.body.spokenText).toContain('ba trăm ba mươi ngàn đồng');
  });

  it('refuses bad segment bodies with 400s naming the field', async () => {
    const base = { text: 'Thông báo', title: 'TB', topic: 'test', language: 'vi' };
    for (const [body, message] of [
      [{ ...base, text: '' }, /text is empty/],
      [{ ...base, text: 'a'.repeat(5001) }, /at most 5,000 characters/],
      [{ ...base, language: 'hmn' }, /language: no voice reads hmn/],
      [{ ...base, voice: 'nobody' }, /voice: no voice nobody/],
      [{ ...base, title: undefined }, /title/],
      [{ ...base, validFrom: '2026-02-01T00:00:00+07:00', validUntil: '2026-01-01T00:00:00+07:00' }, /validUntil must be after validFrom/],
    ] as const) {
      const res = await t.http.post('/api/v1/segments/speech').set(auth(tree.staffA.token)).send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
  });
});

/** LOA_TTS_COMMAND: another local engine through a command-line template, never through a shell. */
describe('speech: an engine plugged in by LOA_TTS_COMMAND', () => {
  let t: TestApp;
  let staff: Awaited<ReturnType<typeof areaTree>>['staffA'];

  afterEach(() => t?.close());

  it('reads the text from a file, and no shell ever sees it', async () => {
    t = await startTestApp({ LOA_TTS_COMMAND: 'espeak-ng -v vi-vn-x-south -w {out} -f {text_file}' });
    staff = (await areaTree(t)).staffA;
    const voices = await t.http.get('/api/v1/speech/voices').set(auth(staff.token));
    expect(voices.body.items[0]).toEqual({ id: 'espeak-ng', language: 'vi', name: 'espeak-ng (LOA_TTS_COMMAND)', engine: 'command' });

    const marker = join(t.dir, 'shell-ran');
    const text = `Thông báo $(touch ${marker}) \`touch ${marker}\`; touch ${marker} | tee ${marker}`;
    const res = await t.http.post('/api/v1/segments/speech').set(auth(staff.token)).send({ text, title: 'TB', topic: 'test', language: 'vi' });
    expect(res.status).toBe(202);
    expect(res.body.voice).toBe('espeak-ng'); // the configured engine is the language's first voice
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'ready' });
    expect(existsSync(marker)).toBe(false);
  });

  it('fails the segment with a reason when the engine writes nothing', async () => {
    t = await startTestApp({ LOA_TTS_COMMAND: 'espeak-ng --no-such-option {out}', LOA_TTS_COMMAND_LANGUAGE: 'vi-VN' });
    staff = (await areaTree(t)).staffA;
    const res = await t.http.post('/api/v1/segments/speech').set(auth(staff.token)).send({ text: 'Thông báo', title: 'TB', topic: 'test', language: 'vi', voice: 'espeak-ng' });
    expect(res.status).toBe(202);
    expect(await settled(t, res.body.id)).toMatchObject({ status: 'failed', error: 'the command engine wrote no audio' });
    // The built-in voices stay available beside it.
    const builtIn = await t.http.post('/api/v1/segments/speech').set(auth(staff.token)).send({ text: 'Thông báo', title: 'TB', topic: 'test', language: 'vi', voice: 'vi' });
    expect(await settled(t, builtIn.body.id)).toMatchObject({ status: 'ready' });
  });
});
