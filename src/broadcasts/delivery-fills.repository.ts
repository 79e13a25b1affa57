import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { BroadcastEntity } from './broadcast.entity.js';
import { DeliveryEntity } from './delivery.entity.js';
import { AreaEntity } from '../areas/area.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { isPostgres, sqlRows, tableOf } from '../database/sql.js';

/** What filling in deliveries needs of a broadcast on air. */
export type FillableBroadcast = Pick<BroadcastEntity, 'id' | 'areaId' | 'areaPath' | 'speakerIds'>;

/**
 * Broadcasts whose deliveries are still to be written: the dispatcher's and cut-ins' work lists, and
 * the receipts' check for a delivery that is still coming.
 */
@Injectable()
export class DeliveryFillsRepository {
  /**
   * The first `limit` on-air broadcasts started by `cutoff` that have no deliveries yet (just put on
   * air, or left so by a crash), locked for this transaction (see lockedForFill).
   */
  lackingDeliveries(manager: EntityManager, cutoff: Date, limit: number): Promise<FillableBroadcast[]> {
    return lockedForFill(manager, (query) => query.andWhere('b.startsAt <= :cutoff', { cutoff: cutoff.getTime() }).orderBy('b.startsAt', 'ASC').limit(limit));
  }

  /** The same as lackingDeliveries, among `ids` (broadcasts this worker has just put on air): found by key, no scan of everything on air. */
  lackingDeliveriesAmong(manager: EntityManager, ids: string[]): Promise<FillableBroadcast[]> {
    return lockedForFill(manager, (query) => query.andWhere('b.id IN (:...ids)', { ids }));
  }

  /**
   * Among `ids`, those without deliveries yet that will get one for `speakerId`: addressed to it (its
   * commune in the broadcast's area, and on the broadcast's list of speakers if it has one), and on air
   * (an emergency just told to its receivers) or scheduled to start by `dueBy` (dispatch still to
   * come); no lock taken.
   */
  async awaitingDeliveries(manager: EntityManager, ids: string[], speakerId: string, dueBy: Date): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(
      manager,
      `SELECT b."id" FROM ${tableOf(manager, BroadcastEntity)} b WHERE b."id" IN (:...ids)
       AND (b."status" = 'on_air' OR (b."status" = 'scheduled' AND b."startsAt" <= :dueBy))
       AND (b."speakerIds" IS NULL OR b."speakerIds" LIKE :listed)
       AND EXISTS (SELECT 1 FROM ${tableOf(manager, SpeakerEntity)} s JOIN ${tableOf(manager, AreaEntity)} a ON a."id" = s."communeId"
                   WHERE s."id" = :speakerId AND a."path" LIKE b."areaPath" || '%')
       AND NOT EXISTS (SELECT 1 FROM ${tableOf(manager, DeliveryEntity)} d WHERE d."broadcastId" = b."id")`,
      // speakerIds is a JSON array of ids, each quoted.
      { ids, dueBy: dueBy.getTime(), speakerId, listed: `%"${speakerId}"%` },
    );
    return rows.map((row) => row.id);
  }
}

/**
 * On-air broadcasts without deliveries, narrowed by `narrow`, locked for this transaction. On
 * PostgreSQL, rows another transaction is filling are skipped, so workers share the work; SQLite
 * transactions are serial anyway.
 */
async function lockedForFill(manager: EntityManager, narrow: (query: SelectQueryBuilder<BroadcastEntity>) => SelectQueryBuilder<BroadcastEntity>): Promise<FillableBroadcast[]> {
  const query = manager
    .createQueryBuilder(BroadcastEntity, 'b')
    .select(['b.id', 'b.areaId', 'b.areaPath', 'b.speakerIds'])
    .where('b.status = :onAir', { onAir: 'on_air' })
    .andWhere(`NOT EXISTS (SELECT 1 FROM ${tableOf(manager, DeliveryEntity)} d WHERE d."broadcastId" = b.id)`);
  narrow(query);
  if (!isPostgres(manager)) return query.getMany();
  const locked = await query.setLock('pessimistic_write').setOnLocked('skip_locked').getMany();
  if (!locked.length) return locked;
  // The NOT EXISTS above saw the statement's snapshot: a filler that committed just before this one
  // took the lock left no trace in it. Now that the locks are held, a fresh statement sees its deliveries.
  const filled = await sqlRows<{ broadcastId: string }>(
    manager,
    `SELECT DISTINCT "broadcastId" FROM ${tableOf(manager, DeliveryEntity)} WHERE "broadcastId" IN (:...ids)`,
    { ids: locked.map((b) => b.id) },
  );
  const done = new Set(filled.map((row) => row.broadcastId));
  return locked.filter((b) => !done.has(b.id));
}
