import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type SelectQueryBuilder, type ObjectLiteral } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity, type DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { BroadcastFactsLoader, chunks } from './broadcast-facts.js';
import { AreaRollupEntity, RollupJournalEntity, RollupStateEntity, SegmentRollupEntity, SpeakerRollupEntity } from './rollup.entities.js';
import { decodeTransitions, RollupsRepository } from './rollups.repository.js';
import { PendingRollups } from './pending-rollups.js';
import { COUNTER_NAMES, type BroadcastFacts, type DeliveryCounters, type KeyedCounters } from './rollup-rows.js';
import { placeholder, sqlArrays, tableOf } from '../database/sql.js';
import type { BucketRange, RawWindow } from './time-cover.js';

/** A receiver's current name (null: the speaker has been deleted) and last contact (epoch ms). */
export interface SpeakerLabel {
  name: string | null;
  lastSeenAt: number | null;
}
/** A receiver's counters read with its label. */
export type LabelledSpeakerCounters = KeyedCounters & SpeakerLabel;
/** Name and last contact as a raw row holds them (PostgreSQL answers bigints as strings). */
const speakerLabel = (name: unknown, lastSeenAt: unknown): SpeakerLabel => ({ name: name as string | null, lastSeenAt: lastSeenAt == null ? null : Number(lastSeenAt) });
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
  return {
    key: String(row.key), broadcasts: Number(row.broadcasts), targeted: Number(row.targeted), pending: Number(row.pending), played: Number(row.played),
    interrupted: Number(row.interrupted), failed: Number(row.failed), missed: Number(row.missed), airtimeMs: Number(row.airtimeMs),
  };
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
    const query = by === 'segment' ? sums(base) : sums(base, { broadcasts: 'topicBroadcasts', targeted: 'topicTargeted', pending: 'topicPending', played: 'topicPlayed', interrupted: 'topicInterrupted', failed: 'topicFailed', missed: 'topicMissed' });
    query.where('r.areaId IN (:...areaIds)', { areaIds })
      .andWhere('r.grain = :grain AND r.bucket >= :from AND r.bucket < :to', range)
      .groupBy(by === 'segment' ? 'r.segmentId' : 'r.topic');
    return (await query.getRawMany()).map(counters);
  }

  /**
   * Per speaker, over its deliveries in communes under `pathPrefix`, summed over all `ranges` at once, with
   * its current name and last contact: a nationwide report lists every receiver, so one GROUP BY over a
   * UNION ALL of the ranges (each an index range) sorts its rows once instead of once per range, and
   * the names come in the same statement. A speaker gets one delivery per broadcast, so its broadcasts
   * are its targeted deliveries.
   */
  async speakers(pathPrefix: string | null, ranges: BucketRange[]): Promise<LabelledSpeakerCounters[]> {
    if (!ranges.length) return [];
    const manager = this.db.manager;
    const params: unknown[] = [];
    const param = (value: unknown) => (params.push(value), placeholder(manager, params.length));
    const communes = `SELECT "id" FROM ${tableOf(manager, AreaEntity)} WHERE "kind" = 'commune'${pathPrefix ? ` AND "path" LIKE ${param(`${pathPrefix}%`)}` : ''}`;
    const status = ['targeted', 'pending', 'played', 'interrupted', 'failed', 'missed', 'airtimeMs'];
    const branches = ranges.map((range) =>
      `SELECT "speakerId", ${status.map((c) => `"${c}"`).join(', ')} FROM ${tableOf(manager, SpeakerRollupEntity)}
       WHERE "communeId" IN (SELECT "id" FROM "scope") AND "grain" = ${param(range.grain)} AND "bucket" >= ${param(range.from)} AND "bucket" < ${param(range.to)}`);
    const rows = await sqlArrays(
      manager,
      `WITH "scope" AS (${communes}),
       "totals" AS (SELECT "speakerId", ${status.map((c) => `SUM("${c}") AS "${c}"`).join(', ')} FROM (${branches.join(' UNION ALL ')}) AS "ranges" GROUP BY "speakerId")
       SELECT "totals".*, "s"."name", "s"."lastSeenAt" FROM "totals" LEFT JOIN ${tableOf(manager, SpeakerEntity)} "s" ON "s"."id" = "totals"."speakerId"`,
      params,
    );
    return rows.map(([key, targeted, pending, played, interrupted, failed, missed, airtimeMs, name, lastSeenAt]) => ({
      key: key as string, broadcasts: Number(targeted), targeted: Number(targeted), pending: Number(pending), played: Number(played), interrupted: Number(interrupted),
      failed: Number(failed), missed: Number(missed), airtimeMs: Number(airtimeMs),
      ...speakerLabel(name, lastSeenAt),
    }));
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
    for (const status of ['pending', 'played', 'interrupted', 'failed', 'missed']) query.addSelect(`SUM(CASE WHEN d.status = '${status}' THEN 1 ELSE 0 END)`, status);
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

  /** Name and last contact of each speaker (ids of deleted ones are left out). */
  async speakerLabels(ids: string[]): Promise<Map<string, SpeakerLabel>> {
    const manager = this.db.manager;
    const speakers = new Map<string, SpeakerLabel>();
    for (const chunk of chunks(ids)) {
      const sql = `SELECT "id", "name", "lastSeenAt" FROM ${tableOf(manager, SpeakerEntity)} WHERE "id" IN (${chunk.map((_, i) => placeholder(manager, i + 1)).join(', ')})`;
      for (const [id, name, lastSeenAt] of await sqlArrays(manager, sql, chunk)) speakers.set(id as string, speakerLabel(name, lastSeenAt));
    }
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
