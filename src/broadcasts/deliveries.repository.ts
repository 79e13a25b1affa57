import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ReceiptStatus } from '../device/device.dto.js';
import { RollupsRepository } from '../reports/rollups.repository.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { DeliveryFillsRepository } from './delivery-fills.repository.js';
import type { DeliveryTransition } from './delivery-transition.js';
import { DeliveryEntity, type DeliveryStatus } from './delivery.entity.js';
import { chunked, isPostgres, sqlRows, tableOf } from '../database/sql.js';
import { WriteTransactions } from '../database/write-transactions.js';

export interface DeliveryTarget {
  speakerId: string;
  /** The speaker's commune at dispatch, kept on the delivery so a later commune merge leaves history alone. */
  communeId: string;
}

export interface Receipt {
  broadcastId: string;
  status: ReceiptStatus;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface ReceiptOutcome {
  accepted: number;
  duplicates: number;
  /** Broadcasts without a delivery to this speaker: when there are any, nothing was recorded. */
  unknownBroadcastIds: string[];
  /** Among those, broadcasts whose deliveries are not written yet (see awaitingDeliveries): their receipts are to be sent again shortly. */
  fillingBroadcastIds: string[];
  /** Broadcasts whose delivery was already finalised as `missed`: these receipts came late. */
  lateBroadcastIds: string[];
}

/** Delivery rows per SQLite INSERT: 3 bound values each, under its 32766. */
const INSERT_CHUNK = 10_000;
const IN_CHUNK = 5000;

/**
 * Every write to deliveries goes through here: each method runs inside a transaction, lists the
 * status transitions it made and hands them to the report rollups in that same transaction, so
 * reports and deliveries can never disagree.
 */
@Injectable()
export class DeliveriesRepository {
  private lz4?: Promise<boolean>;

  constructor(
    private readonly rollups: RollupsRepository,
    private readonly broadcasts: BroadcastsRepository,
    private readonly fills: DeliveryFillsRepository,
    private readonly transactions: WriteTransactions,
  ) {}

  /** One pending delivery per target speaker. */
  createPending(manager: EntityManager, broadcast: Pick<BroadcastEntity, 'id'>, targets: DeliveryTarget[], at: Date): Promise<number> {
    return this.createPendingMany(manager, [{ broadcastId: broadcast.id, targets }], at);
  }

  /** Pending deliveries for many broadcasts in multi-row inserts (a dispatch batch). */
  async createPendingMany(manager: EntityManager, batch: Array<{ broadcastId: string; targets: DeliveryTarget[] }>, at: Date): Promise<number> {
    // The rows are their own creation transitions: a dispatch makes 10^5 of them, so each is built once.
    const created: DeliveryTransition[] = [];
    for (const { broadcastId, targets } of batch) for (const t of targets) created.push({ broadcastId, speakerId: t.speakerId, communeId: t.communeId, from: null, to: 'pending' });
    // Plain inserts: the (broadcastId, speakerId) key turns a second dispatch of a broadcast into an error, never a duplicate.
    // Raw SQL, binding only the three ids of each row: a dispatch writes 10^5 rows, and TypeORM's entity mapping would dominate.
    const table = tableOf(manager, DeliveryEntity);
    const columns = '"broadcastId", "speakerId", "communeId", "status", "createdAt"';
    if (isPostgres(manager)) {
      // Three array parameters instead of 3 x 10^4 scalars: PostgreSQL parses and plans one small statement.
      for (const chunk of chunked(created, 50_000)) {
        await manager.query(`INSERT INTO ${table} (${columns}) SELECT b, s, c, 'pending', $4 FROM unnest($1::varchar[], $2::varchar[], $3::varchar[]) AS t(b, s, c)`, [
          chunk.map((r) => r.broadcastId), chunk.map((r) => r.speakerId), chunk.map((r) => r.communeId), at.getTime(),
        ]);
      }
    } else {
      for (const chunk of chunked(created, INSERT_CHUNK)) {
        const params = chunk.flatMap((row) => [row.broadcastId, row.speakerId, row.communeId]);
        await manager.query(`INSERT INTO ${table} (${columns}) VALUES ${chunk.map(() => `(?, ?, ?, 'pending', ${at.getTime()})`).join(', ')}`, params);
      }
    }
    await this.compressJournalFast(manager);
    await this.rollups.apply(manager, created);
    return created.length;
  }

