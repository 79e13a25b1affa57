import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { DeliveryTransition } from '../broadcasts/delivery-transition.js';
import type { DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { BroadcastFactsLoader, chunks, distinct } from './broadcast-facts.js';
import { AreaRollupEntity, BroadcastCommuneEntity, RollupJournalEntity, RollupStateEntity, SegmentRollupEntity, SpeakerRollupEntity } from './rollup.entities.js';
import { firstDeliveryAreas, rollupRows, type AreaRollupRow, type RollupRows, type SegmentRollupRow, type SpeakerRollupRow } from './rollup-rows.js';
import { appendJournal } from './journal-append.js';
import { upsertIncrements, type IncrementUpsert } from './sql.js';

const STATUS = ['targeted', 'pending', 'played', 'interrupted', 'failed', 'missed', 'airtimeMs'] as const;
const AREA_UPSERT: IncrementUpsert<AreaRollupRow> = { entity: AreaRollupEntity, keys: ['areaId', 'grain', 'bucket'], fixed: ['areaPath'], counters: ['broadcasts', ...STATUS] };
const SEGMENT_UPSERT: IncrementUpsert<SegmentRollupRow> = {
  entity: SegmentRollupEntity, keys: ['areaId', 'grain', 'bucket', 'segmentId'], fixed: ['topic'],
  counters: ['broadcasts', ...STATUS, 'topicBroadcasts', 'topicTargeted', 'topicPending', 'topicPlayed', 'topicInterrupted', 'topicFailed', 'topicMissed'],
};
const SPEAKER_UPSERT: IncrementUpsert<SpeakerRollupRow> = { entity: SpeakerRollupEntity, keys: ['communeId', 'grain', 'bucket', 'speakerId'], fixed: ['areaPath'], counters: STATUS };
const STATE_UPSERT: IncrementUpsert<RollupStateEntity> = { entity: RollupStateEntity, keys: ['id'], fixed: [], counters: ['generation'] };
/** A fold stops taking journal rows past this many transitions, to keep its write transaction short. */
const FOLD_TRANSITIONS = 500;
const JOURNAL_PAGE = 50;

type EncodedTransition = [string, string, string, DeliveryStatus, DeliveryStatus];

const encode = (transitions: DeliveryTransition[]): string => JSON.stringify(transitions.map((t) => [t.broadcastId, t.speakerId, t.communeId, t.from, t.to]));
export const decodeTransitions = (text: string): DeliveryTransition[] =>
  (JSON.parse(text) as EncodedTransition[]).map(([broadcastId, speakerId, communeId, from, to]) => ({ broadcastId, speakerId, communeId, from, to }));

/**
 * Keeps the report rollups equal to the deliveries. Every delivery status change calls apply() inside
 * the transaction that makes it, so a change and its record commit or roll back together. apply()
 * only appends the transitions to the journal (a row per 500: one small insert for a receipt, a few
 * for a dispatch); a worker folds the journal into the area, segment and speaker rollups (RollupFolder),
 * many transitions of a broadcast at a time. Reports add the journal to the rollups, so they stay exact.
 */
@Injectable()
export class RollupsRepository {
  constructor(private readonly facts: BroadcastFactsLoader) {}

  async apply(manager: EntityManager, transitions: DeliveryTransition[]): Promise<void> {
    await appendJournal(manager, [...chunks(transitions, FOLD_TRANSITIONS)].map(encode));
  }

  /** The rollup rows of transitions, without writing anything: what reports add for the journal. */
  async rowsOf(manager: EntityManager, transitions: DeliveryTransition[]): Promise<RollupRows> {
    const broadcasts = await this.facts.broadcastFacts(manager, distinct(transitions.map((t) => t.broadcastId)));
    const communePaths = await this.facts.communePaths(manager, distinct(transitions.map((t) => t.communeId)));
    const { firstAreas } = await this.reach(manager, transitions, communePaths);
    return rollupRows({ transitions, broadcasts, communePaths, firstDeliveryAreas: firstAreas });
  }

  async journalWaiting(manager: EntityManager): Promise<boolean> {
    return !!(await manager.getRepository(RollupJournalEntity).createQueryBuilder('j').select('j.seq', 'seq').limit(1).getRawOne());
  }

  /**
   * Folds the oldest journal rows into the rollups and deletes them, in the caller's write transaction
   * (serialised on SQLite; on PostgreSQL the state row's lock keeps folds one at a time). The state's
   * generation is odd for the fold's duration. Answers how many journal rows were folded.
   */
  async foldJournal(manager: EntityManager): Promise<number> {
    await upsertIncrements(manager, STATE_UPSERT, [{ id: 1, generation: 1 }]);
    const journal = manager.getRepository(RollupJournalEntity);
    const taken: string[] = [];
    const transitions: DeliveryTransition[] = [];
    while (transitions.length < FOLD_TRANSITIONS) {
      const query = journal.createQueryBuilder('j').orderBy('j.seq', 'ASC').limit(JOURNAL_PAGE);
      if (taken.length) query.where('j.seq > :after', { after: taken[taken.length - 1] });
      const rows = await query.getMany();
      for (const row of rows) {
        if (transitions.length >= FOLD_TRANSITIONS) break;
        taken.push(row.seq);
        transitions.push(...decodeTransitions(row.transitions));
      }
      if (rows.length < JOURNAL_PAGE) break;
    }
    await this.fold(manager, transitions);
    for (const seqs of chunks(taken)) await manager.delete(RollupJournalEntity, { seq: In(seqs) });
    await upsertIncrements(manager, STATE_UPSERT, [{ id: 1, generation: 1 }]);
    return taken.length;
  }

  private async fold(manager: EntityManager, transitions: DeliveryTransition[]): Promise<void> {
    if (!transitions.length) return;
    const broadcasts = await this.facts.broadcastFacts(manager, distinct(transitions.map((t) => t.broadcastId)));
    const communePaths = await this.facts.communePaths(manager, distinct(transitions.map((t) => t.communeId)));
    const { firstAreas, newPairs } = await this.reach(manager, transitions, communePaths);
    for (const pairs of chunks(newPairs)) await manager.insert(BroadcastCommuneEntity, pairs);
    const rows = rollupRows({ transitions, broadcasts, communePaths, firstDeliveryAreas: firstAreas });
    // Always the same table order, so concurrent transactions take row locks in one order.
    await upsertIncrements(manager, AREA_UPSERT, rows.areas);
    await upsertIncrements(manager, SEGMENT_UPSERT, rows.segments);
    await upsertIncrements(manager, SPEAKER_UPSERT, rows.speakers);
  }

  /**
   * Which communes the new deliveries among `transitions` bring each broadcast to (`newPairs`, for the
   * broadcast-communes table) and, per broadcast, the areas where they are its first delivery (where its
   * `broadcasts` count goes up by one), given the communes it reached before.
   */
  private async reach(manager: EntityManager, transitions: DeliveryTransition[], batchPaths: ReadonlyMap<string, string>) {
    const reached = new Map<string, Set<string>>();
    for (const t of transitions) {
      if (t.from !== null) continue;
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
    return { firstAreas, newPairs };
  }
}
