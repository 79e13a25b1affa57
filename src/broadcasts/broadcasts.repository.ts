import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { AreaView } from './area-view.js';
import { BroadcastEntity, type BroadcastStatus } from './broadcast.entity.js';
import { DeliveryEntity } from './delivery.entity.js';
import { chunked, insertRows, sqlRows, tableOf } from '../database/sql.js';

export interface BroadcastFilter {
  view: AreaView;
  /** Narrowing to one area: broadcasts of its subtree and emergencies covering it. */
  area?: AreaView;
  from?: Date;
  to?: Date;
  status?: BroadcastStatus;
  limit: number;
  offset: number;
}

/** What dispatch needs of a broadcast it has just put on air. */
export type ClaimedBroadcast = Pick<BroadcastEntity, 'id' | 'areaId' | 'areaPath' | 'segmentIds' | 'speakerIds' | 'startsAt' | 'endsAt'>;

/**
 * A broadcast a transition moved: when it starts (for its dispatch job), its new status, who it reaches
 * (to tell its receivers), and its area and priority (a cut-in's turn may have come: SPEC §14).
 */
export type MovedBroadcast = Pick<BroadcastEntity, 'id' | 'startsAt' | 'status' | 'areaId' | 'areaPath' | 'priority' | 'speakerIds'>;
const MOVED_COLUMNS = '"id", "startsAt", "status", "areaId", "areaPath", "priority", "speakerIds"';
type MovedRow = Omit<MovedBroadcast, 'startsAt' | 'speakerIds'> & { startsAt: string | number; speakerIds: string | null };
const movedBroadcast = (row: MovedRow): MovedBroadcast => ({
  ...row, startsAt: new Date(Number(row.startsAt)), speakerIds: row.speakerIds === null ? null : (JSON.parse(row.speakerIds) as string[]),
});

const FINAL_STATUSES: BroadcastStatus[] = ['completed', 'partial', 'missed'];
/** Ids per IN (...) list: under every driver's bound-parameter limit. */
const IN_CHUNK = 5000;

@Injectable()
export class BroadcastsRepository {
  constructor(@InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>) {}

  get(id: string): Promise<BroadcastEntity | null> {
    return this.broadcasts.findOneBy({ id });
  }

  async insert(manager: EntityManager, rows: BroadcastEntity[]): Promise<void> {
    await insertRows(manager, BroadcastEntity, rows);
  }

  /** Newest first. */
  page(filter: BroadcastFilter): Promise<[BroadcastEntity[], number]> {
    const query = this.broadcasts.createQueryBuilder('b').orderBy('b.startsAt', 'DESC').addOrderBy('b.id', 'ASC').take(filter.limit).skip(filter.offset);
    whereVisible(query, filter.view, 'view');
    if (filter.area) whereVisible(query, filter.area, 'area');
    if (filter.from) query.andWhere('b.startsAt >= :from', { from: filter.from.getTime() });
    if (filter.to) query.andWhere('b.startsAt < :to', { to: filter.to.getTime() });
    if (filter.status) query.andWhere('b.status = :status', { status: filter.status });
    return query.getManyAndCount();
  }

  /** Scheduled or on-air broadcasts of `areaPaths` (a commune and its ancestors) overlapping [from, to). */
  live(manager: EntityManager, areaPaths: string[], from: Date, to: Date): Promise<BroadcastEntity[]> {
    return manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where('b.areaPath IN (:...areaPaths)', { areaPaths })
      .andWhere('b.status IN (:...live)', { live: ['scheduled', 'on_air'] })
      .andWhere('b.startsAt < :to AND b.endsAt > :from', { from: from.getTime(), to: to.getTime() })
      .getMany();
  }

