import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { coveringPaths } from '../auth/scope.js';
import { Clock } from '../common/clock.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { PRIORITIES, PRIORITY_RANK } from '../schedules/schedule.entity.js';
import { LiveAround } from '../schedules/live-around.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { planPreemption } from './overlap.js';

/** A broadcast back on the schedule, and the cut-ins taken off that let it. */
export interface Revived {
  broadcast: BroadcastEntity;
  freedBy: string[];
}

/**
 * Preemption undone (SPEC §9 is silent; what a commune operator expects): when a cut-in (an emergency,
 * an alert) is stopped, cancelled or withdrawn, what it had preempted before it went on air airs after
 * all if its window is still open and nothing else still outranks it there. It is `scheduled` again: a
 * start still ahead keeps its time; one already passed goes on air at once, and receivers play it as
 * any broadcast learned late (whole if it can finish before their next one, SPEC §8). A broadcast the
 * cut-in took off the air mid-play stays `preempted`: its receivers have reported it `interrupted`, and
 * it is not played again.
 */
@Injectable()
export class Revivals {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Inside the write transaction that took the cut-ins `freed` off, after the cut-ins waiting behind
   * them moved up (their new spans preempt first). Higher priorities are revived first, each one then
   * counting as live for those below it.
   */
  async revive(manager: EntityManager, freed: MovedBroadcast[]): Promise<Revived[]> {
    if (!freed.length) return [];
    const now = this.clock.now();
    const cutIns = await manager.find(BroadcastEntity, { where: { id: In(freed.map((b) => b.id)) } });
    const candidates = new Map<string, { broadcast: BroadcastEntity; freedBy: string[] }>();
    for (const cutIn of cutIns) {
      const lower = PRIORITIES.filter((p) => PRIORITY_RANK[p] < PRIORITY_RANK[cutIn.priority]);
      for (const broadcast of await this.broadcasts.preemptedBelow(manager, cutIn.areaPath, lower, cutIn.startsAt, cutIn.endsAt, now)) {
        const known = candidates.get(broadcast.id);
        if (known) known.freedBy.push(cutIn.id);
        else candidates.set(broadcast.id, { broadcast, freedBy: [cutIn.id] });
      }
    }
    if (!candidates.size) return [];
    const ordered = [...candidates.values()].sort((a, b) => PRIORITY_RANK[b.broadcast.priority] - PRIORITY_RANK[a.broadcast.priority] || +a.broadcast.startsAt - +b.broadcast.startsAt);
    const from = new Date(Math.min(...ordered.map((c) => c.broadcast.startsAt.getTime())));
    const to = new Date(Math.max(...ordered.map((c) => c.broadcast.endsAt.getTime())));
    const paths = [...new Set(ordered.flatMap((c) => coveringPaths(c.broadcast.areaPath)))];
    const live = new LiveAround(await this.broadcasts.live(manager, paths, from, to));
    const revived: Revived[] = [];
    for (const { broadcast, freedBy } of ordered) {
      const around = live.around(broadcast.areaPath, [broadcast], null).filter((other) => other.id !== broadcast.id);
      if (planPreemption([broadcast], broadcast.priority, broadcast.speakerIds ?? 'all', around).preemptedBy[0]) continue;
      if (!(await this.broadcasts.transition(manager, [broadcast.id], ['preempted'], 'scheduled', { reason: null })).length) continue;
      const back: BroadcastEntity = { ...broadcast, status: 'scheduled', reason: null };
      live.add(back);
      revived.push({ broadcast: back, freedBy });
    }
    return revived;
  }

  /** After commit: receivers are told, dispatch is queued (at once for a start already passed), each revival audited. */
  async settle(revived: Revived[]): Promise<void> {
    if (!revived.length) return;
    this.notifier.announce(revived.map((r) => r.broadcast));
    await this.jobs.dispatchAt(revived.map((r) => r.broadcast.startsAt));
    for (const { broadcast, freedBy } of revived) {
      await this.audit.record({
        action: 'broadcast.revive', resourceId: broadcast.id, areaPath: broadcast.areaPath,
        details: { title: broadcast.title, startsAt: broadcast.startsAt.toISOString(), freedBy },
      });
    }
  }
}
