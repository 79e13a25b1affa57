import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import { coveringPaths } from '../auth/scope.js';
import { BroadcastJobs } from '../broadcasts/broadcast-jobs.js';
import type { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from '../broadcasts/broadcasts.repository.js';
import { planPreemption, type Span } from '../broadcasts/overlap.js';
import { Playlists } from '../broadcasts/playlist.js';
import { chunked } from '../database/sql.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { LiveAround } from './live-around.js';
import type { ScheduleEntity } from './schedule.entity.js';
import { SchedulesRepository } from './schedules.repository.js';
import { broadcastLengthSec, occurrences, occurrenceStarts } from './timing.js';

/** What a transaction did to broadcasts, for the queue and the receivers to follow once it has committed. */
export interface BroadcastChanges {
  /** Start instants of broadcasts now scheduled: each needs its dispatch job. */
  scheduled: Date[];
  /** Start instants of broadcasts no longer scheduled (cancelled, preempted): their job may go. */
  unscheduled: Date[];
  /** Broadcasts now scheduled, to announce to their receivers. */
  announced: BroadcastEntity[];
  /** Broadcasts no longer scheduled, to withdraw from their receivers. */
  withdrawn: MovedBroadcast[];
}

export const noChanges = (): BroadcastChanges => ({ scheduled: [], unscheduled: [], announced: [], withdrawn: [] });

export function mergeChanges(a: BroadcastChanges, b: BroadcastChanges): BroadcastChanges {
  return { scheduled: [...a.scheduled, ...b.scheduled], unscheduled: [...a.unscheduled, ...b.unscheduled], announced: [...a.announced, ...b.announced], withdrawn: [...a.withdrawn, ...b.withdrawn] };
}

const SCAN_PAGE = 1000;
/**
 * Schedules materialised in one transaction: their broadcasts go in a few multi-row INSERTs and
 * their dispatch jobs in one addBulk. A failing batch is retried one schedule at a time, so a
 * schedule that cannot be materialised holds up no other.
 */
const BATCH = 250;

/**
 * Turns schedules into broadcasts for the next LOA_HORIZON_HOURS, idempotently: schedule rows are
 * locked while they are materialised and remember how far they got (materialisedUntil), so every
 * worker may run this at once. Priorities are settled here: a new occurrence overlapped by a
 * higher-priority broadcast on a shared speaker is created `preempted`; lower-priority scheduled
 * broadcasts it overlaps become `preempted`.
 */
@Injectable()
export class Materialiser {
  private readonly logger = new Logger(Materialiser.name);

  constructor(
    private readonly transactions: WriteTransactions,
    private readonly schedules: SchedulesRepository,
    private readonly broadcasts: BroadcastsRepository,
    private readonly playlists: Playlists,
    private readonly areas: AreasRepository,
    private readonly jobs: BroadcastJobs,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DeviceNotifier,
  ) {}

  horizon(now: Date): Date {
    return new Date(now.getTime() + this.config.LOA_HORIZON_HOURS * 3_600_000);
  }

  /** Extends every live schedule to the horizon; answers how many schedules got new broadcasts. */
  async extendAll(): Promise<number> {
    let extended = 0;
    let afterId: string | null = null;
    for (;;) {
      const now = this.clock.now();
      const until = this.horizon(now);
      const page = await this.schedules.behind(until, SCAN_PAGE, afterId);
      if (!page.length) return extended;
      afterId = page[page.length - 1].id;
      // Most schedules have nothing new in the minute the horizon moved: advance those in one statement.
      const idle = new Set(page.filter((s) => !occurrenceStarts(s, this.windowStart(s, now), until, 1).length));
      if (idle.size) await this.transactions.run((manager) => this.schedules.advance(manager, [...idle], until));
      for (const batch of chunked(page.filter((s) => !idle.has(s)).map((s) => s.id), BATCH)) extended += await this.extend(batch);
    }
  }

  /** Materialises the schedules (those still live) in one transaction; answers how many it did. */
  private async extend(scheduleIds: string[]): Promise<number> {
    try {
      const { changes, materialised } = await this.transactions.run(async (manager) => this.materialiseBatch(manager, await this.schedules.lockLive(manager, scheduleIds)));
      await this.follow(changes);
      return materialised;
    } catch (error) {
      if (scheduleIds.length === 1) {
        this.logger.error(`schedule ${scheduleIds[0]} not materialised: ${(error as Error).message}`);
        return 0;
      }
      let done = 0;
      for (const id of scheduleIds) done += await this.extend([id]);
      return done;
    }
  }

  /**
   * Inside the caller's transaction, with the schedules' rows locked (or just inserted): their
   * broadcasts up to the horizon, one statement per kind of work whatever the number of schedules.
   */
  async materialiseIn(manager: EntityManager, schedules: ScheduleEntity[]): Promise<BroadcastChanges> {
    return (await this.materialiseBatch(manager, schedules)).changes;
  }

  /** materialiseIn, also answering how many of the schedules got new broadcasts (another worker may have done some since they were read). */
  private async materialiseBatch(manager: EntityManager, schedules: ScheduleEntity[]): Promise<{ changes: BroadcastChanges; materialised: number }> {
    const now = this.clock.now();
    const until = this.horizon(now);
    const changes = noChanges();
    if (!schedules.length) return { changes, materialised: 0 };
    const segments = await this.playlists.byIds(schedules.flatMap((s) => s.segmentIds), manager);
    const planned = schedules
      .map((schedule) => {
        // Snapshot durations; a segment gone missing makes the dispatch re-check skip the broadcast.
        const durations = schedule.segmentIds.map((id) => segments.get(id)?.durationSec ?? 0);
        const spans = occurrences(schedule, broadcastLengthSec(durations, schedule.repeat, schedule.gapSec), this.windowStart(schedule, now), until);
        return { schedule, durations, spans };
      })
      .filter((p) => p.spans.length);
    if (planned.length) {
      const paths = await this.areas.pathsOf(planned.map((p) => p.schedule.communeId));
      const pathOf = (schedule: ScheduleEntity) => paths.get(schedule.communeId) ?? fail(`commune ${schedule.communeId} of schedule ${schedule.id} does not exist`);
      const live = await this.liveAround(manager, planned.map((p) => pathOf(p.schedule)), planned.flatMap((p) => p.spans));
      const rows: BroadcastEntity[] = [];
      const fresh = new Map<string, BroadcastEntity>();
      const overridden: Array<{ id: string; reason: string }> = [];
      for (const { schedule, durations, spans } of planned) {
        const communePath = pathOf(schedule);
        const created = spans.map((span): BroadcastEntity => ({
          id: newId(), scheduleId: schedule.id, areaId: schedule.communeId, areaPath: communePath, title: schedule.title,
          startsAt: span.startsAt, endsAt: span.endsAt, priority: schedule.priority, repeat: schedule.repeat, gapSec: schedule.gapSec,
          segmentIds: schedule.segmentIds, segmentDurations: durations, speakerIds: schedule.speakerIds,
          status: 'scheduled', reason: null, createdBy: schedule.createdBy, createdAt: now, onAirAt: null, finalisedAt: null, notBefore: null,
        }));
        const plan = planPreemption(spans, schedule.priority, schedule.speakerIds ?? 'all', live.around(communePath, spans, schedule.id));
        plan.preemptedBy.forEach((winner, i) => {
          if (!winner) return;
          created[i].status = 'preempted';
          created[i].reason = `preempted by ${winner.priority} broadcast ${winner.id}`;
        });
        for (const [lowerId, index] of plan.overridden) {
          const reason = `preempted by ${schedule.priority} broadcast ${created[index].id}`;
          live.remove(lowerId);
          const earlier = fresh.get(lowerId);
          if (earlier) Object.assign(earlier, { status: 'preempted', reason });
          else overridden.push({ id: lowerId, reason });
        }
        for (const row of created) {
          rows.push(row);
          if (row.status !== 'scheduled') continue;
          fresh.set(row.id, row);
          live.add(row);
        }
      }
      await this.broadcasts.insert(manager, rows);
      for (const { id, reason } of overridden) {
        const moved = await this.broadcasts.transition(manager, [id], ['scheduled'], 'preempted', { reason });
        changes.unscheduled.push(...moved.map((m) => m.startsAt));
        changes.withdrawn.push(...moved);
      }
      const scheduled = rows.filter((r) => r.status === 'scheduled');
      changes.scheduled.push(...scheduled.map((r) => r.startsAt));
      changes.announced.push(...scheduled);
    }
    await this.schedules.materialisedUntil(manager, schedules.map((s) => s.id), until);
    return { changes, materialised: planned.length };
  }

  /**
   * Inside the caller's transaction: the schedule's broadcasts that have not aired become
   * `cancelled`, and broadcasts they had preempted air again unless something else still outranks them.
   */
  async cancelFutureIn(manager: EntityManager, schedule: ScheduleEntity, reason: string): Promise<BroadcastChanges> {
    const now = this.clock.now();
    const cancelled = await this.broadcasts.cancelFuture(manager, schedule.id, now, reason);
    const changes: BroadcastChanges = { ...noChanges(), unscheduled: cancelled.map((c) => c.startsAt), withdrawn: cancelled };
    if (!cancelled.length) return changes;
    const communePath = (await this.areas.pathOf(schedule.communeId))!;
    const from = new Date(Math.min(...cancelled.map((c) => c.startsAt.getTime())));
    const to = this.horizon(now);
    const candidates = await this.broadcasts.preemptedFuture(manager, communePath, from, to, now);
    if (!candidates.length) return changes;
    const live = await this.liveAround(manager, [communePath], candidates);
    const revived = candidates.filter((c) => !planPreemption([c], c.priority, c.speakerIds ?? 'all', live.around(communePath, [c], null)).preemptedBy[0]);
    const moved = new Set((await this.broadcasts.transition(manager, revived.map((c) => c.id), ['preempted'], 'scheduled', { reason: null })).map((m) => m.id));
    const airing = revived.filter((c) => moved.has(c.id)).map((c): BroadcastEntity => ({ ...c, status: 'scheduled', reason: null }));
    changes.scheduled.push(...airing.map((b) => b.startsAt));
    changes.announced.push(...airing);
    return changes;
  }

  /**
   * After commit: receivers are told, and the queue follows the database (a failure there is repaired
   * by the next tick's reconciliation).
   */
  async follow(changes: BroadcastChanges): Promise<void> {
    this.notifier.announce(changes.announced);
    this.notifier.withdraw(changes.withdrawn);
    try {
      await this.jobs.dispatchAt(changes.scheduled);
      await this.jobs.dropUnscheduled(changes.unscheduled);
    } catch (error) {
      this.logger.warn(`broadcast jobs not updated (the next tick will): ${(error as Error).message}`);
    }
  }

  /**
   * Where materialising resumes: the horizon reached so far, never in the past (occurrences missed
   * while no worker ran are not aired late). A schedule just created or edited starts at the instant
   * of that request, which its validation measured `at` against, so a one-off due a moment later
   * cannot slip out of the window while the transaction runs.
   */
  private windowStart(schedule: ScheduleEntity, now: Date): Date {
    return schedule.materialisedUntil ? new Date(Math.max(now.getTime(), schedule.materialisedUntil.getTime())) : schedule.updatedAt;
  }

  /** Live broadcasts that can share speakers with those of the communes at `communePaths` over the spans: theirs, and emergencies above them. */
  private async liveAround(manager: EntityManager, communePaths: string[], spans: readonly Span[]): Promise<LiveAround> {
    const from = new Date(Math.min(...spans.map((s) => s.startsAt.getTime())));
    const to = new Date(Math.max(...spans.map((s) => s.endsAt.getTime())));
    return new LiveAround(await this.broadcasts.live(manager, [...new Set(communePaths.flatMap(coveringPaths))], from, to));
  }
}

function fail(message: string): never {
  throw new Error(message);
}
