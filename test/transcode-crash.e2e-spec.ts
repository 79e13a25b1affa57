import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { join } from 'node:path';
import { QueueName } from '../src/queue/queue.constants.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeSpeechLike } from './helpers/audio.js';
import { auth } from './helpers/fixtures.js';
import { waitUntil } from './helpers/waiting.js';
import { startWorker, type Worker } from './helpers/workers.js';

// BullMQ declares a job stalled once its lock (30 s) lapses; the next stalled check (every 30 s) hands it on.
jest.setTimeout(180_000);

describe('a transcode worker killed mid-job', () => {
  let t: TestApp;
  const workers: Worker[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LOA_ROLES: 'api' });
  });
  afterAll(async () => {
    for (const worker of workers) worker.process.kill('SIGKILL');
    await t.close();
  });

  it('is retried by stalled-job recovery on another worker, and the segment ends ready', async () => {
    const path = join(t.dir, 'long.wav');
    await makeSpeechLike(path, { seconds: 300, format: 'wav', seed: 7 });
    const upload = await t.http.post('/api/v1/segments').set(auth(t.adminToken))
      .field('title', 'Thông báo dài').field('topic', 'crash-test').field('language', 'vi').attach('file', path);
    expect(upload.status).toBe(202);
    const id = upload.body.id as string;

    const queue = t.app.get<Queue>(getQueueToken(QueueName.Transcode), { strict: false });
    const first = startWorker(t.env);
    workers.push(first);
    await waitUntil(async () => (await queue.getJob(id))?.isActive() ?? false, (active) => active, 60_000, 'the first worker to take the job');
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    expect((await t.http.get(`/api/v1/segments/${id}`).set(auth(t.adminToken))).body.status).toBe('processing');

    workers.push(startWorker(t.env));
    const done = await waitUntil(
      async () => (await t.http.get(`/api/v1/segments/${id}`).set(auth(t.adminToken))).body,
      (segment) => segment.status !== 'processing',
      150_000,
      'the second worker to finish the stalled job',
    );
    expect(done).toMatchObject({ status: 'ready', error: null, durationSec: expect.any(Number) });
    expect(Math.abs(done.durationSec - 300)).toBeLessThan(1);
    const job = await queue.getJob(id);
    expect(job?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2);
    expect((await t.http.get(`/api/v1/segments/${id}/audio`).set(auth(t.adminToken))).status).toBe(200);
  });
});
