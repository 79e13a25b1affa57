import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AreaEntity } from '../areas/area.entity.js';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import type { DeliveryTransition } from '../broadcasts/delivery-transition.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import { AreaRollupEntity, BroadcastCommuneEntity, SegmentRollupEntity, SpeakerRollupEntity } from './rollup.entities.js';
import {
  firstDeliveryAreas, playlistSegments, rollupRows,
  type AreaRollupRow, type BroadcastFacts, type SegmentRollupRow, type SpeakerRollupRow,
} from './rollup-rows.js';
import { upsertIncrements, type IncrementUpsert } from './sql.js';

const STATUS = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'] as const;
const AREA_UPSERT: IncrementUpsert<AreaRollupRow> = { entity: AreaRollupEntity, keys: ['areaId', 'grain', 'bucket'], fixed: ['areaPath'], counters: ['broadcasts', ...STATUS] };
const SEGMENT_UPSERT: IncrementUpsert<SegmentRollupRow> = {
  entity: SegmentRollupEntity, keys: ['areaId', 'grain', 'bucket', 'segmentId'], fixed: ['topic'],
  counters: ['broadcasts', ...STATUS, 'topicBroadcasts', 'topicTargeted', 'topicPending', 'topicPlayed', 'topicFailed', 'topicMissed'],
};
const SPEAKER_UPSERT: IncrementUpsert<SpeakerRollupRow> = { entity: SpeakerRollupEntity, keys: ['communeId', 'grain', 'bucket', 'speakerId'], fixed: ['areaPath'], counters: STATUS };

/** Lookups per statement, well under every driver's bound-parameter limit. */
const IN_CHUNK = 1000;
/** Facts below never change once a broadcast is on air, so they are cached; the caches are simply emptied when full. */
const CACHE_LIMIT = 50_000;

/**
 * Keeps the report rollups equal to the deliveries: every delivery status change calls apply() inside
 * the transaction that makes it, so a report never sees one without the other and a rolled-back change
 * leaves no trace. Work per call: a few cached lookups and three multi-row upserts.
 */
@Injectable()
export class RollupsRepository {
  private readonly broadcasts = new Map<string, BroadcastFacts>();
  private readonly communePaths = new Map<string, string>();
  private readonly topics = new Map<string, string>();

  async apply(manager: EntityManager, transitions: DeliveryTransition[]): Promise<void> {
    if (!transitions.length) return;
    const broadcasts = await this.broadcastFacts(manager, distinct(transitions.map((t) => t.broadcastId)));
    const communePaths = await this.pathsOf(manager, distinct(transitions.map((t) => t.communeId)));
    const firstAreas = await this.recordReach(manager, transitions.filter((t) => t.from === null), communePaths);
    const rows = rollupRows({ transitions, broadcasts, communePaths, firstDeliveryAreas: firstAreas });
    // Always the same table order, so concurrent transactions take row locks in one order.
    await upsertIncrements(manager, AREA_UPSERT, rows.areas);
    await upsertIncrements(manager, SEGMENT_UPSERT, rows.segments);
    await upsertIncrements(manager, SPEAKER_UPSERT, rows.speakers);
  }

  /**
   * Notes which communes each broadcast reaches with these new deliveries; answers, per broadcast, the
   * areas where this is its first delivery (where its `broadcasts` count goes up by one).
   */
  private async recordReach(manager: EntityManager, created: DeliveryTransition[], batchPaths: ReadonlyMap<string, string>): Promise<Map<string, Set<string>>> {
    const reached = new Map<string, Set<string>>();
    for (const t of created) {
      let communes = reached.get(t.broadcastId);
      if (!communes) reached.set(t.broadcastId, (communes = new Set()));
      communes.add(t.communeId);
    }
    const earlier = new Map<string, string[]>();
    for (const ids of chunks([...reached.keys()])) {
      const rows = await manager.getRepository(BroadcastCommuneEntity).find({ where: { broadcastId: In(ids) } });
      for (const row of rows) earlier.set(row.broadcastId, [...(earlier.get(row.broadcastId) ?? []), row.communeId]);
    }
    const earlierPaths = await this.pathsOf(manager, distinct([...earlier.values()].flat()));
    const pathOf = (communeId: string) => batchPaths.get(communeId) ?? earlierPaths.get(communeId)!;
    const firstAreas = new Map<string, Set<string>>();
    const newPairs: BroadcastCommuneEntity[] = [];
    for (const [broadcastId, communes] of reached) {
      const before = earlier.get(broadcastId) ?? [];
      const fresh = [...communes].filter((c) => !before.includes(c));
      newPairs.push(...fresh.map((communeId) => ({ broadcastId, communeId })));
      firstAreas.set(broadcastId, firstDeliveryAreas(fresh.map(pathOf), before.map(pathOf)));
    }
    for (let i = 0; i < newPairs.length; i += IN_CHUNK) await manager.insert(BroadcastCommuneEntity, newPairs.slice(i, i + IN_CHUNK));
    return firstAreas;
  }

