import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { AreaEntity } from '../src/areas/area.entity.js';
import { dispatchJobId } from '../src/broadcasts/broadcast-jobs.js';
import { BroadcastEntity } from '../src/broadcasts/broadcast.entity.js';
import { QueueName } from '../src/queue/queue.constants.js';
import { Materialiser } from '../src/schedules/materialiser.js';
import { ScheduleEntity, type Priority } from '../src/schedules/schedule.entity.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { areaTree, createArea } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';

/**
 * The scheduler tick's side of materialising (POST /schedules materialises its own schedule, see
 * schedules.e2e-spec): schedules written unmaterialised, as a restored database or a national import
 * leaves them, made into broadcasts in batches. The app runs the api role only, so no tick of its own
 * runs between the test's steps.
 */
describe('materialising schedules in batches (the scheduler tick)', () => {
  let t: TestApp;
  let db: DataSource;
  let materialiser: Materialiser;
  let segmentId: string;
  let districtId: string;
  const minute = new Date(Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000);

  beforeAll(async () => {
    t = await startTestApp({ LOA_ROLES: 'api' });
    db = t.app.get(DataSource);
    materialiser = t.app.get(Materialiser);
    const tree = await areaTree(t);
    districtId = tree.districtA.id;
    segmentId = (await createReadySegment(t, { areaId: districtId, durationSec: 120 })).id;
  });
  afterAll(() => t.close());

  const commune = async () => (await createArea(t, t.adminToken, { kind: 'commune', parentId: districtId })).id;

  /** A schedule row as POST /schedules would leave it before materialising it; `id` sets its place in the tick's id order. */
  async function writeSchedule(communeId: string, values: { id?: string; priority?: Priority; at?: Date; cron?: string } = {}): Promise<ScheduleEntity> {
    const now = new Date();
    const schedule: ScheduleEntity = {
      id: values.id ?? randomUUID(), communeId, title: `lịch ${values.priority ?? 'normal'}`, segmentIds: [segmentId], speakerIds: null,
      cron: values.cron ?? null, timezone: 'Asia/Ho_Chi_Minh', startDate: null, endDate: null, at: values.cron ? null : (values.at ?? minute),
      priority: values.priority ?? 'normal', repeat: 1, gapSec: 30, createdBy: null, materialisedUntil: null, createdAt: now, updatedAt: now, deletedAt: null,
    };
    await db.getRepository(ScheduleEntity).insert(schedule);
    return schedule;
  }

  const broadcastsOf = (scheduleIds: string[]) => db.getRepository(BroadcastEntity).find({ where: { scheduleId: In(scheduleIds) }, order: { startsAt: 'ASC' } });

  it('settles priorities between schedules of one batch in either order, and over broadcasts already there', async () => {
    // Ids order the batch: in the first commune the normal schedule comes first, in the second the priority one.
    const [first, second, third] = [await commune(), await commune(), await commune()];
    const normalFirst = await writeSchedule(first, { id: '00000000-0000-4000-8000-00000000000a' });
    const priorityAfter = await writeSchedule(first, { id: 'ffffffff-0000-4000-8000-00000000000a', priority: 'priority', at: new Date(minute.getTime() + 60_000) });
    const priorityFirst = await writeSchedule(second, { id: '00000000-0000-4000-8000-00000000000b', priority: 'priority' });
    const normalAfter = await writeSchedule(second, { id: 'ffffffff-0000-4000-8000-00000000000b', at: new Date(minute.getTime() + 60_000) });
    // In the third commune a normal broadcast is in the database already; a priority schedule arrives over it.
    const existing = await writeSchedule(third);
    await materialiser.extendAll();
    const overriding = await writeSchedule(third, { priority: 'priority', at: new Date(minute.getTime() - 30_000) });
    await materialiser.extendAll();

    const byId = async (s: ScheduleEntity) => (await broadcastsOf([s.id]))[0];
    expect(await byId(priorityAfter)).toMatchObject({ status: 'scheduled' });
    expect(await byId(normalFirst)).toMatchObject({ status: 'preempted', reason: `preempted by priority broadcast ${(await byId(priorityAfter)).id}` });
    expect(await byId(priorityFirst)).toMatchObject({ status: 'scheduled' });
    expect(await byId(normalAfter)).toMatchObject({ status: 'preempted', reason: `preempted by priority broadcast ${(await byId(priorityFirst)).id}` });
    expect(await byId(overriding)).toMatchObject({ status: 'scheduled' });
    expect(await byId(existing)).toMatchObject({ status: 'preempted', reason: `preempted by priority broadcast ${(await byId(overriding)).id}` });
  });

  it('materialises hundreds of schedules in a handful of statements, one dispatch job per instant, and nothing twice', async () => {
    const communes = await Promise.all(Array.from({ length: 5 }, commune));
    const schedules: ScheduleEntity[] = [];
    for (let i = 0; i < 300; i++) schedules.push(await writeSchedule(communes[i % 5], { cron: `${i % 60} ${Math.floor(i / 60)} * * *` }));

    const logger = db.logger as { logQuery: (...args: unknown[]) => void };
    const original = logger.logQuery;
    let statements = 0;
    logger.logQuery = (...args) => (statements++, original.apply(logger, args));
    try {
      // Two passes at once, as two workers' ticks: each schedule is materialised by one of them.
      expect((await Promise.all([materialiser.extendAll(), materialiser.extendAll()])).reduce((a, b) => a + b)).toBe(300);
    } finally {
      logger.logQuery = original;
    }
    // The schedule-by-schedule version took more than 8 statements each (2,400 here).
    expect(statements).toBeLessThan(100);

    const broadcasts = await broadcastsOf(schedules.map((s) => s.id));
    // 48 hours of a daily schedule: two broadcasts each (three when the horizon's edge falls past a start).
    for (const schedule of schedules) {
      const own = broadcasts.filter((b) => b.scheduleId === schedule.id);
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(new Set(own.map((b) => b.startsAt.getTime())).size).toBe(own.length);
    }
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Broadcast));
    const instants = [...new Set(broadcasts.map((b) => b.startsAt.getTime()))];
    for (const at of instants) expect(await queue.getJob(dispatchJobId(at))).toBeTruthy();
    expect(await materialiser.extendAll()).toBe(0);
    expect(await db.getRepository(BroadcastEntity).countBy({ scheduleId: In(schedules.map((s) => s.id)) })).toBe(broadcasts.length);
  });

  it('materialises the rest of a batch when one schedule in it cannot be', async () => {
    const good = await Promise.all(Array.from({ length: 3 }, async () => writeSchedule(await commune())));
    // A commune that is not there (a row restored without its area): this schedule alone fails.
    const orphanCommune = randomUUID();
    expect(await db.getRepository(AreaEntity).countBy({ id: orphanCommune })).toBe(0);
    const orphan = await writeSchedule(orphanCommune);
    expect(await materialiser.extendAll()).toBe(3);
    expect((await broadcastsOf(good.map((s) => s.id))).map((b) => b.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    expect(await broadcastsOf([orphan.id])).toEqual([]);
    expect((await db.getRepository(ScheduleEntity).findOneByOrFail({ id: orphan.id })).materialisedUntil).toBeNull();
  });
});
