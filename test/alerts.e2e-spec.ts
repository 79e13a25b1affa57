import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeSpeechLike } from './helpers/audio.js';
import { capTime, capXml, type CapFields } from './helpers/cap.js';
import { areaTree, auth, createArea, createSpeaker, createUser } from './helpers/fixtures.js';

jest.setTimeout(180_000);

/** CAP 1.2 alerts (SPEC §11) through the real app: real espeak-ng, ffmpeg, database and queues. */
describe('alerts: CAP 1.2 on the air', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let source: Awaited<ReturnType<typeof createUser>>;
  let counter = 0;
  const id = () => `T-${process.pid}-${++counter}`;
  const HOUR = 3600_000;

  beforeAll(async () => {
    t = await startTestApp({ LOA_ALERT_REPEAT: '2', LOA_ALERT_MAX_MB: '1' });
    tree = await areaTree(t);
    source = await createUser(t, 'alert_source', tree.districtA.id);
    await createSpeaker(t, t.adminToken, tree.communeA.id);
    await createSpeaker(t, t.adminToken, tree.communeB.id);
  });
  afterAll(() => t.close());

  const post = (xml: string, token = source.token, type = 'application/cap+xml') =>
    t.http.post('/api/v1/alerts').set(auth(token)).set('content-type', type).send(xml);
  const codeA = () => [['LOA', tree.communeA.code]] as Array<[string, string]>;
  const message = (fields: Partial<CapFields> = {}) => capXml({ identifier: id(), geocodes: codeA(), ...fields });
  /** A commune of its own (with a speaker), so that no other test's alert holds its speakers (SPEC §14). */
  const freshCommune = async () => {
    const commune = await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id });
    return { commune, speaker: await createSpeaker(t, t.adminToken, commune.id), geocodes: [['LOA', commune.code]] as Array<[string, string]> };
  };
  const broadcast = async (broadcastId: string) => (await t.http.get(`/api/v1/broadcasts/${broadcastId}`).set(auth(t.adminToken))).body;
  const allBroadcasts = async () => (await t.http.get('/api/v1/broadcasts?limit=500').set(auth(t.adminToken))).body.items as Array<{ id: string }>;

  it('puts an Immediate alert on the air at once, in speech after the attention signal, and answers a replay with the same alert', async () => {
    const { commune, speaker } = await freshCommune();
    const xml = message({ instruction: 'Gọi 113 khi cần. Liên hệ BHXH huyện.', geocodes: [['VN-DVHC', commune.code]] });
    const res = await post(xml);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      identifier: expect.stringMatching(/^T-/), sender: 'kttv@example.vn', msgType: 'Alert', status: 'Actual', areaIds: [commune.id], areas: [{ id: commune.id, name: commune.name, code: commune.code }], outcome: 'on_air',
    });
    expect(res.body.broadcastIds).toHaveLength(1);
    const aired = await broadcast(res.body.broadcastIds[0]);
    expect(aired).toMatchObject({ status: 'on_air', priority: 'emergency', repeat: 2, gapSec: 10, areaId: commune.id, title: 'Tin bão khẩn cấp' });
    expect(aired.segmentIds).toEqual(res.body.segmentIds);
    const [signal, speech] = await Promise.all(res.body.segmentIds.map(async (s: string) => (await t.http.get(`/api/v1/segments/${s}`).set(auth(t.adminToken))).body));
    expect(signal).toMatchObject({ status: 'ready', topic: 'alert-signal', approved: true });
    expect(signal.durationSec).toBeGreaterThan(1.5);
    expect(signal.durationSec).toBeLessThan(2.5);
    expect(speech).toMatchObject({ status: 'ready', source: 'speech', approved: true, topic: 'alert', language: 'vi-VN' });
    expect(speech.spokenText).toContain('Gọi một một ba khi cần');
    expect(speech.spokenText).toContain('bảo hiểm xã hội huyện');

    const queue = await t.http.get('/api/v1/device/queue').set(auth(speaker.deviceToken));
    expect(queue.body.items.map((i: { broadcastId: string }) => i.broadcastId)).toContain(aired.id);

    const replay = await post(xml);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(res.body.id);
    expect(replay.body.broadcastIds).toEqual(res.body.broadcastIds);

    const detail = await t.http.get(`/api/v1/alerts/${res.body.id}`).set(auth(tree.auditor.token));
    expect(detail.status).toBe(200);
    expect(detail.body.broadcasts).toEqual([expect.objectContaining({ id: aired.id, counts: expect.objectContaining({ targeted: 1 }) })]);
    const audit = await t.http.get('/api/v1/audit?action=alert.receive').set(auth(t.adminToken));
    expect(audit.body.items.some((e: { resourceId: string }) => e.resourceId === res.body.id)).toBe(true);
  });

  it('reads a time in Z as UTC (CAP forbids the designator, but refusing a real warning over it is worse), and refuses one with no zone', async () => {
    const { geocodes } = await freshCommune();
    const expires = new Date(Math.floor(Date.now() / 1000) * 1000 + HOUR);
    const utc = `${expires.toISOString().slice(0, 19)}Z`;
    const res = await post(message({ geocodes, expires }).replace(capTime(expires), utc));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'on_air', expires: expires.toISOString() });
    const zoneless = await post(message({ geocodes, expires }).replace(capTime(expires), utc.slice(0, -1)));
    expect(zoneless.status).toBe(400);
    expect(zoneless.body.message).toMatch(/^alert\/info\[1\]\/expires: .*a time zone is required/);
  });

  it('schedules a non-urgent alert as a priority broadcast at its onset, and nothing after expires', async () => {
    const onset = new Date(Date.now() + 2 * HOUR);
    const res = await post(message({ urgency: 'Expected', severity: 'Severe', onset, expires: new Date(onset.getTime() + HOUR) }));
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('scheduled');
    const scheduled = await broadcast(res.body.broadcastIds[0]);
    expect(scheduled).toMatchObject({ status: 'scheduled', priority: 'priority', repeat: 2 });
    expect(new Date(scheduled.startsAt).getTime()).toBe(Math.floor(onset.getTime() / 1000) * 1000);
    const speech = (await t.http.get(`/api/v1/segments/${res.body.segmentIds[1]}`).set(auth(t.adminToken))).body;
    expect(new Date(speech.validUntil).getTime()).toBe(Math.floor((onset.getTime() + HOUR) / 1000) * 1000);
  });

  it('plays an inline audio resource, and refuses one whose digest does not match', async () => {
    const file = join(t.dir, 'alert.mp3');
    await makeSpeechLike(file, { seconds: 3, format: 'mp3' });
    const bytes = await readFile(file);
    const { geocodes } = await freshCommune();
    const res = await post(message({ geocodes, audio: { base64: bytes.toString('base64'), digest: createHash('sha1').update(bytes).digest('hex') } }));
    expect(res.status).toBe(201);
    const own = (await t.http.get(`/api/v1/segments/${res.body.segmentIds[1]}`).set(auth(t.adminToken))).body;
    expect(own).toMatchObject({ status: 'ready', source: 'upload', text: null });
    expect(Math.abs(own.durationSec - 3)).toBeLessThan(0.2);
    const bad = await post(message({ audio: { base64: bytes.toString('base64'), digest: 'ab'.repeat(20) } }));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('alert/info[1]/resource[1]/digest: does not match the SHA-1 of the audio');
  });

  it('replaces an alert by its Update and cancels one by its Cancel', async () => {
    const { commune, geocodes } = await freshCommune();
    const first = await post(message({ geocodes }));
    expect((await broadcast(first.body.broadcastIds[0])).status).toBe('on_air');
    const update = await post(message({ geocodes, msgType: 'Update', references: `kttv@example.vn,${first.body.identifier},${capTime(new Date())}`, headline: 'Cập nhật' }));
    expect(update.status).toBe(201);
    expect(update.body.outcome).toBe('on_air');
    expect((await broadcast(first.body.broadcastIds[0])).status).toBe('stopped');
    expect((await broadcast(update.body.broadcastIds[0])).status).toBe('on_air');
    expect((await t.http.get(`/api/v1/alerts/${first.body.id}`).set(auth(t.adminToken))).body).toMatchObject({ outcome: 'replaced' });

    const cancel = await post(capXml({ identifier: id(), msgType: 'Cancel', references: `kttv@example.vn,${update.body.identifier},${capTime(new Date())}`, noInfo: true }));
    expect(cancel.status).toBe(201);
    expect(cancel.body).toMatchObject({ msgType: 'Cancel', outcome: 'cancel', broadcastIds: [], areaIds: [commune.id] });
    expect((await broadcast(update.body.broadcastIds[0])).status).toBe('stopped');
    expect((await t.http.get(`/api/v1/alerts/${update.body.id}`).set(auth(t.adminToken))).body).toMatchObject({ outcome: 'cancelled' });
  });

  it('stores Exercise and Test messages, audited, and never airs them', async () => {
    for (const status of ['Exercise', 'Test']) {
      const res = await post(message({ status }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status, outcome: 'not_aired', broadcastIds: [], areaIds: [tree.communeA.id] });
    }
  });

  it('never airs a wrong or hostile message', async () => {
    const before = (await allBroadcasts()).length;
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol9;</alert>`;
    const cases: Array<[string, () => Promise<{ status: number; body: { message: string } }>, number, RegExp]> = [
      ['an XML bomb', () => post(bomb), 400, /DOCTYPE or entity declaration is not allowed/],
      ['an external entity', () => post(message().replace('<alert ', '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert ')), 400, /DOCTYPE/],
      ['a huge message', () => post(message({ description: 'mưa lớn '.repeat(200_000) })), 413, /.+/],
      ['a past expiry', () => post(message({ expires: new Date(Date.now() - HOUR) })), 400, /^alert\/info\[1\]\/expires: the alert expired at /],
      ['an unknown area', () => post(message({ geocodes: [['LOA', 'NO-SUCH-AREA']] })), 400, /^alert\/info\[1\]\/area\[1\]\/geocode\[1\]\/value: no area has the code NO-SUCH-AREA/],
      ['no area geocode', () => post(message({ geocodes: [['FIPS6', '123']] })), 400, /^alert\/info\[1\]\/area: names no area/],
      ['an area outside the source', () => post(message({ geocodes: [['LOA', tree.communeB.code]] })), 403, /area .* is outside your area/],
      ['a Draft', () => post(message({ status: 'Draft' })), 400, /^alert\/status: Draft messages are not accepted/],
      ['a language without a voice', () => post(message({ language: 'fr-FR' })), 400, /^alert\/info\[1\]\/language: nothing playable/],
      ['nothing to read', () => post(message({ headline: '', description: '' }).replace('<headline></headline>', '')), 400, /nothing playable/],
      ['bad CAP', () => post(message().replace('<urgency>Immediate', '<urgency>Now')), 400, /^alert\/info\[1\]\/urgency: "Now" is not one of/],
      ['an Update of nothing', () => post(message({ msgType: 'Update' })), 400, /^alert\/references: an Update must name/],
      ['JSON', () => post('{"alert":1}', source.token, 'application/json'), 415, /application\/cap\+xml/],
    ];
    for (const [what, send, status, problem] of cases) {
      const res = await send();
      expect([what, res.status]).toEqual([what, status]);
      expect([what, String(res.body.message)]).toEqual([what, expect.stringMatching(problem)]);
    }
    expect((await allBroadcasts()).length).toBe(before);
    const refusals = await t.http.get('/api/v1/audit?action=alert.refuse&limit=100').set(auth(t.adminToken));
    expect(refusals.body.items.length).toBeGreaterThanOrEqual(cases.length - 2); // 413 and 415 never reach the service
  });

  it('lets an alert source post alerts and nothing else, and lists alerts to staff and auditors in scope', async () => {
    for (const path of ['/api/v1/segments', '/api/v1/alerts', '/api/v1/areas', '/api/v1/broadcasts']) {
      expect([path, (await t.http.get(path).set(auth(source.token))).status]).toEqual([path, 403]);
    }
    expect((await post(message(), tree.operatorA.token)).status).toBe(403);
    const mine = await t.http.get('/api/v1/alerts').set(auth(tree.staffA.token));
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBeGreaterThan(0);
    const other = await t.http.get('/api/v1/alerts').set(auth(tree.staffB.token));
    expect(other.body.total).toBe(0);
    const first = mine.body.items[0];
    expect((await t.http.get(`/api/v1/alerts/${first.id}`).set(auth(tree.staffB.token))).status).toBe(404);
    const future = await t.http.get(`/api/v1/alerts?from=${encodeURIComponent(new Date(Date.now() + HOUR).toISOString())}`).set(auth(t.adminToken));
    expect(future.body.total).toBe(0);
  });

  it('stops an alert everywhere from the console', async () => {
    const { geocodes } = await freshCommune();
    const res = await post(message({ geocodes }));
    const stopped = await t.http.post(`/api/v1/alerts/${res.body.id}/stop`).set(auth(tree.staffA.token));
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ outcome: 'stopped', broadcasts: [expect.objectContaining({ status: 'stopped' })] });
    expect((await t.http.post(`/api/v1/alerts/${res.body.id}/stop`).set(auth(tree.staffB.token))).status).toBe(404);
  });
});
