import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, inScope, notFoundUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { Page, PageQuery } from '../common/pagination.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { areaView, sees, userView } from './area-view.js';
import { BroadcastProgress } from './broadcast-progress.js';
import { BroadcastDto, DeliveryDto, EmergencyBroadcastDto, ListBroadcastsQuery, type BroadcastProgressDto } from './broadcast.dto.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { CutIns } from './cut-ins.js';
import { DeliveryCountsRepository } from './delivery-counts.js';
import { Playlists } from './playlist.js';
import { BroadcastWithdrawals } from './withdrawals.js';

@Injectable()
export class BroadcastsService {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly deliveryCounts: DeliveryCountsRepository,
    private readonly playlists: Playlists,
    private readonly cutIns: CutIns,
    private readonly withdrawals: BroadcastWithdrawals,
    private readonly transactions: WriteTransactions,
    private readonly areas: AreasRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
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
    const counts = await this.deliveryCounts.counts(rows.map((b) => b.id), user.areaPath);
    return { items: rows.map((b) => BroadcastDto.of(b, counts.get(b.id)!)), total };
  }

  async get(user: AuthUser, id: string): Promise<BroadcastDto> {
    const broadcast = await this.visible(user, id);
    const counts = await this.deliveryCounts.counts([id], user.areaPath);
    return BroadcastDto.of(broadcast, counts.get(id)!);
  }

  /** Live progress on its receivers: told, playing, and their receipts so far. */
  async progress(user: AuthUser, id: string): Promise<BroadcastProgressDto> {
    return this.progressOf.of(user, await this.visible(user, id));
  }

  /** An emergency seen from a commune lists that commune's speakers only. */
  async deliveries(user: AuthUser, id: string, page: PageQuery): Promise<Page<DeliveryDto>> {
    await this.visible(user, id);
    const [rows, total] = await this.deliveryCounts.page(id, user.areaPath, page.limit, page.offset);
    return { items: rows.map(DeliveryDto.of), total };
  }

  /**
   * Plays on every speaker of the area's subtree: at once, or, when another emergency holds some of
   * those speakers, as soon as the last one it overlaps ends there (SPEC §14); its `startsAt` says
   * which. Lower-priority broadcasts it overlaps there are preempted. The one path of every cut-in,
   * alerts included: CutIns.
   */
  async emergency(user: AuthUser, dto: EmergencyBroadcastDto): Promise<BroadcastDto> {
    const area = await this.areas.get(dto.areaId);
    if (!area) throw new BadRequestException(`areaId: no area ${dto.areaId}`);
    forbiddenUnless(inScope(user, area.path), 'areaId is outside your area');
    const playlist = await this.playlists.forArea(user, dto.segmentIds, area.path);
    const outcome = await this.cutIns.cutIn({
      area, title: dto.title, playlist, priority: 'emergency', notBefore: this.clock.now(), repeat: 1, gapSec: 0, createdBy: user.id,
      audit: { action: 'broadcast.emergency', details: { areaId: area.id, title: dto.title, segmentIds: dto.segmentIds } },
    });
    if (!outcome.broadcast) throw new BadRequestException(`${outcome.field}: ${outcome.reason}`);
    const { targeted } = outcome;
    return BroadcastDto.of(outcome.broadcast, { targeted, pending: targeted, played: 0, interrupted: 0, failed: 0, missed: 0 });
  }

  /**
   * Takes a broadcast off the air at once (`on_air` → `stopped`), or calls off one still to come
   * (`scheduled` → `cancelled`), and tells its receivers; cut-ins that waited for it move up (SPEC §14).
   * Pending deliveries of a stopped broadcast are settled at its usual finalisation, so receipts of what
   * played before the stop (`interrupted`) still count. Who: admin; district staff for broadcasts of
   * their area subtree; a commune operator for its own commune's broadcasts that are not emergencies.
   * Invisible: 404; visible but not theirs to stop: 403.
   */
  async stop(user: AuthUser, id: string): Promise<BroadcastDto> {
    const broadcast = await this.visible(user, id);
    forbiddenUnless(mayStop(user, broadcast), user.role === 'commune_operator' && broadcast.priority === 'emergency' ? 'an emergency broadcast can be stopped by district staff only' : 'this broadcast covers more than your area');
    // Past its end it has stopped playing by itself: what is left is waiting for receipts, then its final status.
    if (broadcast.status === 'on_air' && broadcast.endsAt <= this.clock.now()) throw new ConflictException('broadcast has already ended; it is waiting for receipts');
    const [moved] = await this.withdrawals.withdraw([id], `stopped by ${user.username}`);
    if (!moved) {
      const now = (await this.broadcasts.get(id))!;
      throw new ConflictException(`broadcast is already ${now.status}: only a scheduled or on-air broadcast can be stopped`);
    }
    await this.audit.record({ action: 'broadcast.stop', resourceId: id, areaPath: broadcast.areaPath, details: { title: broadcast.title, from: broadcast.status, to: moved.status } });
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