  private async broadcastFacts(manager: EntityManager, ids: string[]): Promise<Map<string, BroadcastFacts>> {
    const missing = ids.filter((id) => !this.broadcasts.has(id));
    const rows: BroadcastEntity[] = [];
    for (const chunk of chunks(missing)) {
      rows.push(...(await manager.getRepository(BroadcastEntity).find({
        where: { id: In(chunk) },
        select: { id: true, startsAt: true, endsAt: true, segmentIds: true, segmentDurations: true, repeat: true },
      })));
    }
    const topics = await this.topicsOf(manager, distinct(rows.flatMap((b) => b.segmentIds)));
    if (this.broadcasts.size + rows.length > CACHE_LIMIT) this.broadcasts.clear();
    const found = new Map<string, BroadcastFacts>();
    for (const b of rows) {
      const facts: BroadcastFacts = {
        startsAt: b.startsAt.getTime(),
        airtimeMs: b.endsAt.getTime() - b.startsAt.getTime(),
        segments: playlistSegments(b.segmentIds, b.segmentDurations, b.repeat, (id) => topics.get(id)!),
      };
      this.broadcasts.set(b.id, facts);
      found.set(b.id, facts);
    }
    for (const id of ids) {
      const facts = this.broadcasts.get(id) ?? found.get(id);
      if (!facts) throw new Error(`rollups: broadcast ${id} not found`);
      found.set(id, facts);
    }
    return found;
  }

  private async topicsOf(manager: EntityManager, segmentIds: string[]): Promise<Map<string, string>> {
    const missing = segmentIds.filter((id) => !this.topics.has(id));
    if (this.topics.size + missing.length > CACHE_LIMIT) this.topics.clear();
    for (const chunk of chunks(missing)) {
      const rows = await manager.getRepository(SegmentEntity).find({ where: { id: In(chunk) }, select: { id: true, topic: true } });
      for (const row of rows) this.topics.set(row.id, row.topic);
    }
    const topics = new Map<string, string>();
    for (const id of segmentIds) {
      const topic = this.topics.get(id);
      if (topic === undefined) throw new Error(`rollups: segment ${id} not found`);
      topics.set(id, topic);
    }
    return topics;
  }

  private async pathsOf(manager: EntityManager, communeIds: string[]): Promise<Map<string, string>> {
    const missing = communeIds.filter((id) => !this.communePaths.has(id));
    if (this.communePaths.size + missing.length > CACHE_LIMIT) this.communePaths.clear();
    for (const chunk of chunks(missing)) {
      const rows = await manager.getRepository(AreaEntity).find({ where: { id: In(chunk) }, select: { id: true, path: true } });
      for (const row of rows) this.communePaths.set(row.id, row.path);
    }
    const paths = new Map<string, string>();
    for (const id of communeIds) {
      const path = this.communePaths.get(id);
      if (!path) throw new Error(`rollups: commune ${id} not found`);
      paths.set(id, path);
    }
    return paths;
  }
}

const distinct = (values: string[]): string[] => [...new Set(values)];

function* chunks<T>(values: T[]): Generator<T[]> {
  for (let i = 0; i < values.length; i += IN_CHUNK) yield values.slice(i, i + IN_CHUNK);
}
