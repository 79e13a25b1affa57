import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AreaEntity } from '../areas/area.entity.js';
import { AreasRepository } from '../areas/areas.repository.js';
import { AreasService } from '../areas/areas.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { inScope, notFoundUnless } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Playlists } from '../broadcasts/playlist.js';
import { SpeakerTargets } from '../broadcasts/targets.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { iso } from '../common/iso.js';
import type { Page } from '../common/pagination.js';
import { firstClash } from './conflicts.js';
import { Materialiser, mergeChanges } from './materialiser.js';
import { CreateScheduleDto, ListSchedulesQuery, OccurrencesQuery, ScheduleDto, UpdateScheduleDto, type OccurrencesDto } from './schedule.dto.js';
import type { ScheduleEntity } from './schedule.entity.js';
import { CONFLICT_WINDOW_MS, ScheduleRules } from './schedule-rules.js';
import { SchedulesRepository } from './schedules.repository.js';
import { broadcastLengthSec, DEFAULT_TIMEZONE, occurrences } from './timing.js';

const DAY = 86_400_000;
/** PATCH may clear the optional fields with null, not these. */
const REQUIRED_FIELDS = ['title', 'segmentIds', 'priority', 'repeat', 'gapSec'] as const;
const MAX_OCCURRENCE_SPAN_MS = 366 * DAY;
const MAX_OCCURRENCES_LISTED = 1000;

