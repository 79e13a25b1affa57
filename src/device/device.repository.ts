import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository, type EntityTarget } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../broadcasts/delivery.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';

/** What a receiver needs of a broadcast: when, how, what to play, and for whom. */
export type QueueBroadcast = Pick<BroadcastEntity, 'id' | 'startsAt' | 'endsAt' | 'priority' | 'repeat' | 'gapSec' | 'segmentIds' | 'segmentDurations' | 'speakerIds'>;

export type Rendition = { id: string; renditionSha256: string | null; durationSec: number | null };

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
  private readonly queueSql = new Map<number, string>();
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(SegmentEntity) private readonly segments: Repository<SegmentEntity>,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * In one statement: broadcasts on air with this speaker's delivery still pending (index
   * deliveries(speakerId, status)), and broadcasts still `scheduled` in any of `areaPaths` (a
   * commune and its ancestors) that have not ended and start before `until` (index
   * broadcasts(areaPath, status, startsAt)). Scheduled ones naming other speakers are left to the
   * caller to filter.
   */
  async queueBroadcasts(speakerId: string, areaPaths: string[], now: Date, until: Date): Promise<QueueBroadcast[]> {
    const rows: QueueRow[] = await this.dataSource.query(this.queueStatement(areaPaths.length), [speakerId, ...areaPaths, until.getTime(), now.getTime()]);
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

  /** What a receiver needs to fetch and check each segment's broadcast rendition. */
  renditions(segmentIds: string[]): Promise<Rendition[]> {
    return this.segments.find({ select: { id: true, renditionSha256: true, durationSec: true }, where: { id: In(segmentIds) } });
  }

  private queueStatement(pathCount: number): string {
    let sql = this.queueSql.get(pathCount);
    if (sql) return sql;
    let n = 0;
    const param = () => (this.postgres ? `$${++n}` : '?');
    const q = (name: string) => this.dataSource.driver.escape(name);
    const columns = QUEUE_COLUMNS.map((c) => `b.${q(c)}`).join(', ');
    const broadcasts = this.table(BroadcastEntity);
    sql =
      `SELECT ${columns} FROM ${broadcasts} b INNER JOIN ${this.table(DeliveryEntity)} d ON d.${q('broadcastId')} = b.${q('id')} ` +
      `WHERE d.${q('speakerId')} = ${param()} AND d.${q('status')} = 'pending' ` +
      `UNION ALL ` +
      `SELECT ${columns} FROM ${broadcasts} b ` +
      `WHERE ${pathCount ? `b.${q('areaPath')} IN (${Array.from({ length: pathCount }, param).join(', ')})` : '1 = 0'} AND b.${q('status')} = 'scheduled' ` +
      `AND b.${q('startsAt')} < ${param()} AND b.${q('endsAt')} > ${param()}`;
    this.queueSql.set(pathCount, sql);
    return sql;
  }

  /** The table's name as SQL, schema-qualified on PostgreSQL. */
  private table(entity: EntityTarget<unknown>): string {
    return this.dataSource.getMetadata(entity).tablePath.split('.').map((part) => this.dataSource.driver.escape(part)).join('.');
  }
}