  /**
   * A mass dispatch (or finalisation) journals ~140 bytes of transitions per delivery, 14 MB for 10^5,
   * in rows big enough for PostgreSQL to compress; lz4, where the server has it, does that several
   * times faster than the default pglz, and smaller. For this transaction only; durability is unchanged.
   */
  private async compressJournalFast(manager: EntityManager): Promise<void> {
    if (!isPostgres(manager)) return;
    this.lz4 ??= manager.query(`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`).then((rows: unknown[]) => rows.length > 0);
    if (await this.lz4) await manager.query(`SET LOCAL default_toast_compression = lz4`);
  }

  /**
   * Pending deliveries of these broadcasts become `missed` (the finaliser; an emergency cutting in).
   * `error` says why, when there is more to say than "no receipt came".
   */
  async markMissed(manager: EntityManager, broadcastIds: string[], at: Date, error: string | null = null): Promise<number> {
    const transitions: DeliveryTransition[] = [];
    for (const chunk of chunked(broadcastIds, IN_CHUNK)) {
      const rows = await sqlRows<{ broadcastId: string; speakerId: string; communeId: string }>(
        manager,
        `UPDATE ${tableOf(manager, DeliveryEntity)} SET "status" = 'missed', "settledAt" = :at, "error" = :error
         WHERE "broadcastId" IN (:...ids) AND "status" = 'pending' RETURNING "broadcastId", "speakerId", "communeId"`,
        { ids: chunk, at: at.getTime(), error },
      );
      transitions.push(...rows.map((row) => ({ ...row, from: 'pending' as const, to: 'missed' as const })));
    }
    await this.compressJournalFast(manager);
    await this.rollups.apply(manager, transitions);
    return transitions.length;
  }

  /**
   * A receiver's receipts, in one transaction and a few statements whatever the batch size. All or
   * nothing: if any names a broadcast without a delivery for this speaker, nothing is recorded. The
   * first terminal receipt wins: it settles a delivery that is `pending`, or `missed` (a late
   * receipt, which then recomputes the broadcast's final status); one already `played`/`failed` is
   * a duplicate, as is a second receipt for the same broadcast in the batch. A broadcast of its own
   * without deliveries yet, on air or starting by `dueBy`, is `filling` rather than unknown.
   */
  settleReceipts(speakerId: string, receipts: Receipt[], at: Date, dueBy: Date): Promise<ReceiptOutcome> {
    return this.transactions.run(async (manager) => {
      const firsts = new Map<string, Receipt>();
      for (const receipt of receipts) if (!firsts.has(receipt.broadcastId)) firsts.set(receipt.broadcastId, receipt);
      let duplicates = receipts.length - firsts.size;

      const current = await this.lockedDeliveries(manager, speakerId, [...firsts.keys()]);
      let unknownBroadcastIds = [...firsts.keys()].filter((id) => !current.has(id));
      let fillingBroadcastIds: string[] = [];
      if (unknownBroadcastIds.length) {
        fillingBroadcastIds = await this.fills.awaitingDeliveries(manager, unknownBroadcastIds, speakerId, dueBy);
        // On PostgreSQL each statement sees what had committed when it began: a fill committing between
        // the read above and that check left a broadcast neither found nor filling. Its deliveries, all
        // written in one transaction, show to a read after the check.
        const filled = await this.lockedDeliveries(manager, speakerId, unknownBroadcastIds.filter((id) => !fillingBroadcastIds.includes(id)));
        for (const [broadcastId, delivery] of filled) current.set(broadcastId, delivery);
        unknownBroadcastIds = unknownBroadcastIds.filter((id) => !current.has(id));
      }
      const settling: Array<{ receipt: Receipt; from: DeliveryStatus; communeId: string }> = [];
      for (const [broadcastId, delivery] of current) {
        if (delivery.status === 'pending' || delivery.status === 'missed') settling.push({ receipt: firsts.get(broadcastId)!, from: delivery.status, communeId: delivery.communeId });
        else duplicates++;
      }
      if (unknownBroadcastIds.length) return { accepted: 0, duplicates, unknownBroadcastIds, fillingBroadcastIds, lateBroadcastIds: [] };
      const lateBroadcastIds = settling.filter((s) => s.from === 'missed').map((s) => s.receipt.broadcastId);
      if (settling.length) {
        await this.writeReceipts(manager, speakerId, settling.map((s) => s.receipt), at);
        await this.rollups.apply(manager, settling.map((s) => ({ broadcastId: s.receipt.broadcastId, speakerId, communeId: s.communeId, from: s.from, to: s.receipt.status })));
        if (lateBroadcastIds.length) await this.broadcasts.refreshFinal(manager, lateBroadcastIds);
      }
      return { accepted: settling.length, duplicates, unknownBroadcastIds, fillingBroadcastIds: [], lateBroadcastIds };
    });
  }

