import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity, type DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { BroadcastFactsLoader, chunks, IN_CHUNK } from './broadcast-facts.js';
import { AreaRollupEntity, RollupJournalEntity, RollupStateEntity, SegmentRollupEntity, SpeakerRollupEntity } from './rollup.entities.js';
import { decodeTransitions, RollupsRepository } from './rollups.repository.js';
import { PendingRollups } from './pending-rollups.js';
import { COUNTER_NAMES, type BroadcastFacts, type DeliveryCounters } from './rollup-rows.js';
import { placeholder, tableOf } from '../database/sql.js';
import type { BucketRange, RawWindow } from './time-cover.js';

export type KeyedCounters = DeliveryCounters & { key: string };
export interface RawDeliveryCount {
  broadcastId: string;
  communeId: string;
  status: DeliveryStatus;
  count: number;
}

/** `SUM(r.<column>) AS <name>` for each counter; `columns` maps a counter to another column (topic counters). */
function sums(query: SelectQueryBuilder<ObjectLiteral>, columns: Partial<Record<keyof DeliveryCounters, string>> = {}) {
  for (const name of COUNTER_NAMES) query.addSelect(`SUM(r.${columns[name] ?? name})`, name);
  return query;
}

/** PostgreSQL answers SUM/COUNT of bigints as strings. */
function counters(row: Record<string, unknown>): KeyedCounters {
  const result = { key: String(row.key) } as KeyedCounters;
  for (const name of COUNTER_NAMES) result[name] = Number(row[name] ?? 0);
  return result;
}

