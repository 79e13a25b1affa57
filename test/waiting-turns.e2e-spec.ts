import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../src/audit/audit-entry.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { capXml } from './helpers/cap.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { SseClient } from './helpers/sse.js';
import { waitUntil } from './helpers/waiting.js';

jest.setTimeout(120_000);

type Sent = { id: string; status: string; startsAt: string; endsAt: string; reason: string | null; onAirAt: string | null };
type Item = { broadcastId: string; startsAt: string; endsAt: string };

/**
 * SPEC §14 seen from the operator who stops a wrong emergency: the real one waiting behind it does not
 * go on waiting. A cut-in waiting for its turn moves up when what it waits for is stopped, cancelled or
 * withdrawn: its new startsAt, its receivers told, the move audited, never two at once on a speaker.
 */
describe('cut-ins waiting for their turn move up', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let clip: { id: string };

  const emergency = async (areaId: string, title: string) => {
    const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId, segmentIds: [clip.id], title });
    if (res.status !== 201) throw new Error(`emergency: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Sent;
  };
  const stop = (id: string) => t.http.post(`/api/v1/broadcasts/${id}/stop`).set(auth(t.adminToken));
  const get = async (id: string) => (await t.http.get(`/api/v1/broadcasts/${id}`).set(auth(t.adminToken))).body as Sent;
  const queue = async (deviceToken: string) => (await t.http.get('/api/v1/device/queue').set(auth(deviceToken)).expect(200)).body.items as Item[];
  /** A district with two communes and a speaker in each, that no other test's emergency holds. */
  const district = async () => {
    const d = await createArea(t, t.adminToken, { kind: 'district', parentId: tree.province.id });
    const [east, west] = [await createArea(t, t.adminToken, { kind: 'commune', parentId: d.id }), await createArea(t, t.adminToken, { kind: 'commune', parentId: d.id })];
    return { district: d, east, west, s1: await createSpeaker(t, t.adminToken, east.id), s2: await createSpeaker(t, t.adminToken, west.id) };
  };
  const moves = (id: string) => t.app.get(DataSource).getRepository(AuditEntryEntity).findBy({ action: 'broadcast.move_up', resourceId: id });
  const expectOneAtATime = (items: Item[]) => {
    const sorted = [...items].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    for (let i = 1; i < sorted.length; i++) expect(Date.parse(sorted[i - 1].endsAt)).toBeLessThanOrEqual(Date.parse(sorted[i].startsAt));
  };

  beforeAll(async () => {
    t = await startTestApp({ LOA_RECEIPT_GRACE_SEC: '1' });
    tree = await areaTree(t);
    clip = await createReadySegment(t, { areaId: tree.province.id, durationSec: 120 });
  });
  afterAll(() => t.close());

  it('stopping the emergency on air puts the one waiting behind it on the air at once, the one behind that after it; receivers are told, moves audited', async () => {
    const { district: d, east, s1 } = await district();
    const wrong = await emergency(d.id, 'Nhầm');
    const real = await emergency(east.id, 'Lũ quét');
    const after = await emergency(d.id, 'Sạt lở');
    expect(wrong.status).toBe('on_air');
    expect(real).toMatchObject({ status: 'scheduled', startsAt: wrong.endsAt });
    expect(after).toMatchObject({ status: 'scheduled', startsAt: real.endsAt });

    const stream = await SseClient.connect(t.url, s1.deviceToken);
    try {
      await stream.next((e) => e.event === 'hello');
      const stoppedAt = Date.now();
      expect((await stop(wrong.id)).status).toBe(200);

      const moved = await get(real.id);
      expect(Date.parse(moved.startsAt)).toBeGreaterThanOrEqual(stoppedAt - 1000);
      expect(Date.parse(moved.startsAt)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(moved.endsAt) - Date.parse(moved.startsAt)).toBe(120_000);
      expect(moved.reason).toBeNull();
      const pushed = await stream.next((e) => e.event === 'broadcast' && (e.data as Item).broadcastId === real.id);
      expect(pushed.data).toMatchObject({ broadcastId: real.id, startsAt: moved.startsAt, endsAt: moved.endsAt });
      expect(await waitUntil(() => get(real.id), (b) => b.status !== 'scheduled', 10_000, 'the real emergency on air')).toMatchObject({ status: 'on_air', onAirAt: expect.any(String) });

      const behind = await get(after.id);
      expect(behind).toMatchObject({ status: 'scheduled', startsAt: moved.endsAt, reason: expect.stringContaining(real.id) });
      expect((await stream.next((e) => e.event === 'broadcast' && (e.data as Item).broadcastId === after.id)).data).toMatchObject({ startsAt: moved.endsAt });
    } finally {
      stream.close();
    }

    expect((await queue(s1.deviceToken)).map((i) => i.broadcastId).sort()).toEqual([real.id, after.id].sort());
    expectOneAtATime(await queue(s1.deviceToken));
    const [audited] = await moves(real.id);
    expect(audited.details).toMatchObject({ from: real.startsAt, startsAt: (await get(real.id)).startsAt, freedBy: [wrong.id], waitsFor: [] });
    expect((await moves(after.id))[0].details).toMatchObject({ from: after.startsAt, waitsFor: [real.id] });
  });

  it('cancelling one that waits moves those behind it up to the end of what still holds the speakers', async () => {
    const { district: d, west, s2 } = await district();
    const first = await emergency(d.id, 'Bão');
    const second = await emergency(west.id, 'Lũ');
    const third = await emergency(d.id, 'Lốc');
    expect((await stop(second.id)).body).toMatchObject({ status: 'cancelled' });
    expect(await get(third.id)).toMatchObject({ status: 'scheduled', startsAt: first.endsAt, reason: expect.stringContaining(first.id) });
    expect(await get(first.id)).toMatchObject({ status: 'on_air', startsAt: first.startsAt });
    expectOneAtATime(await queue(s2.deviceToken));
  });

  it('moves a waiting one once: stopping again (409) moves nothing more', async () => {
    const { district: d, east } = await district();
    const first = await emergency(d.id, 'Bão');
    const second = await emergency(east.id, 'Lũ');
    expect((await stop(first.id)).status).toBe(200);
    const moved = await get(second.id);
    expect((await stop(first.id)).status).toBe(409);
    expect(await get(second.id)).toMatchObject({ startsAt: moved.startsAt });
    expect(await moves(second.id)).toHaveLength(1);
  });

  it('stays one at a time when a stop and a new emergency race', async () => {
    for (let round = 0; round < 2; round++) {
      const { district: d, east, west, s1, s2 } = await district();
      const onAir = await emergency(d.id, 'Bão');
      const waiting = await emergency(east.id, 'Lũ');
      const [stopped, sent] = await Promise.all([stop(onAir.id), t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId: west.id, segmentIds: [clip.id], title: 'Sạt lở' })]);
      expect([stopped.status, sent.status]).toEqual([200, 201]);
      expect(Date.parse((await get(waiting.id)).startsAt)).toBeLessThan(Date.parse(waiting.startsAt));
      expectOneAtATime(await queue(s1.deviceToken));
      expectOneAtATime(await queue(s2.deviceToken));
    }
  });

  it('an alert taken off the air lets the emergency waiting behind it on', async () => {
    const { east } = await district();
    const alert = await t.http.post('/api/v1/alerts').set(auth(t.adminToken)).set('content-type', 'application/cap+xml')
      .send(capXml({ identifier: `TURN-${process.pid}`, geocodes: [['LOA', east.code]] }));
    expect(alert.body).toMatchObject({ outcome: 'on_air' });
    const waiting = await emergency(east.id, 'Lũ quét');
    expect(waiting).toMatchObject({ status: 'scheduled', reason: expect.stringContaining(alert.body.broadcastIds[0]) });
    expect((await t.http.post(`/api/v1/alerts/${alert.body.id}/stop`).set(auth(t.adminToken))).status).toBe(200);
    expect(await waitUntil(() => get(waiting.id), (b) => b.status === 'on_air', 10_000, 'the emergency on air')).toMatchObject({ reason: null });
    expect((await moves(waiting.id))[0].details).toMatchObject({ freedBy: alert.body.broadcastIds });
  });
});