  /** Lower-priority broadcasts of an area's subtree, scheduled or on air, overlapping [from, to). */
  liveBelow(manager: EntityManager, prefix: string, priorities: string[], from: Date, to: Date): Promise<BroadcastEntity[]> {
    return manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where('b.areaPath LIKE :prefix', { prefix: `${prefix}%` })
      .andWhere('b.status IN (:...live)', { live: ['scheduled', 'on_air'] })
      .andWhere('b.priority IN (:...priorities)', { priorities })
      .andWhere('b.startsAt < :to AND b.endsAt > :from', { from: from.getTime(), to: to.getTime() })
      .getMany();
  }

  /** Future preempted broadcasts of `areaPath` overlapping [from, to): candidates to air again once their preemptor is gone. */
  preemptedFuture(manager: EntityManager, areaPath: string, from: Date, to: Date, now: Date): Promise<BroadcastEntity[]> {
    return manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where('b.areaPath = :areaPath AND b.status = :preempted', { areaPath, preempted: 'preempted' })
      .andWhere('b.startsAt > :now AND b.startsAt < :to AND b.endsAt > :from', { now: now.getTime(), from: from.getTime(), to: to.getTime() })
      .andWhere('b.scheduleId IS NOT NULL')
      .getMany();
  }

  /**
   * Broadcasts of an area's subtree preempted before they went on air, of `priorities`, overlapping
   * [from, to) and not over by `now`: what a cut-in taken off had kept off the air.
   */
  preemptedBelow(manager: EntityManager, prefix: string, priorities: string[], from: Date, to: Date, now: Date): Promise<BroadcastEntity[]> {
    return manager
      .createQueryBuilder(BroadcastEntity, 'b')
      .where('b.areaPath LIKE :prefix AND b.status = :preempted AND b.onAirAt IS NULL', { prefix: `${prefix}%`, preempted: 'preempted' })
      .andWhere('b.priority IN (:...priorities)', { priorities })
      .andWhere('b.startsAt < :to AND b.endsAt > :from AND b.endsAt > :now', { from: from.getTime(), to: to.getTime(), now: now.getTime() })
      .getMany();
  }

  /** Moves broadcasts from one status to another, only those still in `from`; answers the ones moved. */
  async transition(manager: EntityManager, ids: string[], from: BroadcastStatus[], to: BroadcastStatus, changes: { reason?: string | null; finalisedAt?: Date; onAirAt?: Date | null } = {}): Promise<MovedBroadcast[]> {
    const moved: MovedBroadcast[] = [];
    for (const chunk of chunked(ids, IN_CHUNK)) {
      const sets = ['"status" = :to'];
      if (changes.reason !== undefined) sets.push('"reason" = :reason');
      if (changes.finalisedAt) sets.push('"finalisedAt" = :finalisedAt');
      if (changes.onAirAt !== undefined) sets.push('"onAirAt" = :onAirAt');
      const rows = await sqlRows<MovedRow>(
        manager,
        `UPDATE ${tableOf(manager, BroadcastEntity)} SET ${sets.join(', ')} WHERE "id" IN (:...ids) AND "status" IN (:...from) RETURNING ${MOVED_COLUMNS}`,
        { ids: chunk, from, to, reason: changes.reason ?? null, finalisedAt: changes.finalisedAt?.getTime() ?? null, onAirAt: changes.onAirAt?.getTime() ?? null },
      );
      moved.push(...rows.map(movedBroadcast));
    }
    return moved;
  }

  /** Gives a scheduled broadcast a new time, unless it has gone on air (or moved) meanwhile; answers whether it moved. */
  async reschedule(manager: EntityManager, broadcast: Pick<BroadcastEntity, 'id' | 'startsAt'>, to: Pick<BroadcastEntity, 'startsAt' | 'endsAt' | 'reason'>): Promise<boolean> {
    const rows = await sqlRows<{ id: string }>(
      manager,
      `UPDATE ${tableOf(manager, BroadcastEntity)} SET "startsAt" = :startsAt, "endsAt" = :endsAt, "reason" = :reason
       WHERE "id" = :id AND "status" = 'scheduled' AND "startsAt" = :from RETURNING "id"`,
      { id: broadcast.id, from: broadcast.startsAt.getTime(), startsAt: to.startsAt.getTime(), endsAt: to.endsAt.getTime(), reason: to.reason },
    );
    return rows.length > 0;
  }

