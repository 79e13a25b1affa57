import { Injectable, Logger } from '@nestjs/common';
import type { AreaEntity } from '../areas/area.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import type { SegmentEntity } from '../segments/segment.entity.js';
import { broadcastLengthSec } from '../schedules/timing.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { DeliveryFillsRepository } from './delivery-fills.repository.js';
import { DeliveriesRepository, type DeliveryTarget } from './deliveries.repository.js';
import { validityProblem } from './playlist.js';
import { Preemptions, type Preempted } from './preemptions.js';
import { SpeakerTargets } from './targets.js';
import { BroadcastTurns, waitReason } from './turns.js';

/** A broadcast that cuts in on every speaker of an area: an emergency (SPEC §4) or an alert (SPEC §11). */
export interface CutInSpec {
  area: Pick<AreaEntity, 'id' | 'name' | 'path'>;
  title: string;
  /** Ready, approved segments in the caller's scope, checked by the caller. */
  playlist: SegmentEntity[];
  priority: 'emergency' | 'priority';
  /** Not before: now, or a CAP alert's onset. */
  notBefore: Date;
  repeat: number;
  gapSec: number;
  /** Nothing airs after this (a CAP alert's expiry): fewer passes, or no broadcast at all. */
  until?: Date;
  createdBy: string | null;
  /** What sent it, named in the reasons of what it preempts, e.g. "alert KTTV-1". */
  source?: string;
  /** Its audit entry (`broadcast.emergency`, `broadcast.alert`); when, what it waits for and what it preempts are added. */
  audit: { action: string; details: Record<string, unknown> };
}

export type CutInOutcome =
  | { broadcast: BroadcastEntity; targeted: number; waitsFor: string[]; preempted: string[] }
  /** Nothing airs; `field` is the request's field the reason is about. */
  | { broadcast: null; field: 'areaId' | 'segmentIds' | 'expires'; reason: string };
type Placed = Extract<CutInOutcome, { broadcast: BroadcastEntity }> & { preemptions: Preempted; targets: DeliveryTarget[]; now: Date };

/** How long the fill waits at most for the announcement to go out first. */
const ANNOUNCE_HEAD_START_MS = 1000;
/** Attempts at writing an emergency's deliveries before the tick's repair is left to do it (Dispatcher.fill). */
const FILL_ATTEMPTS = 3;

/**
 * The one path of every cut-in, emergencies and alerts alike (SPEC §4, §14): it takes its turn
 * (BroadcastTurns: it waits for broadcasts of its own priority or higher that hold its speakers),
 * preempts lower priorities there (Preemptions), starts at once when nothing holds them and its time
 * has come, tells the receivers, queues its jobs and goes on the audit trail.
 */
