import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioStorage } from '../src/storage/audio-storage.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { ffmpegCli } from './helpers/audio.js';
import { areaPath, deliveryOf, insertBroadcast, insertDelivery, insertSegment } from './helpers/device-rows.js';
import { areaTree, auth, createSpeaker } from './helpers/fixtures.js';
import { FlakyProxy } from './helpers/flaky-proxy.js';
import { recordingPlayer, startAgent, type Agent, type AgentLine } from './helpers/receiver-agent.js';
import { waitUntil } from './helpers/waiting.js';

/**
 * Real `loa-receiver` processes (receiver/dist, built by npm run build) against the real server, with
 * a recording player that logs when each file starts and plays it in real time. The agent does not
 * touch the database, so this suite runs on the SQLite project only.
 */
describe('loa-receiver agent', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let communePath: string;
  const agents: Agent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    communePath = await areaPath(t, tree.communeA.id);
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.kill('SIGKILL');
  });
  afterAll(() => t.close());

  /** A ready segment with a real MP3 rendition of `seconds`, each at its own pitch. */
  let pitch = 300;
  async function clip(seconds: number) {
    const id = randomUUID();
    const path = t.app.get(AudioStorage).renditionPath(id);
    await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=${(pitch += 40)}:duration=${seconds}`, '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', path]);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    return insertSegment(t, { id, areaId: tree.province.id, areaPath: await areaPath(t, tree.province.id), durationSec: seconds, renditionSha256: sha });
  }

  /** A broadcast on air from `inMs` from now, with a pending delivery for each speaker (as the dispatcher leaves it). */
  async function broadcast(speakers: Array<{ id: string }>, segments: Array<{ id: string; durationSec: number | null }>, inMs: number, extra: { repeat?: number; gapSec?: number; priority?: 'normal' | 'priority' | 'emergency' } = {}) {
    const b = await insertBroadcast(t, { areaId: tree.communeA.id, areaPath: communePath, status: 'on_air', startsAt: new Date(Date.now() + inMs), segments, repeat: extra.repeat ?? 1, gapSec: extra.gapSec ?? 0, priority: extra.priority ?? 'normal' });
    const endsAt = b.startsAt.getTime() + ((extra.repeat ?? 1) * segments.reduce((s, x) => s + (x.durationSec ?? 0), 0) + ((extra.repeat ?? 1) - 1) * (extra.gapSec ?? 0)) * 1000;
    for (const s of speakers) await insertDelivery(t, { broadcastId: b.id, speakerId: s.id, communeId: tree.communeA.id });
    return { ...b, endsAt: new Date(endsAt) };
  }

  function agentFor(name: string, server: string, env: Record<string, string> = {}) {
    const dir = join(t.dir, 'receivers', name);
    mkdirSync(dir, { recursive: true });
    const player = recordingPlayer(dir, name);
    const start = () => {
      const agent = startAgent({ LOA_SERVER: server, LOA_RECEIVER_DIR: join(dir, 'data'), LOA_PLAYER: player.command, ...env });
      agents.push(agent);
      return agent;
    };
    return { dir, player, start };
  }

  /**
   * Polls GET /broadcasts/:id/progress every 50 ms, noting when its `playing` count (from the receivers'
   * status reports) first reached `count`, and when it then fell back to 0.
   */
  function watchPlaying(broadcastId: string, count = 1) {
    const seen: { playingAt?: number; endedAt?: number } = {};
    let running = true;
    const done = (async () => {
      while (running && seen.endedAt === undefined) {
        const res = await t.http.get(`/api/v1/broadcasts/${broadcastId}/progress`).set(auth(t.adminToken));
        const at = Date.now();
        if (res.status === 200 && seen.playingAt === undefined && res.body.playing >= count) seen.playingAt = at;
        else if (res.status === 200 && seen.playingAt !== undefined && res.body.playing === 0) seen.endedAt = at;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return { seen, stop: () => ((running = false), done) };
  }

  const sent = (lines: AgentLine[]) => lines.filter((l) => l.event === 'receipts-sent').reduce((sum, l) => ({ accepted: sum.accepted + Number(l.accepted), duplicates: sum.duplicates + Number(l.duplicates) }), { accepted: 0, duplicates: 0 });
  const statusOf = async (b: { id: string }, s: { id: string }) => (await deliveryOf(t, b.id, s.id))?.status;

  it('two receivers start within 300 ms of startsAt and play the playlist in order, repeated with its gap', async () => {
    const speakers = [await createSpeaker(t, t.adminToken, tree.communeA.id), await createSpeaker(t, t.adminToken, tree.communeA.id)];
    const [a, b] = [await clip(2), await clip(2)];
    const boxes = speakers.map((s, i) => ({ speaker: s, box: agentFor(`order-${i}`, t.url, { LOA_DEVICE_TOKEN: s.deviceToken }) }));
    const running = boxes.map(({ box }) => box.start());
    const on = await broadcast(speakers, [a, b], 7000, { repeat: 2, gapSec: 1 });
    for (const agent of running) await agent.waitFor((l) => l.event === 'play-end', 30_000, 'end of the broadcast');

    for (const [i, { box, speaker }] of boxes.entries()) {
      const entries = box.player.entries();
      const starts = entries.filter((e) => e.kind === 'start');
      expect(starts.map((e) => e.segmentId)).toEqual([a.id, b.id, a.id, b.id]);
      const offset = starts[0].at - on.startsAt.getTime();
      console.log(`receiver ${i}: first file started ${offset} ms after startsAt`);
      expect(Math.abs(offset)).toBeLessThanOrEqual(300);
      // The gap: from the end of pass one's last file to the start of pass two.
      const endOfPassOne = entries.filter((e) => e.kind === 'end')[1].at;
      expect(starts[2].at - endOfPassOne).toBeGreaterThanOrEqual(950);
      expect(starts[2].at - endOfPassOne).toBeLessThan(1600);
      await waitUntil(() => statusOf(on, speaker), (s) => s === 'played', 10_000, 'played receipt');
    }
  }, 90_000);

  it('an emergency cuts a playing broadcast within 1 s and is on the air within 2 s of the request; stop ends playback within 1 s; progress shows it playing, and no longer, within 1 s', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const [programme, warning, next] = [await clip(4), await clip(2), await clip(4)];
    const box = agentFor('interrupts', t.url, { LOA_DEVICE_TOKEN: speaker.deviceToken });
    const normal = await broadcast([speaker], [programme], 6000, { repeat: 3 });
    const agent = box.start();
    await agent.waitFor((l) => l.event === 'push-connected', 10_000, 'the push connection');
    await agent.waitFor((l) => l.event === 'play-start' && l.broadcastId === normal.id, 15_000, 'the programme playing');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const requestAt = Date.now();
    const emergency = await t.http.post('/api/v1/broadcasts/emergency').set(auth(t.adminToken)).send({ areaId: tree.communeA.id, segmentIds: [warning.id], title: 'Lũ quét' });
    expect(emergency.status).toBe(201);
    const onAir = watchPlaying(emergency.body.id as string);
    await agent.waitFor((l) => l.event === 'play-end' && l.broadcastId === emergency.body.id, 15_000, 'the emergency played');
    await waitUntil(async () => onAir.seen.endedAt, (at) => at !== undefined, 5_000, 'progress: no longer playing');
    await onAir.stop();
    const entries = box.player.entries();
    const cutAt = entries.find((e) => e.kind === 'cut' && e.segmentId === programme.id)!.at;
    const onAirAt = entries.find((e) => e.kind === 'start' && e.segmentId === warning.id)!.at;
    const offAirAt = entries.find((e) => e.kind === 'end' && e.segmentId === warning.id)!.at;
    console.log(`emergency: programme cut ${cutAt - requestAt} ms and warning started ${onAirAt - requestAt} ms after the request`);
    console.log(`progress: playing ${onAir.seen.playingAt! - onAirAt} ms after the warning started, back to 0 ${onAir.seen.endedAt! - offAirAt} ms after it ended`);
    expect(cutAt - requestAt).toBeLessThanOrEqual(1000);
    expect(onAirAt - requestAt).toBeLessThanOrEqual(2000);
    expect(onAir.seen.playingAt! - onAirAt).toBeLessThanOrEqual(1000);
    expect(onAir.seen.endedAt! - offAirAt).toBeLessThanOrEqual(1000);
    await waitUntil(() => statusOf({ id: emergency.body.id as string }, speaker), (s) => s === 'played', 10_000, 'emergency receipt');
    expect(await statusOf(normal, speaker)).toBe('interrupted');

    // Scheduled through the API, so the server pushes it to the receiver as soon as it exists.
    const at = new Date(Date.now() + 8000).toISOString();
    const schedule = await t.http.post('/api/v1/schedules').set(auth(t.adminToken)).send({ communeId: tree.communeA.id, title: 'Bản tin', segmentIds: [next.id], at, repeat: 2, gapSec: 0 });
    expect(schedule.status).toBe(201);
    const pushed = await agent.waitFor((l) => l.event === 'pushed-broadcast' && l.broadcastId !== normal.id && l.broadcastId !== emergency.body.id, 10_000, 'the scheduled programme pushed');
    const stopped = { id: String(pushed.broadcastId) };
    await agent.waitFor((l) => l.event === 'play-start' && l.broadcastId === stopped.id, 10_000, 'the next programme playing');
    const programmeOnAir = watchPlaying(stopped.id);
    await waitUntil(async () => programmeOnAir.seen.playingAt, (at) => at !== undefined, 2_000, 'progress: the programme playing');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stopAt = Date.now();
    expect((await t.http.post(`/api/v1/broadcasts/${stopped.id}/stop`).set(auth(t.adminToken))).status).toBe(200);
    await agent.waitFor((l) => l.event === 'play-end' && l.broadcastId === stopped.id, 5_000, 'the programme stopped');
    await waitUntil(async () => programmeOnAir.seen.endedAt, (at) => at !== undefined, 5_000, 'progress: the programme no longer playing');
    await programmeOnAir.stop();
    const stoppedAt = box.player.entries().find((e) => e.kind === 'cut' && e.segmentId === next.id)!.at;
    console.log(`stop: playback ended ${stoppedAt - stopAt} ms after the request, progress back to 0 ${programmeOnAir.seen.endedAt! - stoppedAt} ms after that`);
    expect(stoppedAt - stopAt).toBeLessThanOrEqual(1000);
    expect(programmeOnAir.seen.endedAt! - stoppedAt).toBeLessThanOrEqual(1000);
    await waitUntil(() => statusOf(stopped, speaker), (s) => s === 'interrupted', 10_000, 'interrupted receipt');
  }, 90_000);

  it('kill -9 mid-broadcast and a server outage: it plays from its cache, and every receipt arrives once', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const proxy = new FlakyProxy(t.url);
    await proxy.up();
    try {
      const box = agentFor('crash', proxy.url, { LOA_DEVICE_TOKEN: speaker.deviceToken });
      const [first, second] = [await clip(3), await clip(3)];
      const cut = await broadcast([speaker], [first], 6000, { repeat: 2 });
      const offline = await broadcast([speaker], [second], 17_000);
      const before = box.start();
      await before.waitFor((l) => l.event === 'downloaded' && l.segmentId === second.id, 15_000, 'both clips cached');
      await before.waitFor((l) => l.event === 'play-start' && l.broadcastId === cut.id, 15_000, 'the first broadcast playing');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await before.kill('SIGKILL');

      const after = box.start();
      await waitUntil(() => statusOf(cut, speaker), (s) => s !== 'pending', 15_000, 'receipt of the broadcast cut by the crash');
      const crashed = await deliveryOf(t, cut.id, speaker.id);
      expect(crashed?.status).toBe('interrupted');
      expect(crashed?.error).toMatch(/stopped during playback/);
      // The server has it; the agent must also have heard the answer before the outage, or it keeps it to send again.
      await after.waitFor((l) => l.event === 'receipts-sent', 5_000, 'the agent hearing the answer for the interrupted receipt');

      await proxy.down(); // the server is unreachable from here on
      await after.waitFor((l) => l.event === 'play-end' && l.broadcastId === offline.id, 25_000, 'the second broadcast played offline');
      expect(await statusOf(offline, speaker)).toBe('pending');
      await after.kill('SIGTERM'); // the box restarts too, still offline
      const again = box.start();
      await again.waitFor((l) => l.event === 'started', 10_000, 'restart');
      expect(again.lines.find((l) => l.event === 'started')?.outbox).toBe(1);
      await proxy.up();
      await waitUntil(() => statusOf(offline, speaker), (s) => s === 'played', 60_000, 'receipt of the offline broadcast after the outage');
      await again.waitFor((l) => l.event === 'receipts-sent', 5_000, 'the agent hearing the answer');

      const all = [...before.lines, ...after.lines, ...again.lines];
      expect(sent(all)).toEqual({ accepted: 2, duplicates: 0 });
      expect(box.player.entries().filter((e) => e.kind === 'start' && e.segmentId === first.id)).toHaveLength(1); // not played again after the crash
    } finally {
      await proxy.down();
    }
  }, 150_000);

  it('a rotated token: it says so, and goes on with the new token once it is in the file', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const tokenFile = join(t.dir, 'receivers', 'rotation.token');
    mkdirSync(join(t.dir, 'receivers'), { recursive: true });
    writeFileSync(tokenFile, `${speaker.deviceToken}\n`, { mode: 0o600 });
    const box = agentFor('rotation', t.url, { LOA_TOKEN_FILE: tokenFile });
    const agent = box.start();
    await agent.waitFor((l) => l.event === 'queue-read', 10_000, 'a first queue read');

    const rotated = await t.http.post(`/api/v1/speakers/${speaker.id}/token`).set(auth(t.adminToken));
    expect(rotated.status).toBe(201);
    const later = await broadcast([speaker], [await clip(2)], 50_000);
    await agent.waitFor((l) => l.level === 'warn' && /401/.test(String(l.error)), 45_000, 'the refused token reported');
    writeFileSync(tokenFile, `${rotated.body.deviceToken as string}\n`);
    await agent.waitFor((l) => l.event === 'play-end' && l.broadcastId === later.id, 60_000, 'playing with the new token');
    await waitUntil(() => statusOf(later, speaker), (s) => s === 'played', 15_000, 'receipt with the new token');
  }, 150_000);

  it('resumes a download cut half-way (Range) and fetches again one that does not match its sha256', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const proxy = new FlakyProxy(t.url);
    proxy.audioFault = (n) => (n === 0 ? 'truncate' : n === 1 ? 'corrupt' : 'pass');
    await proxy.up();
    try {
      const box = agentFor('corrupt', proxy.url, { LOA_DEVICE_TOKEN: speaker.deviceToken });
      const audio = await clip(3);
      const on = await broadcast([speaker], [audio], 8000);
      const agent = box.start();
      await agent.waitFor((l) => l.event === 'checksum-mismatch', 20_000, 'the corrupted download noticed');
      await agent.waitFor((l) => l.event === 'downloaded', 20_000, 'a good download');
      expect(proxy.audioRequests.map((r) => [r.fault, r.range === undefined ? 'whole' : 'range'])).toEqual([['truncate', 'whole'], ['corrupt', 'range'], ['pass', 'whole']]);
      expect(readFileSync(join(box.dir, 'data', 'audio', `${audio.id}.mp3`)).equals(readFileSync(t.app.get(AudioStorage).renditionPath(audio.id)))).toBe(true);
      await waitUntil(() => statusOf(on, speaker), (s) => s === 'played', 30_000, 'played receipt');
    } finally {
      await proxy.down();
    }
  }, 90_000);

  it('keeps the cache within --cache-mb, evicting only audio no longer queued', async () => {
    const speaker = await createSpeaker(t, t.adminToken, tree.communeA.id);
    const clips = [await clip(3), await clip(3), await clip(3), await clip(3)];
    const bytes = clips.map((c) => statSync(t.app.get(AudioStorage).renditionPath(c.id)).size);
    const bound = Math.floor(bytes[0] * 2.5); // two clips fit, not three
    const box = agentFor('cache', t.url, { LOA_DEVICE_TOKEN: speaker.deviceToken, LOA_CACHE_MB: String(bound / 1024 / 1024) });
    const shows: Array<{ id: string }> = [];
    for (const [i, c] of clips.entries()) shows.push(await broadcast([speaker], [c], 7000 + i * 4500));
    const agent = box.start();
    const audioDir = join(box.dir, 'data', 'audio');
    let most = 0;
    const sampler = setInterval(() => {
      try {
        most = Math.max(most, readdirSync(audioDir).reduce((sum, f) => sum + statSync(join(audioDir, f), { throwIfNoEntry: false })!.size, 0));
      } catch {
        // a file renamed or evicted between listing and stat
      }
    }, 50);
    try {
      await agent.waitFor((l) => l.event === 'play-end' && l.broadcastId === shows[3].id, 40_000, 'the last broadcast');
    } finally {
      clearInterval(sampler);
    }
    expect(agent.lines.filter((l) => l.event === 'play-end').map((l) => [l.broadcastId, l.status])).toEqual(shows.map((s) => [s.id, 'played']));
    expect(agent.lines.some((l) => l.event === 'cache-full')).toBe(true); // it had to wait for room
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(bound);
  }, 90_000);
});
