import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity.js';

export type DeliveryCounts = Record<'targeted' | DeliveryStatus, number>;

/**
 * What the broadcast log reads of deliveries: counts per broadcast and the deliveries themselves, over
 * the speakers of the caller's communes (an emergency seen from a commune counts that commune's only).
 */
@Injectable()
export class DeliveryCountsRepository {
  constructor(@InjectRepository(DeliveryEntity) private readonly deliveries: Repository<DeliveryEntity>) {}

  /** Delivery counts per broadcast in one grouped query, over the speakers' communes under `communePrefix` (all when null). */
  async counts(broadcastIds: string[], communePrefix: string | null): Promise<Map<string, DeliveryCounts>> {
    const counts = new Map(broadcastIds.map((id) => [id, { targeted: 0, pending: 0, played: 0, interrupted: 0, failed: 0, missed: 0 } as DeliveryCounts]));
    if (!broadcastIds.length) return counts;
    const query = this.deliveries
      .createQueryBuilder('d')
      .select('d.broadcastId', 'broadcastId')
      .addSelect('d.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('d.broadcastId IN (:...ids)', { ids: broadcastIds })
      .groupBy('d.broadcastId')
      .addGroupBy('d.status');
    if (communePrefix) query.innerJoin(AreaEntity, 'a', 'a.id = d.communeId').andWhere('a.path LIKE :prefix', { prefix: `${communePrefix}%` });
    for (const row of await query.getRawMany<{ broadcastId: string; status: DeliveryStatus; n: string | number }>()) {
      const entry = counts.get(row.broadcastId)!;
      entry[row.status] += Number(row.n);
      entry.targeted += Number(row.n);
    }
    return counts;
  }

  page(broadcastId: string, communePrefix: string | null, limit: number, offset: number): Promise<[DeliveryEntity[], number]> {
    const query = this.deliveries.createQueryBuilder('d').where('d.broadcastId = :broadcastId', { broadcastId }).orderBy('d.speakerId', 'ASC').take(limit).skip(offset);
    if (communePrefix) query.innerJoin(AreaEntity, 'a', 'a.id = d.communeId').andWhere('a.path LIKE :prefix', { prefix: `${communePrefix}%` });
    return query.getManyAndCount();
  }
}
