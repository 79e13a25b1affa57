import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository } from 'typeorm';
import { ancestorPaths } from '../auth/scope.js';
import { AlertAreaEntity, AlertEntity } from './alert.entity.js';

@Injectable()
export class AlertsRepository {
  constructor(
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
    @InjectRepository(AlertAreaEntity) private readonly areas: Repository<AlertAreaEntity>,
  ) {}

  get(id: string): Promise<AlertEntity | null> {
    return this.alerts.findOneBy({ id });
  }

  findByKey(sender: string, identifier: string): Promise<AlertEntity | null> {
    return this.alerts.findOneBy({ sender, identifier });
  }

  findByKeys(keys: Array<{ sender: string; identifier: string }>): Promise<AlertEntity[]> {
    if (!keys.length) return Promise.resolve([]);
    return this.alerts.find({ where: keys.map(({ sender, identifier }) => ({ sender, identifier })) });
  }

  /** Inserts the alert and its areas; a unique-key violation means the same message was received at the same moment. */
  async insert(alert: AlertEntity, areaPaths: Map<string, string>): Promise<void> {
    await this.alerts.manager.transaction(async (manager) => {
      await manager.insert(AlertEntity, alert);
      if (areaPaths.size) await manager.insert(AlertAreaEntity, [...areaPaths].map(([areaId, areaPath]) => ({ alertId: alert.id, areaId, areaPath })));
    });
  }

  /** Takes back a claim whose message turned out not to be playable (its refusal is audited instead). */
  async delete(id: string): Promise<void> {
    await this.alerts.manager.transaction(async (manager) => {
      await manager.delete(AlertAreaEntity, { alertId: id });
      await manager.delete(AlertEntity, { id });
    });
  }

  async update(id: string, changes: Partial<AlertEntity>): Promise<void> {
    await this.alerts.update({ id }, changes);
  }

  areaPathsOf(alertIds: string[]): Promise<AlertAreaEntity[]> {
    return alertIds.length ? this.areas.findBy({ alertId: In(alertIds) }) : Promise.resolve([]);
  }

  /**
   * Alerts received in [from, to), newest first, that name an area of the caller's subtree or one
   * above its area (those reach its speakers); all of them for null.
   */
  list(filter: { areaPath: string | null; from?: Date; to?: Date; limit: number; offset: number }): Promise<[AlertEntity[], number]> {
    const query = this.alerts.createQueryBuilder('a').orderBy('a.receivedAt', 'DESC').addOrderBy('a.id', 'ASC').take(filter.limit).skip(filter.offset);
    if (filter.from) query.andWhere('a.receivedAt >= :from', { from: filter.from.getTime() });
    if (filter.to) query.andWhere('a.receivedAt < :to', { to: filter.to.getTime() });
    const { areaPath } = filter;
    if (areaPath) {
      const seen = this.areas
        .createQueryBuilder('aa')
        .select('aa.alertId')
        .where(new Brackets((q) => q.where('aa.areaPath LIKE :subtree').orWhere('aa.areaPath IN (:...above)')));
      query.andWhere(`a.id IN (${seen.getQuery()})`, { subtree: `${areaPath}%`, above: ancestorPaths(areaPath) });
    }
    return query.getManyAndCount();
  }
}
