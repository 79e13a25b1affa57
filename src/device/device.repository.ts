import { Injectable } from '@nestjs/common';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../broadcasts/delivery.entity.js';
import { placeholder, tableOf } from '../database/sql.js';
import type { QueueBroadcast } from '../push/push.repository.js';

const QUEUE_COLUMNS = ['id', 'startsAt', 'endsAt', 'priority', 'repeat', 'gapSec', 'segmentIds', 'segmentDurations', 'speakerIds'];

interface QueueRow {
  id: string;
  startsAt: number | string;
  endsAt: number | string;
  priority: QueueBroadcast['priority'];
  repeat: number;
  gapSec: number;
  segmentIds: string;
  segmentDurations: string;
  speakerIds: string | null;
}

/**
 * The device API's queries. Every receiver polls and reports, so the hot lookups are hand-written,
 * index-backed statements whose text is built once per shape (prepared-statement caches then hit),
 * rather than a query builder run per request.
 */
@Injectable()
export class DeviceRepository {
  private pendingSql?: string;
  private readonly scheduledSql = new Map<number, string>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Broadcasts on air with this speaker's delivery still pending (index deliveries(speakerId, status)).
   * A stopped broadcast keeps its pending deliveries until finalisation (for the receipts of what was
   * played before the stop) but is no longer to be played.
   */
  async pendingBroadcasts(speakerId: string): Promise<QueueBroadcast[]> {
    this.pendingSql ??= `SELECT ${this.columns()} FROM ${this.table(BroadcastEntity)} b INNER JOIN ${this.table(DeliveryEntity)} d ON d.${this.q('broadcastId')} = b.${this.q('id')} ` +
      `WHERE d.${this.q('speakerId')} = ${this.param(1)} AND d.${this.q('status')} = 'pending' AND b.${this.q('status')} = 'on_air'`;
    return this.queueRows(this.pendingSql, [speakerId]);
  }

  /**
   * Broadcasts still `scheduled` in any of `areaPaths` (a commune and its ancestors) that have not
   * ended and start before `until` (index broadcasts(areaPath, status, startsAt)). Those naming
   * other speakers are left to the caller to filter.
   */
  scheduledBroadcasts(areaPaths: string[], now: Date, until: Date): Promise<QueueBroadcast[]> {
    if (!areaPaths.length) return Promise.resolve([]);
    let sql = this.scheduledSql.get(areaPaths.length);
    if (!sql) {
      const paths = areaPaths.map((_, i) => this.param(i + 1)).join(', ');
      sql = `SELECT ${this.columns()} FROM ${this.table(BroadcastEntity)} b WHERE b.${this.q('areaPath')} IN (${paths}) AND b.${this.q('status')} = 'scheduled' ` +
        `AND b.${this.q('startsAt')} < ${this.param(areaPaths.length + 1)} AND b.${this.q('endsAt')} > ${this.param(areaPaths.length + 2)}`;
      this.scheduledSql.set(areaPaths.length, sql);
    }
    return this.queueRows(sql, [...areaPaths, until.getTime(), now.getTime()]);
  }

  private async queueRows(sql: string, params: unknown[]): Promise<QueueBroadcast[]> {
    const rows: QueueRow[] = await this.dataSource.query(sql, params);
    return rows.map((row) => ({
      id: row.id,
      startsAt: new Date(Number(row.startsAt)),
      endsAt: new Date(Number(row.endsAt)),
      priority: row.priority,
      repeat: Number(row.repeat),
      gapSec: Number(row.gapSec),
      segmentIds: JSON.parse(row.segmentIds) as string[],
      segmentDurations: JSON.parse(row.segmentDurations) as number[],
      speakerIds: row.speakerIds === null ? null : (JSON.parse(row.speakerIds) as string[]),
    }));
  }

  private columns(): string {
    return QUEUE_COLUMNS.map((c) => `b.${this.q(c)}`).join(', ');
  }

  private param(n: number): string {
    return placeholder(this.dataSource.manager, n);
  }

  private q(name: string): string {
    return this.dataSource.driver.escape(name);
  }

  private table(entity: EntityTarget<ObjectLiteral>): string {
    return tableOf(this.dataSource.manager, entity);
  }
}