  /**
   * The speaker's deliveries among `broadcastIds` (primary-key lookups), locked until the
   * transaction ends (SQLite holds its write lock already).
   */
  private async lockedDeliveries(manager: EntityManager, speakerId: string, broadcastIds: string[]): Promise<Map<string, Pick<DeliveryEntity, 'status' | 'communeId'>>> {
    const found = new Map<string, Pick<DeliveryEntity, 'status' | 'communeId'>>();
    for (const chunk of chunked(broadcastIds, IN_CHUNK)) {
      const rows = await sqlRows<{ broadcastId: string; status: DeliveryStatus; communeId: string }>(
        manager,
        `SELECT "broadcastId", "status", "communeId" FROM ${tableOf(manager, DeliveryEntity)}
         WHERE "speakerId" = :speakerId AND "broadcastId" IN (:...ids)${isPostgres(manager) ? ' FOR UPDATE' : ''}`,
        { speakerId, ids: chunk },
      );
      for (const row of rows) found.set(row.broadcastId, row);
    }
    return found;
  }

  /**
   * One UPDATE ... FROM (VALUES ...) for the whole batch; both dialects name VALUES columns column1..n.
   * Only for deliveries locked and found settleable in this transaction: matching on the primary key
   * alone lets SQLite look each one up, where a status condition made it scan the speaker's deliveries.
   */
  private async writeReceipts(manager: EntityManager, speakerId: string, receipts: Receipt[], at: Date): Promise<void> {
    for (const chunk of chunked(receipts, 1000)) {
      const params: Record<string, unknown> = { speakerId, at: at.getTime() };
      const tuples = chunk.map((r, i) => {
        Object.assign(params, { [`b${i}`]: r.broadcastId, [`s${i}`]: r.status, [`st${i}`]: String(r.startedAt.getTime()), [`f${i}`]: r.finishedAt ? String(r.finishedAt.getTime()) : null, [`e${i}`]: r.error });
        return `(:b${i}, :s${i}, :st${i}, :f${i}, :e${i})`;
      });
      await sqlRows(
        manager,
        `UPDATE ${tableOf(manager, DeliveryEntity)} AS d
         SET "status" = v.column2, "startedAt" = CAST(v.column3 AS bigint), "finishedAt" = CAST(v.column4 AS bigint), "error" = v.column5, "settledAt" = :at
         FROM (VALUES ${tuples.join(', ')}) AS v
         WHERE d."broadcastId" = v.column1 AND d."speakerId" = :speakerId`,
        params,
      );
    }
  }
}