@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly rules: ScheduleRules,
    private readonly materialiser: Materialiser,
    private readonly playlists: Playlists,
    private readonly targets: SpeakerTargets,
    private readonly transactions: WriteTransactions,
    private readonly areas: AreasRepository,
    private readonly areasService: AreasService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(user: AuthUser, dto: CreateScheduleDto): Promise<ScheduleDto> {
    const commune = await this.areasService.communeForWrite(user, dto.communeId);
    const now = this.clock.now();
    const schedule: ScheduleEntity = {
      id: newId(), communeId: commune.id, title: dto.title, segmentIds: dto.segmentIds, speakerIds: dto.speakerIds ?? null,
      cron: dto.cron ?? null, timezone: dto.timezone ?? DEFAULT_TIMEZONE, startDate: dto.startDate ?? null, endDate: dto.endDate ?? null,
      at: dto.at ? new Date(dto.at) : null, priority: dto.priority ?? 'normal', repeat: dto.repeat ?? 1, gapSec: dto.gapSec ?? 30,
      createdBy: user.id, materialisedUntil: null, createdAt: now, updatedAt: now, deletedAt: null,
    };
    const lengthSec = await this.rules.check(user, schedule, commune, now);
    const changes = await this.transactions.run(async (manager) => {
      await this.schedules.lockCommune(manager, commune.id);
      await this.assertNoClash(manager, schedule, lengthSec, commune);
      await this.schedules.insert(manager, schedule);
      return this.materialiser.materialiseIn(manager, [schedule]);
    });
    await this.materialiser.follow(changes);
    await this.audit.record({ action: 'schedule.create', resourceId: schedule.id, details: this.auditDetails(schedule) });
    return ScheduleDto.of(schedule);
  }

  async list(user: AuthUser, query: ListSchedulesQuery): Promise<Page<ScheduleDto>> {
    if (query.communeId) notFoundUnless(await this.isVisibleArea(user, query.communeId), 'commune');
    const [rows, total] = await this.schedules.list({ pathPrefix: user.areaPath, communeId: query.communeId, limit: query.limit, offset: query.offset });
    return { items: rows.map(ScheduleDto.of), total };
  }

  /** Deleted schedules stay readable: their past broadcasts refer to them. */
  async get(user: AuthUser, id: string): Promise<ScheduleDto> {
    return ScheduleDto.of(await this.visible(user, id));
  }

  async occurrences(user: AuthUser, id: string, query: OccurrencesQuery): Promise<OccurrencesDto> {
    const schedule = await this.visible(user, id);
    const from = query.from ? new Date(query.from) : this.clock.now();
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + 7 * DAY);
    if (to.getTime() <= from.getTime()) throw new BadRequestException('to: must be after from');
    if (to.getTime() - from.getTime() > MAX_OCCURRENCE_SPAN_MS) throw new BadRequestException('to: at most 366 days after from');
    if (schedule.deletedAt) return { items: [] };
    const segments = await this.playlists.byIds(schedule.segmentIds);
    const lengthSec = broadcastLengthSec(schedule.segmentIds.map((s) => segments.get(s)?.durationSec ?? 0), schedule.repeat, schedule.gapSec);
    const items = occurrences(schedule, lengthSec, from, to, MAX_OCCURRENCES_LISTED).map((o) => ({ startsAt: iso(o.startsAt)!, endsAt: iso(o.endsAt)! }));
    return { items };
  }

  /** A new version of the schedule: its broadcasts that have not aired are cancelled and materialised again. */
  async update(user: AuthUser, id: string, dto: UpdateScheduleDto): Promise<ScheduleDto> {
    for (const field of REQUIRED_FIELDS) if (dto[field] === null) throw new BadRequestException(`${field} cannot be null`);
    const current = await this.editable(user, id);
    const commune = (await this.areas.get(current.communeId))!;
    const now = this.clock.now();
    const next: ScheduleEntity = { ...current, ...definedFields(dto), at: dto.at === undefined ? current.at : dto.at ? new Date(dto.at) : null, updatedAt: now, materialisedUntil: null };
    next.timezone ??= DEFAULT_TIMEZONE;
    const lengthSec = await this.rules.check(user, next, commune, now);
    const { changes, cancelled } = await this.transactions.run(async (manager) => {
      await this.schedules.lockCommune(manager, commune.id);
      await this.schedules.lock(manager, id);
      await this.assertNoClash(manager, next, lengthSec, commune);
      const cancelling = await this.materialiser.cancelFutureIn(manager, current, 'schedule edited');
      await this.schedules.update(manager, id, { ...definedFields(dto), at: next.at, timezone: next.timezone, updatedAt: now, materialisedUntil: null });
      return { changes: mergeChanges(cancelling, await this.materialiser.materialiseIn(manager, [next])), cancelled: cancelling.unscheduled.length };
    });
    await this.materialiser.follow(changes);
    await this.audit.record({ action: 'schedule.update', resourceId: id, details: { changes: definedFields(dto), cancelled } });
    return ScheduleDto.of(next);
  }

  /** Soft delete: past broadcasts keep their schedule; future ones are cancelled. */
  async remove(user: AuthUser, id: string): Promise<ScheduleDto> {
    const current = await this.editable(user, id);
    const now = this.clock.now();
    const changes = await this.transactions.run(async (manager) => {
      await this.schedules.lock(manager, id);
      await this.schedules.update(manager, id, { deletedAt: now, updatedAt: now });
      return this.materialiser.cancelFutureIn(manager, current, 'schedule deleted');
    });
    await this.materialiser.follow(changes);
    await this.audit.record({ action: 'schedule.delete', resourceId: id, details: { title: current.title, communeId: current.communeId, cancelled: changes.unscheduled.length } });
    return ScheduleDto.of({ ...current, deletedAt: now, updatedAt: now });
  }

  /**
   * 409 when the schedule's occurrences in the next 30 days overlap those of another schedule of the
   * same priority in the commune on a shared speaker (null speakerIds: the commune's current speakers).
   */
  private async assertNoClash(manager: EntityManager, schedule: ScheduleEntity, lengthSec: number, commune: AreaEntity): Promise<void> {
    const others = await this.schedules.samePriority(manager, commune.id, schedule.priority, schedule.id);
    if (!others.length) return;
    const now = this.clock.now();
    const until = new Date(now.getTime() + CONFLICT_WINDOW_MS);
    const segments = await this.playlists.byIds(others.flatMap((o) => o.segmentIds), manager);
    const allSpeakers = (await this.targets.inArea(manager, commune.id)).map((t) => t.speakerId);
    const clash = firstClash(
      { targets: schedule.speakerIds ?? allSpeakers, occurrences: occurrences(schedule, lengthSec, now, until) },
      others.map((other) => ({
        scheduleId: other.id,
        targets: other.speakerIds ?? allSpeakers,
        occurrences: occurrences(other, broadcastLengthSec(other.segmentIds.map((s) => segments.get(s)?.durationSec ?? 0), other.repeat, other.gapSec), now, until),
      })),
    );
    if (!clash) return;
    const other = others.find((o) => o.id === clash.scheduleId)!;
    throw new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: `overlaps ${schedule.priority} schedule "${other.title}" (${other.id}) on a shared speaker: its broadcast at ${iso(clash.startsAt)} against this one at ${iso(clash.candidateStartsAt)}`,
      conflict: { scheduleId: clash.scheduleId, startsAt: iso(clash.startsAt) },
    });
  }

  private async visible(user: AuthUser, id: string): Promise<ScheduleEntity> {
    const schedule = await this.schedules.get(id);
    notFoundUnless(!!schedule && (await this.isVisibleArea(user, schedule.communeId)), 'schedule');
    return schedule!;
  }

  private async editable(user: AuthUser, id: string): Promise<ScheduleEntity> {
    const schedule = await this.visible(user, id);
    notFoundUnless(!schedule.deletedAt, 'schedule');
    return schedule;
  }

  private async isVisibleArea(user: AuthUser, areaId: string): Promise<boolean> {
    const path = await this.areas.pathOf(areaId);
    return !!path && inScope(user, path);
  }

  private auditDetails(s: ScheduleEntity): Record<string, unknown> {
    return { communeId: s.communeId, title: s.title, segmentIds: s.segmentIds, speakerIds: s.speakerIds, cron: s.cron, timezone: s.timezone, at: iso(s.at), priority: s.priority, repeat: s.repeat, gapSec: s.gapSec };
  }
}

/** The fields a PATCH body actually sets (undefined: left as is; null: cleared). */
function definedFields(dto: UpdateScheduleDto): Partial<ScheduleEntity> {
  const { at: _at, ...rest } = dto;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Partial<ScheduleEntity>;
}
