import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import { coveringPaths } from '../auth/scope.js';
import { BroadcastJobs } from '../broadcasts/broadcast-jobs.js';
import type { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from '../broadcasts/broadcasts.repository.js';
import { planPreemption, type LiveBroadcast, type Span } from '../broadcasts/overlap.js';
import { Playlists } from '../broadcasts/playlist.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { DeviceNotifier } from '../push/device-notifier.js';
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
 * Turns schedules into broadcasts for the next LOA_HORIZON_HOURS, idempotently: each schedule's
 * row is locked while it is materialised and remembers how far it got (materialisedUntil), so
 * every worker may run this at once. Priorities are settled here: a new occurrence overlapped by
 * a higher-priority broadcast on a shared speaker is created `preempted`; lower-priority scheduled
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
      // Most schedules have nothing new in the minute the horizon moved: advance those in one transaction.
      const idle = new Set(page.filter((s) => !occurrenceStarts(s, this.windowStart(s, now), until, 1).length));
      if (idle.size) await this.transactions.run((manager) => this.schedules.advance(manager, [...idle], until));
      for (const schedule of page.filter((s) => !idle.has(s))) {
        try {
          await this.extend(schedule.id);
          extended++;
        } catch (error) {
          this.logger.error(`schedule ${schedule.id} not materialised: ${(error as Error).message}`);
        }
      }
    }
  }

  async extend(scheduleId: string): Promise<void> {
    const changes = await this.transactions.run(async (manager) => {
      await this.schedules.lock(manager, scheduleId);
      const schedule = await this.schedules.get(scheduleId, manager);
      return schedule && !schedule.deletedAt ? this.materialiseIn(manager, schedule) : noChanges();
    });
    await this.follow(changes);
  }

  /** Inside the caller's transaction, with the schedule's row locked (or just inserted). */
  async materialiseIn(manager: EntityManager, schedule: ScheduleEntity): Promise<BroadcastChanges> {
    const now = this.clock.now();
    const until = this.horizon(now);
    const from = this.windowStart(schedule, now);
    const changes = noChanges();
    const segments = await this.playlists.byIds(schedule.segmentIds, manager);
    // Snapshot durations; a segment gone missing makes the dispatch re-check skip the broadcast.
    const durations = schedule.segmentIds.map((id) => segments.get(id)?.durationSec ?? 0);
    const spans = occurrences(schedule, broadcastLengthSec(durations, schedule.repeat, schedule.gapSec), from, until);
    if (spans.length) {
      const communePath = (await this.areas.pathOf(schedule.communeId))!;
      const rows = spans.map((span): BroadcastEntity => ({
        id: newId(), scheduleId: schedule.id, areaId: schedule.communeId, areaPath: communePath, title: schedule.title,
        startsAt: span.startsAt, endsAt: span.endsAt, priority: schedule.priority, repeat: schedule.repeat, gapSec: schedule.gapSec,
        segmentIds: schedule.segmentIds, segmentDurations: durations, speakerIds: schedule.speakerIds,
        status: 'scheduled', reason: null, createdBy: schedule.createdBy, createdAt: now, onAirAt: null, finalisedAt: null, notBefore: null,
      }));
      const live = await this.liveAround(manager, communePath, spans, schedule.id);
      const plan = planPreemption(spans, schedule.priority, schedule.speakerIds ?? 'all', live);
      plan.preemptedBy.forEach((winner, i) => {
        if (!winner) return;
        rows[i].status = 'preempted';
        rows[i].reason = `preempted by ${winner.priority} broadcast ${winner.id}`;
      });
      await this.broadcasts.insert(manager, rows);
      for (const [lowerId, index] of plan.overridden) {
        const moved = await this.broadcasts.transition(manager, [lowerId], ['scheduled'], 'preempted', { reason: `preempted by ${schedule.priority} broadcast ${rows[index].id}` });
        changes.unscheduled.push(...moved.map((m) => m.startsAt));
        changes.withdrawn.push(...moved);
      }
      const scheduled = rows.filter((r) => r.status === 'scheduled');
      changes.scheduled.push(...scheduled.map((r) => r.startsAt));
      changes.announced.push(...scheduled);
    }
    await this.schedules.update(manager, schedule.id, { materialisedUntil: until });
    return changes;
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
    const live = await this.liveAround(manager, communePath, candidates, null);
    const revived = candidates.filter((c) => !planPreemption([c], c.priority, c.speakerIds ?? 'all', live).preemptedBy[0]);
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

  /** Live broadcasts that can share speakers with the commune's: its own (other schedules) and emergencies above it. */
  private async liveAround(manager: EntityManager, communePath: string, spans: Span[], exceptScheduleId: string | null): Promise<LiveBroadcast[]> {
    const from = new Date(Math.min(...spans.map((s) => s.startsAt.getTime())));
    const to = new Date(Math.max(...spans.map((s) => s.endsAt.getTime())));
    const rows = await this.broadcasts.live(manager, coveringPaths(communePath), from, to);
    return rows
      .filter((b) => exceptScheduleId === null || b.scheduleId !== exceptScheduleId)
      .map((b) => ({ id: b.id, startsAt: b.startsAt, endsAt: b.endsAt, priority: b.priority, status: b.status as LiveBroadcast['status'], targets: b.areaPath === communePath ? b.speakerIds ?? 'all' : 'all' }));
  }
}