/** Reads for the delivery reports: sums of rollup rows per bucket range, and raw deliveries for the ragged ends. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly facts: BroadcastFactsLoader, private readonly rollups: RollupsRepository) {}

  /** Odd while a fold of the journal into the rollups is under way; changes with every fold. */
  async generation(): Promise<number> {
    const state = await this.db.getRepository(RollupStateEntity).findOneBy({ id: 1 });
    return state?.generation ?? 0;
  }

  /** Transitions still in the journal, as rollup rows. */
  async pending(): Promise<PendingRollups> {
    const journal = await this.db.getRepository(RollupJournalEntity).find({ select: { seq: true, transitions: true } });
    return new PendingRollups(await this.rollups.rowsOf(this.db.manager, journal.flatMap((row) => decodeTransitions(row.transitions))));
  }

  /** The first and last broadcast start on record: bounds an open-ended report. Two queries, so each one is an index seek. */
  async startsAtExtent(): Promise<{ from: number; to: number } | null> {
    const edge = (fn: 'MIN' | 'MAX') => this.db.getRepository(BroadcastEntity).createQueryBuilder('b').select(`${fn}(b.startsAt)`, 'at').getRawOne<{ at: unknown }>();
    const [first, last] = [await edge('MIN'), await edge('MAX')];
    return first?.at == null ? null : { from: Number(first.at), to: Number(last!.at) + 1 };
  }

  async rootAreaIds(): Promise<string[]> {
    return (await this.db.getRepository(AreaEntity).find({ where: { parentId: IsNull() }, select: { id: true } })).map((a) => a.id);
  }

  /** Per bucket, summed over the given areas' own rows (each area row already covers its whole subtree). */
  async areaBuckets(areaIds: string[], range: BucketRange): Promise<KeyedCounters[]> {
    const query = sums(this.db.getRepository(AreaRollupEntity).createQueryBuilder('r').select('r.bucket', 'key'))
      .where('r.areaId IN (:...areaIds)', { areaIds })
      .andWhere('r.grain = :grain AND r.bucket >= :from AND r.bucket < :to', range)
      .groupBy('r.bucket');
    return (await query.getRawMany()).map(counters);
  }

  /** Per commune under `pathPrefix` (everywhere when null). */
  async communes(pathPrefix: string | null, range: BucketRange): Promise<KeyedCounters[]> {
    const query = sums(this.db.getRepository(AreaRollupEntity).createQueryBuilder('r').select('r.areaId', 'key'));
    query.where((q) => `r.areaId IN ${communesUnder(q, pathPrefix)}`)
      .andWhere('r.grain = :grain AND r.bucket >= :from AND r.bucket < :to', range)
      .groupBy('r.areaId');
    return (await query.getRawMany()).map(counters);
  }

  /** Per segment, or per topic (a delivery once per topic), summed over the given areas' rows. */
  async segments(areaIds: string[], range: BucketRange, by: 'segment' | 'topic'): Promise<KeyedCounters[]> {
    const base = this.db.getRepository(SegmentRollupEntity).createQueryBuilder('r').select(by === 'segment' ? 'r.segmentId' : 'r.topic', 'key');
    const query = by === 'segment' ? sums(base) : sums(base, { broadcasts: 'topicBroadcasts', targeted: 'topicTargeted', pending: 'topicPending', played: 'topicPlayed', failed: 'topicFailed', missed: 'topicMissed' });
    query.where('r.areaId IN (:...areaIds)', { areaIds })
      .andWhere('r.grain = :grain AND r.bucket >= :from AND r.bucket < :to', range)
      .groupBy(by === 'segment' ? 'r.segmentId' : 'r.topic');
    return (await query.getRawMany()).map(counters);
  }

  /**
   * Per speaker, over its deliveries in communes under `pathPrefix`, summed over all `ranges` at once: a
   * nationwide report lists every receiver, so one GROUP BY over a UNION ALL of the ranges (each an index
   * range) sorts its rows once instead of once per range. A speaker gets one delivery per broadcast.
   */
  async speakers(pathPrefix: string | null, ranges: BucketRange[]): Promise<KeyedCounters[]> {
    if (!ranges.length) return [];
    const manager = this.db.manager;
    const params: unknown[] = [];
    const param = (value: unknown) => (params.push(value), placeholder(manager, params.length));
    const communes = `SELECT "id" FROM ${tableOf(manager, AreaEntity)} WHERE "kind" = 'commune'${pathPrefix ? ` AND "path" LIKE ${param(`${pathPrefix}%`)}` : ''}`;
    const status = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'];
    const branches = ranges.map((range) =>
      `SELECT "speakerId", ${status.map((c) => `"${c}"`).join(', ')} FROM ${tableOf(manager, SpeakerRollupEntity)}
       WHERE "communeId" IN (SELECT "id" FROM "scope") AND "grain" = ${param(range.grain)} AND "bucket" >= ${param(range.from)} AND "bucket" < ${param(range.to)}`);
    const rows: Array<Record<string, unknown>> = await manager.query(
      `WITH "scope" AS (${communes})
       SELECT "speakerId" AS "key", SUM("targeted") AS "broadcasts", ${status.map((c) => `SUM("${c}") AS "${c}"`).join(', ')}
       FROM (${branches.join(' UNION ALL ')}) AS "ranges" GROUP BY "speakerId"`,
      params,
    );
    return rows.map(counters);
  }

  /** Deliveries of broadcasts starting in the window, counted per broadcast, commune and status. */
  async rawDeliveries(pathPrefix: string | null, window: RawWindow): Promise<RawDeliveryCount[]> {
    const query = this.db.getRepository(DeliveryEntity).createQueryBuilder('d')
      .innerJoin(BroadcastEntity, 'b', 'b.id = d.broadcastId')
      .select('d.broadcastId', 'broadcastId').addSelect('d.communeId', 'communeId').addSelect('d.status', 'status').addSelect('COUNT(*)', 'count')
      .where('b.startsAt >= :from AND b.startsAt < :to', window)
      .groupBy('d.broadcastId').addGroupBy('d.communeId').addGroupBy('d.status');
    if (pathPrefix) query.andWhere((q) => `d.communeId IN ${communesUnder(q, pathPrefix)}`);
    return (await query.getRawMany()).map((row) => ({ ...row, count: Number(row.count) }));
  }

  /** Deliveries of broadcasts starting in the window, per speaker: the speaker report's ragged ends. */
  async rawSpeakers(pathPrefix: string | null, window: RawWindow): Promise<KeyedCounters[]> {
    const played = "CASE WHEN d.status = 'played' THEN b.endsAt - b.startsAt ELSE 0 END";
    const query = this.db.getRepository(DeliveryEntity).createQueryBuilder('d')
      .innerJoin(BroadcastEntity, 'b', 'b.id = d.broadcastId')
      .select('d.speakerId', 'key').addSelect('COUNT(*)', 'broadcasts').addSelect('COUNT(*)', 'targeted')
      .addSelect(`SUM(${played})`, 'airtimeMs')
      .where('b.startsAt >= :from AND b.startsAt < :to', window)
      .groupBy('d.speakerId');
    for (const status of ['pending', 'played', 'failed', 'missed']) query.addSelect(`SUM(CASE WHEN d.status = '${status}' THEN 1 ELSE 0 END)`, status);
    if (pathPrefix) query.andWhere((q) => `d.communeId IN ${communesUnder(q, pathPrefix)}`);
    return (await query.getRawMany()).map(counters);
  }

  /** "Name (code)" of each area. */
  async areaLabels(ids: string[]): Promise<Map<string, string>> {
    const labels = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      for (const a of await this.db.getRepository(AreaEntity).find({ where: { id: In(chunk) }, select: { id: true, name: true, code: true } })) labels.set(a.id, `${a.name} (${a.code})`);
    }
    return labels;
  }

  async segmentTitles(ids: string[]): Promise<Map<string, string>> {
    const titles = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      for (const s of await this.db.getRepository(SegmentEntity).find({ where: { id: In(chunk) }, select: { id: true, title: true } })) titles.set(s.id, s.title);
    }
    return titles;
  }

  /**
   * Name and last contact of each speaker. A nationwide receiver report names 10^4 of them: past one
   * statement's worth of ids, the speakers now in the report's communes are read in one statement (a
   * scan, no ids to bind), and only the ones that have moved out since are looked up by id.
   */
  async speakerNames(ids: string[], pathPrefix: string | null): Promise<Map<string, { name: string; lastSeenAt: Date | null }>> {
    const manager = this.db.manager;
    const speakers = new Map<string, { name: string; lastSeenAt: Date | null }>();
    const select = `SELECT "id", "name", "lastSeenAt" FROM ${tableOf(manager, SpeakerEntity)} WHERE`;
    const read = async (sql: string, params: unknown[]) => {
      const rows: Array<{ id: string; name: string; lastSeenAt: string | number | null }> = await manager.query(sql, params);
      for (const s of rows) speakers.set(s.id, { name: s.name, lastSeenAt: s.lastSeenAt == null ? null : new Date(Number(s.lastSeenAt)) });
    };
    if (ids.length > IN_CHUNK) {
      const communes = `SELECT "id" FROM ${tableOf(manager, AreaEntity)} WHERE "kind" = 'commune'${pathPrefix ? ` AND "path" LIKE ${placeholder(manager, 1)}` : ''}`;
      await read(`${select} "communeId" IN (${communes})`, pathPrefix ? [`${pathPrefix}%`] : []);
    }
    for (const chunk of chunks(ids.filter((id) => !speakers.has(id)))) await read(`${select} "id" IN (${chunk.map((_, i) => placeholder(manager, i + 1)).join(', ')})`, chunk);
    return speakers;
  }

  /** Start, airtime and playlist of broadcasts met in raw windows. */
  broadcastFacts(ids: string[]): Promise<Map<string, BroadcastFacts>> {
    return this.facts.broadcastFacts(this.db.manager, ids);
  }
}

/** `(SELECT id FROM areas WHERE kind = 'commune' AND path LIKE prefix%)` as a subquery of `query`. */
function communesUnder(query: SelectQueryBuilder<ObjectLiteral>, pathPrefix: string | null): string {
  const sub = query.subQuery().select('a.id').from(AreaEntity, 'a').where("a.kind = 'commune'");
  if (pathPrefix) {
    sub.andWhere('a.path LIKE :communePrefix');
    query.setParameter('communePrefix', `${pathPrefix}%`);
  }
  return sub.getQuery();
}
