import { Injectable } from '@nestjs/common';
import type { AreaEntity } from '../areas/area.entity.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import type { SegmentEntity } from '../segments/segment.entity.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { validityProblem } from './playlist.js';
import { SpeakerTargets } from './targets.js';
import { BroadcastTurns } from './turns.js';

/** A broadcast that cuts in on every speaker of an area: an alert (SPEC §11). */
export interface CutInSpec {
  area: Pick<AreaEntity, 'id' | 'name' | 'path'>;
  title: string;
  /** Ready segments, checked by the caller. */
  playlist: SegmentEntity[];
  priority: 'emergency' | 'priority';
  /** Not before: now, or a CAP alert's onset. */
  notBefore: Date;
  repeat: number;
  gapSec: number;
  /** Nothing airs after this (a CAP alert's expiry): fewer passes, or no broadcast at all. */
  until?: Date;
  createdBy: string | null;
  /** Names it in the reasons of what it preempts or waits for, e.g. "alert KTTV-1". */
  label: string;
}

export type CutInOutcome =
  | { broadcast: BroadcastEntity; targeted: number; waitsFor: string[]; preempted: string[] }
  | { broadcast: null; reason: string };

/**
 * Puts a cut-in broadcast on the air or in its turn (SPEC §4, §14): it preempts lower priorities on
 * its speakers, waits for broadcasts of its own priority or higher that hold them (BroadcastTurns),
 * and starts at once when nothing holds them and its time has come.
 */
@Injectable()
export class CutIns {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly deliveryWriter: DeliveriesRepository,
    private readonly targets: SpeakerTargets,
    private readonly turns: BroadcastTurns,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DeviceNotifier,
  ) {}

  async cutIn(spec: CutInSpec): Promise<CutInOutcome> {
    const id = newId();
    const passMs = spec.playlist.reduce((sum, s) => sum + s.durationSec! * 1000, 0);
    const gapMs = spec.gapSec * 1000;
    const lengthMs = (repeat: number) => Math.round(repeat * passMs + (repeat - 1) * gapMs);
    const reason = `preempted by ${spec.label} (${spec.title})`;
    const outcome = await this.transactions.run(async (manager): Promise<CutInOutcome & { scheduled?: Array<{ id: string; startsAt: Date }>; withdrawn?: MovedBroadcast[] }> => {
      const targets = await this.targets.inArea(manager, spec.area.id);
      if (!targets.length) return { broadcast: null, reason: `${spec.area.name} has no speakers` };
      const now = this.clock.now();
      const notBefore = spec.notBefore > now ? spec.notBefore : now;
      const turn = await this.turns.next(manager, { areaPath: spec.area.path, speakerIds: null, priority: spec.priority, lengthMs: lengthMs(spec.repeat) }, notBefore);
      const startsAt = turn.startsAt;
      const repeat = spec.until ? Math.min(spec.repeat, Math.floor((spec.until.getTime() - startsAt.getTime() + gapMs) / (passMs + gapMs))) : spec.repeat;
      if (repeat < 1) return { broadcast: null, reason: `no time to play it once before ${spec.until!.toISOString()}` };
      const endsAt = new Date(startsAt.getTime() + lengthMs(repeat));
      for (const segment of spec.playlist) {
        const problem = validityProblem(segment, startsAt, endsAt);
        if (problem) return { broadcast: null, reason: problem };
      }
      const waits = turn.after.length > 0;
      const onAir = !waits && startsAt <= now;
      const broadcast: BroadcastEntity = {
        id, scheduleId: null, areaId: spec.area.id, areaPath: spec.area.path, title: spec.title, startsAt, endsAt, priority: spec.priority, repeat, gapSec: spec.gapSec,
        segmentIds: spec.playlist.map((s) => s.id), segmentDurations: spec.playlist.map((s) => s.durationSec!), speakerIds: null, status: onAir ? 'on_air' : 'scheduled',
        reason: waits ? `waits for ${turn.after.map((b) => `broadcast ${b.id} (${b.title})`).join(', ')} on shared speakers` : null,
        createdBy: spec.createdBy, createdAt: now, onAirAt: onAir ? now : null, finalisedAt: null,
      };
      await this.broadcasts.insert(manager, [broadcast]);
      if (onAir) await this.deliveryWriter.createPending(manager, broadcast, targets, now);
      const lowerPriorities = spec.priority === 'emergency' ? ['normal', 'priority'] : ['normal'];
      const lower = await this.broadcasts.liveBelow(manager, spec.area.path, lowerPriorities, startsAt, endsAt);
      const scheduled = await this.broadcasts.transition(manager, lower.filter((b) => b.status === 'scheduled').map((b) => b.id), ['scheduled'], 'preempted', { reason });
      // Only a broadcast starting now cuts off what is on air; a later one cuts in at its turn on the receivers.
      const cutOff = onAir ? await this.broadcasts.transition(manager, lower.filter((b) => b.status === 'on_air').map((b) => b.id), ['on_air'], 'preempted', { reason, finalisedAt: now }) : [];
      await this.deliveryWriter.markMissed(manager, cutOff.map((b) => b.id), now, reason);
      return { broadcast, targeted: onAir ? targets.length : 0, waitsFor: turn.after.map((b) => b.id), preempted: [...scheduled, ...cutOff].map((b) => b.id), scheduled, withdrawn: [...scheduled, ...cutOff] };
    });
    if (!outcome.broadcast) return outcome;
    const { broadcast, scheduled = [], withdrawn = [] } = outcome;
    this.notifier.announce([broadcast]);
    this.notifier.withdraw(withdrawn);
    if (broadcast.status === 'scheduled') await this.jobs.dispatchAt([broadcast.startsAt]);
    else await this.jobs.finaliseAfter([broadcast.endsAt], this.config.LOA_RECEIPT_GRACE_SEC);
    const kept = await this.broadcasts.startsStillScheduled(scheduled.map((b) => b.startsAt));
    await this.jobs.dropDispatch(scheduled.map((b) => b.startsAt).filter((at) => !kept.has(at.getTime())));
    return { broadcast, targeted: outcome.targeted, waitsFor: outcome.waitsFor, preempted: outcome.preempted };
  }
}
