import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeviceNotifier } from '../push/device-notifier.js';
import { PRIORITIES, PRIORITY_RANK } from '../schedules/schedule.entity.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { DeliveriesRepository } from './deliveries.repository.js';

/** A cut-in where it now plays. */
export type PlacedCutIn = Pick<BroadcastEntity, 'id' | 'title' | 'areaPath' | 'priority' | 'startsAt' | 'endsAt'>;

export interface Preempted {
  /** Scheduled broadcasts that will not air. */
  scheduled: MovedBroadcast[];
  /** Broadcasts cut off the air. */
  cutOff: MovedBroadcast[];
}

/**
 * What a cut-in (an emergency, an alert) overrides on its speakers (SPEC §4): the lower priorities of
 * its area's subtree that overlap it become `preempted`.
 */
@Injectable()
export class Preemptions {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
  ) {}

  /**
   * Inside the cut-in's write transaction. Scheduled ones will not air. One on air is cut off only by a
   * cut-in starting now (`startingNow`), its pending deliveries settled `missed` with the reason (a
   * receipt that still arrives from a receiver that played it anyway counts, as any late receipt
   * does); a later cut-in cuts in at its turn on the receivers. `source` names what sent it, e.g. "alert KTTV-1".
   */
  async under(manager: EntityManager, cutIn: PlacedCutIn, startingNow: Date | null, source?: string): Promise<Preempted> {
    const reason = `preempted by ${cutIn.priority} broadcast ${cutIn.id} (${cutIn.title})${source ? ` of ${source}` : ''}`;
    const lower = PRIORITIES.filter((p) => PRIORITY_RANK[p] < PRIORITY_RANK[cutIn.priority]);
    const live = await this.broadcasts.liveBelow(manager, cutIn.areaPath, lower, cutIn.startsAt, cutIn.endsAt);
    const idsOf = (status: string) => live.filter((b) => b.status === status).map((b) => b.id);
    const scheduled = await this.broadcasts.transition(manager, idsOf('scheduled'), ['scheduled'], 'preempted', { reason });
    if (!startingNow) return { scheduled, cutOff: [] };
    const cutOff = await this.broadcasts.transition(manager, idsOf('on_air'), ['on_air'], 'preempted', { reason, finalisedAt: startingNow });
    await this.deliveries.markMissed(manager, cutOff.map((b) => b.id), startingNow, reason);
    return { scheduled, cutOff };
  }

  /** After commit: their receivers are told, and dispatch jobs left with nothing to dispatch are dropped. */
  async settle(preempted: Preempted): Promise<void> {
    this.notifier.withdraw([...preempted.scheduled, ...preempted.cutOff]);
    await this.jobs.dropUnscheduled(preempted.scheduled.map((b) => b.startsAt));
  }
}
