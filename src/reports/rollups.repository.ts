import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { DeliveryTransition } from '../broadcasts/delivery-transition.js';
import { BroadcastFactsLoader, chunks, distinct } from './broadcast-facts.js';
import { AreaRollupEntity, BroadcastCommuneEntity, SegmentRollupEntity, SpeakerRollupEntity } from './rollup.entities.js';
import { firstDeliveryAreas, rollupRows, type AreaRollupRow, type SegmentRollupRow, type SpeakerRollupRow } from './rollup-rows.js';
import { upsertIncrements, type IncrementUpsert } from './sql.js';

const STATUS = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'] as const;
const AREA_UPSERT: IncrementUpsert<AreaRollupRow> = { entity: AreaRollupEntity, keys: ['areaId', 'grain', 'bucket'], fixed: ['areaPath'], counters: ['broadcasts', ...STATUS] };
const SEGMENT_UPSERT: IncrementUpsert<SegmentRollupRow> = {
  entity: SegmentRollupEntity, keys: ['areaId', 'grain', 'bucket', 'segmentId'], fixed: ['topic'],
  counters: ['broadcasts', ...STATUS, 'topicBroadcasts', 'topicTargeted', 'topicPending', 'topicPlayed', 'topicFailed', 'topicMissed'],
};
const SPEAKER_UPSERT: IncrementUpsert<SpeakerRollupRow> = { entity: SpeakerRollupEntity, keys: ['communeId', 'grain', 'bucket', 'speakerId'], fixed: ['areaPath'], counters: STATUS };

/**
 * Keeps the report rollups equal to the deliveries: every delivery status change calls apply() inside
 * the transaction that makes it, so a report never sees one without the other and a rolled-back change
 * leaves no trace. Work per call: a few cached lookups and three multi-row upserts.
 */
@Injectable()
export class RollupsRepository {
  constructor(private readonly facts: BroadcastFactsLoader) {}

  async apply(manager: EntityManager, transitions: DeliveryTransition[]): Promise<void> {
    if (!transitions.length) return;
    const broadcasts = await this.facts.broadcastFacts(manager, distinct(transitions.map((t) => t.broadcastId)));
    const communePaths = await this.facts.communePaths(manager, distinct(transitions.map((t) => t.communeId)));
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
      for (const row of rows) {
        const communes = earlier.get(row.broadcastId);
        if (communes) communes.push(row.communeId);
        else earlier.set(row.broadcastId, [row.communeId]);
      }
    }
    const earlierPaths = await this.facts.communePaths(manager, distinct([...earlier.values()].flat()));
    const pathOf = (communeId: string) => batchPaths.get(communeId) ?? earlierPaths.get(communeId)!;
    const firstAreas = new Map<string, Set<string>>();
    const newPairs: BroadcastCommuneEntity[] = [];
    for (const [broadcastId, communes] of reached) {
      const before = earlier.get(broadcastId) ?? [];
      const fresh = [...communes].filter((c) => !before.includes(c));
      newPairs.push(...fresh.map((communeId) => ({ broadcastId, communeId })));
      firstAreas.set(broadcastId, firstDeliveryAreas(fresh.map(pathOf), before.map(pathOf)));
    }
    for (const pairs of chunks(newPairs)) await manager.insert(BroadcastCommuneEntity, pairs);
    return firstAreas;
  }
}