  /** Cancels a schedule's broadcasts that have not aired and start after `now`. */
  async cancelFuture(manager: EntityManager, scheduleId: string, now: Date, reason: string): Promise<MovedBroadcast[]> {
    const rows = await sqlRows<MovedRow>(
      manager,
      `UPDATE ${tableOf(manager, BroadcastEntity)} SET "status" = 'cancelled', "reason" = :reason
       WHERE "scheduleId" = :scheduleId AND "status" IN ('scheduled', 'preempted') AND "startsAt" > :now RETURNING ${MOVED_COLUMNS}`,
      { scheduleId, now: now.getTime(), reason },
    );
    return rows.map(movedBroadcast);
  }

  /**
   * Claims up to `limit` scheduled broadcasts due by `cutoff`, marking them on air. The conditional
   * UPDATE is the only way a broadcast goes on air, so concurrent workers never claim one twice.
   */
  async claimDue(manager: EntityManager, cutoff: Date, now: Date, limit: number): Promise<ClaimedBroadcast[]> {
    const table = tableOf(manager, BroadcastEntity);
    const rows = await sqlRows<{ id: string; areaId: string; areaPath: string; segmentIds: string; speakerIds: string | null; startsAt: string | number; endsAt: string | number }>(
      manager,
      `UPDATE ${table} SET "status" = 'on_air', "onAirAt" = :now
       WHERE "id" IN (SELECT "id" FROM ${table} WHERE "status" = 'scheduled' AND "startsAt" <= :cutoff ORDER BY "startsAt" LIMIT :limit)
       AND "status" = 'scheduled' RETURNING "id", "areaId", "areaPath", "segmentIds", "speakerIds", "startsAt", "endsAt"`,
      { now: now.getTime(), cutoff: cutoff.getTime(), limit },
    );
    // Raw rows: id lists are TypeORM's simple-json text, instants epoch-ms bigints (strings from PostgreSQL).
    return rows.map((row) => ({
      id: row.id, areaId: row.areaId, areaPath: row.areaPath, segmentIds: JSON.parse(row.segmentIds) as string[],
      speakerIds: row.speakerIds === null ? null : (JSON.parse(row.speakerIds) as string[]), startsAt: new Date(Number(row.startsAt)), endsAt: new Date(Number(row.endsAt)),
    }));
  }

  /**
   * Claims up to `limit` broadcasts that ended by `endedBy` for finalising: on air, or stopped (whose
   * pending deliveries are settled at the usual time, after any receipts of what played before the stop).
   */
  async claimEnded(manager: EntityManager, endedBy: Date, now: Date, limit: number): Promise<string[]> {
    const table = tableOf(manager, BroadcastEntity);
    const rows = await sqlRows<{ id: string }>(
      manager,
      `UPDATE ${table} SET "finalisedAt" = :now
       WHERE "id" IN (SELECT "id" FROM ${table} WHERE "status" IN ('on_air', 'stopped') AND "finalisedAt" IS NULL AND "endsAt" <= :endedBy ORDER BY "endsAt" LIMIT :limit)
       AND "status" IN ('on_air', 'stopped') AND "finalisedAt" IS NULL RETURNING "id"`,
      { now: now.getTime(), endedBy: endedBy.getTime(), limit },
    );
    return rows.map((row) => row.id);
  }

  /** Gives claimed broadcasts still on air their final status from their deliveries (see finalStatus); stopped ones stay stopped. */
  async finalise(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    for (const [status, group] of await this.finalStatuses(manager, ids)) {
      await manager.createQueryBuilder().update(BroadcastEntity).set({ status, finalisedAt: now }).where('id IN (:...ids) AND status = :onAir', { ids: group, onAir: 'on_air' }).execute();
    }
  }

