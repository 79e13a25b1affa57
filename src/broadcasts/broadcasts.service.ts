import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, inScope, notFoundUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page, PageQuery } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { broadcastLengthSec } from '../schedules/timing.js';
import { areaView, sees, userView } from './area-view.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastProgress } from './broadcast-progress.js';
import { BroadcastDto, DeliveryDto, EmergencyBroadcastDto, ListBroadcastsQuery, type BroadcastProgressDto } from './broadcast.dto.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { Playlists, validityProblem } from './playlist.js';
import { SpeakerTargets } from './targets.js';
import { BroadcastTurns } from './turns.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';

@Injectable()
export class BroadcastsService {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly deliveryWriter: DeliveriesRepository,
    private readonly playlists: Playlists,
    private readonly targets: SpeakerTargets,
    private readonly turns: BroadcastTurns,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly areas: AreasRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DeviceNotifier,
    private readonly progressOf: BroadcastProgress,
  ) {}

  /** The caller's broadcasts (its subtree, and emergencies covering it), newest first, with delivery counts for its speakers. */
  async list(user: AuthUser, query: ListBroadcastsQuery): Promise<Page<BroadcastDto>> {
    let area;
    if (query.communeId) {
      const path = await this.areas.pathOf(query.communeId);
      notFoundUnless(!!path && inScope(user, path), 'commune');
      area = areaView(path!);
    }
    const [rows, total] = await this.broadcasts.page({
      view: userView(user), area, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined,
      status: query.status, limit: query.limit, offset: query.offset,
    });
    const counts = await this.broadcasts.counts(rows.map((b) => b.id), user.areaPath);
    return { items: rows.map((b) => BroadcastDto.of(b, counts.get(b.id)!)), total };
  }

  async get(user: AuthUser, id: string): Promise<BroadcastDto> {
    const broadcast = await this.visible(user, id);
    const counts = await this.broadcasts.counts([id], user.areaPath);
    return BroadcastDto.of(broadcast, counts.get(id)!);
  }

  /** Live progress on its receivers: told, playing, and their receipts so far. */
  async progress(user: AuthUser, id: string): Promise<BroadcastProgressDto> {
    return this.progressOf.of(user, await this.visible(user, id));
  }

  /** An emergency seen from a commune lists that commune's speakers only. */
  async deliveries(user: AuthUser, id: string, page: PageQuery): Promise<Page<DeliveryDto>> {
    await this.visible(user, id);
    const [rows, total] = await this.broadcasts.deliveriesPage(id, user.areaPath, page.limit, page.offset);
    return { items: rows.map(DeliveryDto.of), total };
  }

  /**
   * Plays on every speaker of the area's subtree: at once, or, when another emergency holds some of
   * those speakers, as soon as the last one it overlaps ends there (SPEC §14, see BroadcastTurns);
   * its `startsAt` says which. Lower-priority broadcasts it overlaps there are preempted: scheduled
   * ones will not air; one on air when it starts at once is cut off, its pending deliveries settled
   * `missed` with the reason (a receipt that still arrives from a receiver that played it anyway
   * counts, as any late receipt does). One that waits is dispatched at its turn like any scheduled broadcast.
   */
  async emergency(user: AuthUser, dto: EmergencyBroadcastDto): Promise<BroadcastDto> {
    const area = await this.areas.get(dto.areaId);
    if (!area) throw new BadRequestException(`areaId: no area ${dto.areaId}`);
    forbiddenUnless(inScope(user, area.path), 'areaId is outside your area');
    const playlist = await this.playlists.forArea(user, dto.segmentIds, area.path);
    const now = this.clock.now();
    const lengthMs = Math.round(broadcastLengthSec(playlist.map((s) => s.durationSec!), 1, 0) * 1000);
    const id = newId();
    const reason = `preempted by emergency broadcast ${id} (${dto.title})`;
    const outcome = await this.transactions.run(async (manager) => {
      const targets = await this.targets.inArea(manager, area.id);
      if (!targets.length) throw new BadRequestException(`areaId: ${area.name} has no speakers`);
      const turn = await this.turns.next(manager, { areaPath: area.path, speakerIds: null, priority: 'emergency', lengthMs }, now);
      const startsAt = turn.startsAt;
      const endsAt = new Date(startsAt.getTime() + lengthMs);
      for (const segment of playlist) {
        const problem = validityProblem(segment, startsAt, endsAt);
        if (problem) throw new BadRequestException(`segmentIds: ${problem}`);
      }
      const waits = turn.after.length > 0;
      const broadcast: BroadcastEntity = {
        id, scheduleId: null, areaId: area.id, areaPath: area.path, title: dto.title, startsAt, endsAt, priority: 'emergency', repeat: 1, gapSec: 0,
        segmentIds: dto.segmentIds, segmentDurations: playlist.map((s) => s.durationSec!), speakerIds: null, status: waits ? 'scheduled' : 'on_air',
        reason: waits ? `waits for ${turn.after.map((b) => `emergency broadcast ${b.id} (${b.title})`).join(', ')} on shared speakers` : null,
        createdBy: user.id, createdAt: now, onAirAt: waits ? null : now, finalisedAt: null,
      };
      await this.broadcasts.insert(manager, [broadcast]);
      if (!waits) await this.deliveryWriter.createPending(manager, broadcast, targets, now);
      const lower = await this.broadcasts.liveBelow(manager, area.path, ['normal', 'priority'], startsAt, endsAt);
      const scheduled = await this.broadcasts.transition(manager, lower.filter((b) => b.status === 'scheduled').map((b) => b.id), ['scheduled'], 'preempted', { reason });
      // A waiting emergency cuts in at its turn on the receivers; only one starting now cuts off what is on air.
      const cutOff = waits ? [] : await this.broadcasts.transition(manager, lower.filter((b) => b.status === 'on_air').map((b) => b.id), ['on_air'], 'preempted', { reason, finalisedAt: now });
      await this.deliveryWriter.markMissed(manager, cutOff.map((b) => b.id), now, reason);
      return { broadcast, waitsFor: turn.after.map((b) => b.id), targeted: waits ? 0 : targets.length, scheduled, cutOff };
    });
    const { broadcast } = outcome;
    this.notifier.announce([broadcast]);
    this.notifier.withdraw([...outcome.scheduled, ...outcome.cutOff]);
    if (broadcast.status === 'scheduled') await this.jobs.dispatchAt([broadcast.startsAt]);
    else await this.jobs.finaliseAfter([broadcast.endsAt], this.config.LOA_RECEIPT_GRACE_SEC);
    const kept = await this.broadcasts.startsStillScheduled(outcome.scheduled.map((b) => b.startsAt));
    await this.jobs.dropDispatch(outcome.scheduled.map((b) => b.startsAt).filter((at) => !kept.has(at.getTime())));
    await this.audit.record({
      action: 'broadcast.emergency',
      resourceId: broadcast.id,
      details: {
        areaId: area.id, title: dto.title, segmentIds: dto.segmentIds, startsAt: broadcast.startsAt.toISOString(), waitsFor: outcome.waitsFor,
        targeted: outcome.targeted, preempted: [...outcome.scheduled, ...outcome.cutOff].map((b) => b.id),
      },
    });
    return BroadcastDto.of(broadcast, { targeted: outcome.targeted, pending: outcome.targeted, played: 0, interrupted: 0, failed: 0, missed: 0 });
  }

  /**
   * Takes a broadcast off the air at once (`on_air` → `stopped`), or calls off one still to come
   * (`scheduled` → `cancelled`), and tells its receivers. Pending deliveries of a stopped broadcast are
   * settled at its usual finalisation, so receipts of what played before the stop (`interrupted`) still
   * count. Who: admin; district staff for broadcasts of their area subtree; a commune operator for its
   * own commune's broadcasts that are not emergencies. Invisible: 404; visible but not theirs to stop: 403.
   */
  async stop(user: AuthUser, id: string): Promise<BroadcastDto> {
    const broadcast = await this.visible(user, id);
    forbiddenUnless(mayStop(user, broadcast), user.role === 'commune_operator' && broadcast.priority === 'emergency' ? 'an emergency broadcast can be stopped by district staff only' : 'this broadcast covers more than your area');
    // Past its end it has stopped playing by itself: what is left is waiting for receipts, then its final status.
    if (broadcast.status === 'on_air' && broadcast.endsAt <= this.clock.now()) throw new ConflictException('broadcast has already ended; it is waiting for receipts');
    const reason = `stopped by ${user.username}`;
    const moved = await this.transactions.run(async (manager) => {
      const stopped = await this.broadcasts.transition(manager, [id], ['on_air'], 'stopped', { reason });
      return stopped.length ? stopped : this.broadcasts.transition(manager, [id], ['scheduled'], 'cancelled', { reason });
    });
    if (!moved.length) {
      const now = (await this.broadcasts.get(id))!;
      throw new ConflictException(`broadcast is already ${now.status}: only a scheduled or on-air broadcast can be stopped`);
    }
    this.notifier.withdraw(moved);
    if (moved[0].status === 'cancelled') {
      const kept = await this.broadcasts.startsStillScheduled([moved[0].startsAt]);
      if (!kept.size) await this.jobs.dropDispatch([moved[0].startsAt]);
    }
    await this.audit.record({ action: 'broadcast.stop', resourceId: id, areaPath: broadcast.areaPath, details: { title: broadcast.title, from: broadcast.status, to: moved[0].status } });
    return this.get(user, id);
  }

  /** After late receipts turned `missed` deliveries into `played`/`failed`: recomputes completed/partial/missed. */
  async refreshFinalStatus(broadcastIds: string[]): Promise<void> {
    if (!broadcastIds.length) return;
    await this.transactions.run((manager) => this.broadcasts.refreshFinal(manager, broadcastIds));
  }

  private async visible(user: AuthUser, id: string): Promise<BroadcastEntity> {
    const broadcast = await this.broadcasts.get(id);
    notFoundUnless(!!broadcast && sees(userView(user), broadcast.areaPath), 'broadcast');
    return broadcast!;
  }
}

/** A broadcast of the caller's own subtree (an emergency from above covers more than it); commune operators never stop emergencies. */
function mayStop(user: AuthUser, broadcast: BroadcastEntity): boolean {
  if (user.role === 'commune_operator' && broadcast.priority === 'emergency') return false;
  return inScope(user, broadcast.areaPath);
}
