import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, IsNull, Not, Repository } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { chunked, isPostgres, sqlRows, tableOf } from '../database/sql.js';

/** Ids per statement: two bound parameters each stays under every driver's limit. */
const IN_CHUNK = 1000;
import { ScheduleEntity, type Priority } from './schedule.entity.js';

@Injectable()
export class SchedulesRepository {
  constructor(@InjectRepository(ScheduleEntity) private readonly schedules: Repository<ScheduleEntity>) {}

  get(id: string, manager: EntityManager = this.schedules.manager): Promise<ScheduleEntity | null> {
    return manager.findOneBy(ScheduleEntity, { id });
  }

  async insert(manager: EntityManager, schedule: ScheduleEntity): Promise<void> {
    await manager.insert(ScheduleEntity, schedule);
  }

  async update(manager: EntityManager, id: string, changes: Partial<ScheduleEntity>): Promise<void> {
    await manager.update(ScheduleEntity, { id }, changes);
  }

  /**
   * Locks the schedule's row for the rest of the transaction with a no-op UPDATE, so two processes
   * never materialise or edit one schedule at the same time.
   */
  async lock(manager: EntityManager, id: string): Promise<void> {
    await manager.createQueryBuilder().update(ScheduleEntity).set({ materialisedUntil: () => '"materialisedUntil"' }).where('id = :id', { id }).execute();
  }

  /**
   * Serialises schedule writes within one commune, so two concurrent requests cannot both pass the
   * conflict check. SQLite transactions are serial already (see WriteTransactions).
   */
  async lockCommune(manager: EntityManager, communeId: string): Promise<void> {
    if (!isPostgres(manager)) return;
    await manager.createQueryBuilder(AreaEntity, 'a').select('a.id').where('a.id = :communeId', { communeId }).setLock('pessimistic_write').getOne();
  }

  list(filter: { pathPrefix: string | null; communeId?: string; limit: number; offset: number }): Promise<[ScheduleEntity[], number]> {
    const query = this.schedules
      .createQueryBuilder('s')
      .innerJoin(AreaEntity, 'a', 'a.id = s.communeId')
      .where('s.deletedAt IS NULL')
      .orderBy('s.createdAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset);
    if (filter.pathPrefix) query.andWhere('a.path LIKE :prefix', { prefix: `${filter.pathPrefix}%` });
    if (filter.communeId) query.andWhere('s.communeId = :communeId', { communeId: filter.communeId });
    return query.getManyAndCount();
  }

  /** The commune's other live schedules of one priority: the ones a new schedule must not clash with. */
  samePriority(manager: EntityManager, communeId: string, priority: Priority, exceptId: string): Promise<ScheduleEntity[]> {
    return manager.findBy(ScheduleEntity, { communeId, priority, deletedAt: IsNull(), id: Not(exceptId) });
  }

  /** Live schedules not yet materialised up to `until`, oldest horizon first; one-offs already covered are left out. */
  behind(until: Date, limit: number, afterId: string | null): Promise<ScheduleEntity[]> {
    const query = this.schedules
      .createQueryBuilder('s')
      .where('s.deletedAt IS NULL')
      .andWhere(new Brackets((q) => q.where('s.materialisedUntil IS NULL').orWhere('s.materialisedUntil < :until', { until: until.getTime() })))
      .andWhere(new Brackets((q) => q.where('s.at IS NULL').orWhere('s.materialisedUntil IS NULL').orWhere('s.at >= s.materialisedUntil')))
      .orderBy('s.id', 'ASC')
      .take(limit);
    if (afterId) query.andWhere('s.id > :afterId', { afterId });
    return query.getMany();
  }

  /**
   * The live schedules among `ids`, read again and locked for the rest of the transaction (in id
   * order, as every locker takes them). On PostgreSQL a schedule another transaction holds is skipped:
   * that one is materialising or editing it already. SQLite transactions are serial (WriteTransactions).
   */
  async lockLive(manager: EntityManager, ids: string[]): Promise<ScheduleEntity[]> {
    const query = manager.createQueryBuilder(ScheduleEntity, 's').where('s.id IN (:...ids)', { ids }).andWhere('s.deletedAt IS NULL').orderBy('s.id', 'ASC');
    if (isPostgres(manager)) query.setLock('pessimistic_write').setOnLocked('skip_locked');
    return query.getMany();
  }

  /** Records how far the schedules are materialised. */
  async materialisedUntil(manager: EntityManager, ids: string[], until: Date): Promise<void> {
    for (const piece of chunked(ids, IN_CHUNK)) {
      await manager.createQueryBuilder().update(ScheduleEntity).set({ materialisedUntil: until }).where('id IN (:...ids)', { ids: piece }).execute();
    }
  }

  /**
   * Moves the horizon of schedules with nothing to materialise, in one statement per thousand; one
   * that was edited since it was read (its updatedAt moved) is left for its own run.
   */
  async advance(manager: EntityManager, seen: Array<Pick<ScheduleEntity, 'id' | 'updatedAt'>>, until: Date): Promise<void> {
    for (const piece of chunked(seen, IN_CHUNK)) {
      const params: Record<string, unknown> = { until: until.getTime() };
      const tuples = piece.map((schedule, i) => {
        params[`id${i}`] = schedule.id;
        params[`u${i}`] = String(schedule.updatedAt.getTime());
        return `(:id${i}, :u${i})`;
      });
      await sqlRows(
        manager,
        `UPDATE ${tableOf(manager, ScheduleEntity)} AS s SET "materialisedUntil" = :until
         FROM (VALUES ${tuples.join(', ')}) AS v
         WHERE s."id" = v.column1 AND s."updatedAt" = CAST(v.column2 AS bigint) AND s."deletedAt" IS NULL
           AND (s."materialisedUntil" IS NULL OR s."materialisedUntil" < :until)`,
        params,
      );
    }
  }
}