  /** Recomputes the final status of broadcasts already finalised (late receipts); others are left alone. */
  async refreshFinal(manager: EntityManager, ids: string[]): Promise<void> {
    for (const [status, group] of await this.finalStatuses(manager, ids)) {
      await manager.createQueryBuilder().update(BroadcastEntity).set({ status }).where('id IN (:...ids) AND status IN (:...final)', { ids: group, final: FINAL_STATUSES }).execute();
    }
  }

  /** Broadcast ids grouped by the final status their deliveries give them, from one grouped count per chunk. */
  private async finalStatuses(manager: EntityManager, ids: string[]): Promise<Map<BroadcastStatus, string[]>> {
    const groups = new Map<BroadcastStatus, string[]>();
    for (const chunk of chunked(ids, IN_CHUNK)) {
      const rows = await manager
        .createQueryBuilder(DeliveryEntity, 'd')
        .select('d.broadcastId', 'id')
        .addSelect('COUNT(*)', 'total')
        .addSelect(`SUM(CASE WHEN d.status = 'played' THEN 1 ELSE 0 END)`, 'played')
        .where('d.broadcastId IN (:...ids)', { ids: chunk })
        .groupBy('d.broadcastId')
        .getRawMany<{ id: string; total: string | number; played: string | number }>();
      const tallies = new Map(rows.map((row) => [row.id, { total: Number(row.total), played: Number(row.played) }]));
      for (const id of chunk) {
        const status = finalStatus(tallies.get(id) ?? { total: 0, played: 0 });
        const group = groups.get(status);
        if (group) group.push(id);
        else groups.set(status, [id]);
      }
    }
    return groups;
  }

  /** Distinct start instants of scheduled broadcasts due by `until`: each needs its dispatch job. */
  async scheduledStarts(until: Date): Promise<Date[]> {
    const rows = await this.broadcasts.createQueryBuilder('b').select('DISTINCT b.startsAt', 'at').where('b.status = :scheduled AND b.startsAt <= :until', { scheduled: 'scheduled', until: until.getTime() }).getRawMany<{ at: string | number }>();
    return rows.map((row) => new Date(Number(row.at)));
  }

  /** Distinct end instants of broadcasts on air (or stopped) and not finalised: each needs its finalise job. */
  async onAirEnds(): Promise<Date[]> {
    const rows = await this.broadcasts.createQueryBuilder('b').select('DISTINCT b.endsAt', 'at').where("b.status IN ('on_air', 'stopped') AND b.finalisedAt IS NULL").getRawMany<{ at: string | number }>();
    return rows.map((row) => new Date(Number(row.at)));
  }

  /** Which of these start instants still have a scheduled broadcast (their dispatch job must stay). */
  async startsStillScheduled(starts: Date[]): Promise<Set<number>> {
    if (!starts.length) return new Set();
    const rows = await this.broadcasts
      .createQueryBuilder('b')
      .select('DISTINCT b.startsAt', 'at')
      .where('b.status = :scheduled AND b.startsAt IN (:...starts)', { scheduled: 'scheduled', starts: starts.map((s) => s.getTime()) })
      .getRawMany<{ at: string | number }>();
    return new Set(rows.map((row) => Number(row.at)));
  }
}

/** `completed` when every delivery played, `partial` when some did, `missed` when none did. */
export function finalStatus(tally: { total: number; played: number }): BroadcastStatus {
  if (tally.total > 0 && tally.played === tally.total) return 'completed';
  return tally.played > 0 ? 'partial' : 'missed';
}

function whereVisible(query: SelectQueryBuilder<BroadcastEntity>, view: AreaView, name: string): void {
  if (view.prefix === null) return;
  query.andWhere(
    new Brackets((q) => {
      q.where(`b.areaPath LIKE :${name}Prefix`, { [`${name}Prefix`]: `${view.prefix}%` });
      if (view.ancestors.length) q.orWhere(`b.areaPath IN (:...${name}Ancestors)`, { [`${name}Ancestors`]: view.ancestors });
    }),
  );
}
