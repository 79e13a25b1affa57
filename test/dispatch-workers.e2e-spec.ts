import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { DataSource, In } from 'typeorm';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../src/broadcasts/delivery.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, auth, createArea, createSpeaker } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { waitUntil } from './helpers/waiting.js';
import { MAIN, startWorker, type Worker } from './helpers/workers.js';

jest.setTimeout(90_000);


async function stopWorker(worker: Worker): Promise<void> {
  if (worker.process.exitCode !== null) return;
  const exited = new Promise((resolve) => worker.process.once('exit', resolve));
  worker.process.kill('SIGTERM');
  await exited;
}

/** Broadcast ids a worker logged as put on air (debug line "on air: id id ..."). */
const aired = (worker: Worker) => worker.lines.filter((l) => l.context === 'Dispatcher' && l.message?.startsWith('on air: ')).flatMap((l) => l.message!.slice('on air: '.length).split(' '));

describe('two worker processes', () => {
  let t: TestApp;
  const workers: Worker[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx nest build; npm test does it)`);
    // The api process only serves HTTP (short horizon); the workers, with the usual 48 h horizon, do all the materialising and dispatching.
    t = await startTestApp({ LOA_ROLES: 'api', LOA_RECEIPT_GRACE_SEC: '1', LOA_HORIZON_HOURS: '1' });
  });
  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await t.close();
  });

  it('materialise and fire each broadcast exactly once', async () => {
    const tree = await areaTree(t);
    const segment = await createReadySegment(t, { areaId: tree.province.id, durationSec: 1 });
    const communes = [tree.communeA.id, tree.communeB.id];
    for (let i = 0; i < 2; i++) communes.push((await createArea(t, t.adminToken, { kind: 'commune', parentId: tree.districtA.id })).id);
    for (const communeId of communes) for (let i = 0; i < 2; i++) await createSpeaker(t, t.adminToken, communeId);
    const post = (body: Record<string, unknown>) => t.http.post('/api/v1/schedules').set(auth(t.adminToken)).send({ title: 'Bản tin', segmentIds: [segment.id], ...body });

    // Daily schedules beyond the api's 1 h horizon: both workers race to materialise them at start-up.
    const daily: string[] = [];
    for (const communeId of communes) daily.push((await post({ communeId, cron: `${daily.length} 3 * * *`, timezone: 'UTC' })).body.id);

    const workerEnv = { ...t.env, LOA_HORIZON_HOURS: '48' };
    workers.push(startWorker(workerEnv), startWorker(workerEnv));
    await waitUntil(async () => workers.map((w) => w.lines.some((l) => l.message === 'worker started')), (ready) => ready.every(Boolean), 30_000, 'workers started');

    // One-offs: four communes at the same instant, four more a second later. The lead leaves room for
    // eight POSTs on a loaded machine (each is materialised in its request): one in the past is refused.
    const start = Date.now() + 8000;
    const schedules: string[] = [];
    for (const [i, communeId] of communes.entries()) {
      for (const at of [start, start + 1000 + i]) {
        const created = await post({ communeId, at: new Date(at).toISOString() });
        expect(created.status).toBe(201);
        schedules.push(created.body.id);
      }
    }
    const db = t.app.get(DataSource);
    const broadcasts = () => db.getRepository(BroadcastEntity).findBy({ scheduleId: In(schedules) });
    const done = await waitUntil(broadcasts, (rows) => rows.length === 8 && rows.every((b) => b.status === 'missed'), 30_000, 'all aired and finalised');

    const onAir = [...aired(workers[0]), ...aired(workers[1])];
    expect(onAir.sort()).toEqual(done.map((b) => b.id).sort());
    const deliveries = await db.getRepository(DeliveryEntity).findBy({ broadcastId: In(done.map((b) => b.id)) });
    expect(deliveries).toHaveLength(16);
    expect(new Set(deliveries.map((d) => `${d.broadcastId}/${d.speakerId}`)).size).toBe(16);

    // Two 03:0x UTC occurrences fall within 48 h, whatever the time of day; the racing workers made each exactly once.
    for (const scheduleId of daily) {
      const rows = await db.getRepository(BroadcastEntity).findBy({ scheduleId });
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(new Set(rows.map((b) => b.startsAt.getTime())).size).toBe(rows.length);
    }
    for (const worker of workers) expect(worker.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