@Injectable()
export class CutIns {
  private readonly logger = new Logger(CutIns.name);

  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly fills: DeliveryFillsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly targets: SpeakerTargets,
    private readonly turns: BroadcastTurns,
    private readonly preemptions: Preemptions,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DeviceNotifier,
  ) {}

  async cutIn(spec: CutInSpec): Promise<CutInOutcome> {
    const id = newId();
    const durations = spec.playlist.map((s) => s.durationSec!);
    const lengthMs = (repeat: number) => Math.round(broadcastLengthSec(durations, repeat, spec.gapSec) * 1000);
    const outcome = await this.transactions.run(async (manager): Promise<Placed | Extract<CutInOutcome, { broadcast: null }>> => {
      const targets = await this.targets.inArea(manager, spec.area.id);
      if (!targets.length) return { broadcast: null, field: 'areaId', reason: `${spec.area.name} has no speakers` };
      const now = this.clock.now();
      const notBefore = spec.notBefore > now ? spec.notBefore : now;
      const turn = await this.turns.next(manager, { areaPath: spec.area.path, speakerIds: null, priority: spec.priority, lengthMs: lengthMs(spec.repeat) }, notBefore);
      const startsAt = turn.startsAt;
      const repeat = spec.until ? Math.min(spec.repeat, passesBefore(spec.until.getTime() - startsAt.getTime(), lengthMs(1), spec.gapSec * 1000)) : spec.repeat;
      if (repeat < 1) return { broadcast: null, field: 'expires', reason: `no time to play it once before ${spec.until!.toISOString()}` };
      const endsAt = new Date(startsAt.getTime() + lengthMs(repeat));
      for (const segment of spec.playlist) {
        const problem = validityProblem(segment, startsAt, endsAt);
        if (problem) return { broadcast: null, field: 'segmentIds', reason: problem };
      }
      const onAir = !turn.after.length && startsAt <= now;
      const broadcast: BroadcastEntity = {
        id, scheduleId: null, areaId: spec.area.id, areaPath: spec.area.path, title: spec.title, startsAt, endsAt, priority: spec.priority, notBefore, repeat, gapSec: spec.gapSec,
        segmentIds: spec.playlist.map((s) => s.id), segmentDurations: durations, speakerIds: null, status: onAir ? 'on_air' : 'scheduled',
        reason: waitReason(turn), createdBy: spec.createdBy, createdAt: now, onAirAt: onAir ? now : null, finalisedAt: null,
      };
      await this.broadcasts.insert(manager, [broadcast]);
      const preemptions = await this.preemptions.under(manager, broadcast, onAir ? now : null, spec.source);
      const preempted = [...preemptions.scheduled, ...preemptions.cutOff].map((b) => b.id);
      return { broadcast, targeted: onAir ? targets.length : 0, waitsFor: turn.after.map((b) => b.id), preempted, preemptions, targets, now };
    });
    if (!outcome.broadcast) return outcome;
    const { preemptions, targets, now, ...placed } = outcome;
    const { broadcast } = placed;
    // Told as soon as it is committed, before its deliveries are written: a national emergency has tens
    // of thousands, and the event carries the whole queue item. Receipts that arrive before the fill are
    // answered 409, to be sent again (ReceiptsService), so none is lost.
    this.notifier.announce([broadcast]);
    if (broadcast.status === 'on_air') {
      // The fill's inserts hold this process's event loop while SQLite runs them: the announcement goes
      // out first, and the frames to this process's own streams are written (a second at most, should Redis hang).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ANNOUNCE_HEAD_START_MS);
        void this.notifier.settled().then(() => setImmediate(() => (clearTimeout(timer), resolve())));
      });
      await this.fill(broadcast, targets, now);
    }
    if (broadcast.status === 'scheduled') await this.jobs.dispatchAt([broadcast.startsAt]);
    else await this.jobs.finaliseAfter([broadcast.endsAt], this.config.LOA_RECEIPT_GRACE_SEC);
    await this.preemptions.settle(preemptions);
    await this.audit.record({
      action: spec.audit.action, resourceId: broadcast.id, userId: spec.createdBy, areaPath: broadcast.areaPath,
      details: { ...spec.audit.details, startsAt: broadcast.startsAt.toISOString(), waitsFor: placed.waitsFor, targeted: placed.targeted, preempted: placed.preempted },
    });
    return placed;
  }

  /**
   * Its pending deliveries, in a transaction of their own after the broadcast's. Should every attempt
   * fail (or the process die first), the broadcast is on air without deliveries, which the scheduler
   * tick's dispatch repairs within a minute, and finalisation before anything else (Dispatcher.fill).
   */
  private async fill(broadcast: BroadcastEntity, targets: DeliveryTarget[], at: Date): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transactions.run(async (manager) => {
          // Locked and checked again: a tick's repair may have filled it meanwhile.
          if ((await this.fills.lackingDeliveriesAmong(manager, [broadcast.id])).length) await this.deliveries.createPending(manager, broadcast, targets, at);
        });
        return;
      } catch (error) {
        this.logger.warn(`deliveries of ${broadcast.priority} broadcast ${broadcast.id} not written (attempt ${attempt} of ${FILL_ATTEMPTS}): ${(error as Error).message}`);
        if (attempt === FILL_ATTEMPTS) return;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}

/** How many passes of `passMs`, `gapMs` apart, fit in `spanMs`. */
const passesBefore = (spanMs: number, passMs: number, gapMs: number): number => Math.floor((spanMs + gapMs) / (passMs + gapMs));
