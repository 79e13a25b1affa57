import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DeviceApi } from '../receiver/src/protocol/api.js';
import type { ReceiverEvent } from '../receiver/src/protocol/events.js';
import { Outbox } from '../receiver/src/protocol/outbox.js';
import { ReceiptSender } from '../receiver/src/protocol/receipt-sender.js';
import { ServerClock } from '../receiver/src/protocol/clock.js';
import { Receiver } from '../receiver/src/protocol/receiver.js';
import { ChecksumCache, MemoryOutboxStore, ReceiverFleet, SimulatedPlayer, type FleetOptions } from '../src/cli/receiver-fleet.js';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ffmpegCli } from './helpers/audio.js';
import { areaPath, deliveryOf, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { FlakyProxy } from './helpers/flaky-proxy.js';
import { waitUntil } from './helpers/waiting.js';

/** The receiver simulator (src/cli, on the receiver's protocol core) against a real server. */
describe('receiver simulator', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let communePath: string;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    communePath = await areaPath(t, tree.communeA.id);
  });
  afterAll(() => t.close());

  /** A ready segment whose rendition is a real MP3; `wrongSha` makes the queue advertise a bad checksum. */
  async function segmentWithAudio(seconds = 3, wrongSha = false) {
    const id = randomUUID();
    const path = t.app.get(AudioStorage).renditionPath(id);
    await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=660:duration=${seconds}`, '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', path]);
    const sha = createHash('sha256').update(await readFile(path)).digest('hex');
    return insertSegment(t, { id, areaId: tree.province.id, areaPath: await areaPath(t, tree.province.id), durationSec: seconds, renditionSha256: wrongSha ? 'f'.repeat(64) : sha });
  }

  /** An on-air broadcast starting `inMs` from now, with a pending delivery for each speaker. */
  async function broadcastFor(speakers: Array<{ id: string }>, segment: { id: string; durationSec: number | null }, inMs: number, repeat = 2) {
    const broadcast = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communePath, status: 'on_air', startsAt: new Date(Date.now() + inMs), segments: [segment], repeat, gapSec: 1 });
    for (const s of speakers) await insertDelivery(t, { broadcastId: broadcast.id, speakerId: s.id, communeId: tree.communeA.id });
    return broadcast;
  }

  const fleetOptions = (tokens: string[], extra: Partial<FleetOptions>): FleetOptions => ({
    base: t.url, tokens, pollSec: 1, speed: 60, failRate: 0, offlineRate: 0, durationSec: 4, batch: 100, ...extra,
  });

  it('plays on time and reports; offline receivers play from their cache and report late or never', async () => {
    const speakers = [];
    for (let i = 0; i < 4; i++) speakers.push(await createSpeaker(t, t.adminToken, tree.communeA.id));
    const segment = await segmentWithAudio();
    const broadcast = await broadcastFor(speakers, segment, 2500);

    // The first half lose the network once their audio is cached: [0] comes back at the end, [1] never does.
    const stats = await new ReceiverFleet(fleetOptions(speakers.map((s) => s.deviceToken), { offlineRate: 0.5, durationSec: 5 })).run();

    expect(stats).toMatchObject({ downloads: 4, checksumMismatches: 0, plays: 4, failures: 0, accepted: 3, duplicates: 0, refused: 0, unsent: 1 });
    for (const s of [speakers[0], speakers[2], speakers[3]]) {
      const delivery = await deliveryOf(t, broadcast.id, s.id);
      expect(delivery?.status).toBe('played');
      // It waited for startsAt, then played 2 x 3 s + 1 s gap at x60 (~117 ms).
      expect(delivery!.startedAt!.getTime()).toBeGreaterThanOrEqual(broadcast.startsAt.getTime() - 50);
      expect(delivery!.finishedAt!.getTime() - delivery!.startedAt!.getTime()).toBeGreaterThanOrEqual(100);
    }
    expect((await deliveryOf(t, broadcast.id, speakers[1].id))?.status).toBe('pending');
  }, 60_000);

  it('reports failures: player faults, and audio that never matches its checksum once its slot is over', async () => {
    const [a, b] = [await createSpeaker(t, t.adminToken, tree.communeA.id), await createSpeaker(t, t.adminToken, tree.communeA.id)];
    const good = await segmentWithAudio();
    const faulty = await broadcastFor([a], good, 1000);
    const stats = await new ReceiverFleet(fleetOptions([a.deviceToken], { failRate: 1, durationSec: 3 })).run();
    expect(stats).toMatchObject({ plays: 1, failures: 1, accepted: 1 });
    expect(await deliveryOf(t, faulty.id, a.id)).toMatchObject({ status: 'failed', error: 'simulated amplifier fault' });

    const corrupt = await segmentWithAudio(2, true);
    const mismatched = await broadcastFor([b], corrupt, 500, 1);
    const second = await new ReceiverFleet(fleetOptions([b.deviceToken], { durationSec: 5 })).run();
    expect(second.checksumMismatches).toBeGreaterThanOrEqual(2); // fetched again after the first mismatch
    expect(second).toMatchObject({ plays: 0, failures: 1, accepted: 1 });
    expect(await deliveryOf(t, mismatched.id, b.id)).toMatchObject({ status: 'failed', error: 'audio checksum mismatch' });
  }, 60_000);

  // Issue #13 item 4: an emergency reached 10 of 51 simulated receivers. They all learned it, but those
  // whose next poll came after its (short) end skipped it without a receipt. An emergency learned late
  // plays at once, whole (SPEC §8), and every receiver reports it.
  it('an emergency reaches every receiver, even those that learn it after its end', async () => {
    const speakers = [];
    for (let i = 0; i < 6; i++) speakers.push(await createSpeaker(t, t.adminToken, tree.communeA.id));
    const clip = await segmentWithAudio(2);
    const fleet = new ReceiverFleet(fleetOptions(speakers.map((s) => s.deviceToken), { pollOnly: true, pollSec: 8, durationSec: 16 }));
    const running = fleet.run();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const res = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId: tree.communeA.id, segmentIds: [clip.id], title: 'Lũ quét' });
    expect(res.status).toBe(201);
    const stats = await running;
    const statuses = await Promise.all(speakers.map(async (s) => (await deliveryOf(t, res.body.id, s.id))?.status));
    expect(statuses).toEqual(speakers.map(() => 'played'));
    expect(stats).toMatchObject({ plays: 6, failures: 0, accepted: 6, unsent: 0 });
  }, 60_000);

  it('drops a receipt the server refuses for good (not addressed to it) and sends the rest of the batch', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const segment = await segmentWithAudio(1);
    const own = await broadcastFor([speaker], segment, -5000, 1);
    const elsewhere = await insertBroadcast(t, { areaId: tree.communeB.id, areaPath: await areaPath(t, tree.communeB.id), status: 'on_air', startsAt: new Date(Date.now() - 5000), segments: [segment] });
    // Its deliveries written, as dispatch leaves it (one without any is still being filled in: 409, send again).
    const there = await createSpeaker(t, t.adminToken, tree.communeB.id);
    await insertDelivery(t, { broadcastId: elsewhere.id, speakerId: there.id, communeId: tree.communeB.id });
    const outbox = await Outbox.open(new MemoryOutboxStore(), Date.now());
    const startedAt = new Date(Date.now() - 4000).toISOString();
    for (const broadcastId of [elsewhere.id, own.id]) await outbox.add({ broadcastId, status: 'played', startedAt, finishedAt: new Date().toISOString() }, Date.now());
    const events: ReceiverEvent[] = [];
    await new ReceiptSender(new DeviceApi({ server: t.url, token: () => speaker.deviceToken }), outbox, (event) => events.push(event)).sendAll();

    expect(outbox.size).toBe(0);
    expect(events.map((e) => [e.event, e.broadcastIds ?? e.accepted])).toEqual([['receipts-refused', [elsewhere.id]], ['receipts-sent', 1]]);
    expect((await deliveryOf(t, own.id, speaker.id))?.status).toBe('played');
  });

  it('after an outage, reconnects its push channel as soon as a poll gets an answer, not at the end of its backoff window', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const proxy = new FlakyProxy(t.url);
    await proxy.up();
    const events: ReceiverEvent[] = [];
    const api = new DeviceApi({ server: proxy.url, token: () => speaker.deviceToken });
    // An hour's first backoff window: only the poll's answer can bring the push channel back within seconds.
    const receiver = await Receiver.open({
      api, clock: new ServerClock(), cache: new ChecksumCache(api), player: new SimulatedPlayer(60, 0), outbox: new MemoryOutboxStore(),
      agent: 'loa-simulate', version: 'test', pollMs: 1000, reconnectFirstMs: 3_600_000, log: (e) => events.push(e),
    });
    const run = new AbortController();
    const running = receiver.run(run.signal);
    try {
      await waitUntil(async () => receiver.pushing, (up) => up, 10_000, 'the push channel');
      await proxy.down(); // the api is gone: its streams die, connections are refused
      await waitUntil(async () => events.filter((e) => e.event === 'queue-failed').length, (n) => n >= 2, 10_000, 'polls failing');
      expect(receiver.pushing).toBe(false);
      const waits = events.filter((e) => e.event === 'push-lost').map((e) => Number(e.retryInMs));
      await proxy.up();
      const backAt = Date.now();
      await waitUntil(async () => receiver.pushing, (up) => up, 5_000, 'the push channel back');
      console.log(`push back ${Date.now() - backAt} ms after the server; its backoff would have waited ${Math.round(Math.min(...waits.slice(-1)) / 1000)} s`);
      expect(events.filter((e) => e.event === 'push-connected')).toHaveLength(2);
    } finally {
      run.abort();
      await running;
      await proxy.down();
    }
  });
});
