import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CountColumn } from '../database/columns.js';
import type { Grain } from './buckets.js';

/*
 * Report rollups, maintained by RollupsRepository.apply() in the transaction of every delivery change.
 * On SQLite they are WITHOUT ROWID tables, stored in primary-key order: a report reads contiguous rows.
 * Bucket = start (epoch ms) of the broadcast's quarter-hour, day or month (see buckets.ts). Rows name the
 * area and segment as they were when the broadcast aired (commune snapshot of the delivery, topic
 * snapshot of the segment), so later merges, retirements and deletions never change past counts.
 */

const GrainColumn = () => PrimaryColumn({ type: 'varchar', length: 1 });
const BucketColumn = () => PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } });
const PathColumn = () => Column({ type: 'varchar', length: 800 });

/** The delivery counters every rollup keeps (columns inherited by each rollup entity). */
abstract class DeliveryCounters {
  @CountColumn() targeted: number;
  @CountColumn() pending: number;
  @CountColumn() played: number;
  @CountColumn() interrupted: number;
  @CountColumn() failed: number;
  @CountColumn() missed: number;
  @CountColumn() airtimeMs: number;
}

/** Per area, for every area above a delivery's commune (the commune included): groupBy day and commune. */
@Entity({ name: 'report_area_rollups', withoutRowid: true })
export class AreaRollupEntity extends DeliveryCounters {
  @PrimaryColumn({ type: 'varchar', length: 36 }) areaId: string;
  @GrainColumn() grain: Grain;
  @BucketColumn() bucket: number;
  @PathColumn() areaPath: string;
  @CountColumn() broadcasts: number;
}

/** Per area and playlist segment: groupBy segment, and (through the topic* counters) topic. */
@Entity({ name: 'report_segment_rollups', withoutRowid: true })
export class SegmentRollupEntity extends DeliveryCounters {
  @PrimaryColumn({ type: 'varchar', length: 36 }) areaId: string;
  @GrainColumn() grain: Grain;
  @BucketColumn() bucket: number;
  @PrimaryColumn({ type: 'varchar', length: 36 }) segmentId: string;
  @Column({ type: 'varchar', length: 100 }) topic: string;
  @CountColumn() broadcasts: number;
  @CountColumn() topicBroadcasts: number;
  @CountColumn() topicTargeted: number;
  @CountColumn() topicPending: number;
  @CountColumn() topicPlayed: number;
  @CountColumn() topicInterrupted: number;
  @CountColumn() topicFailed: number;
  @CountColumn() topicMissed: number;
}

/** Per speaker and the commune it played in (day and month grains): groupBy speaker. */
@Entity({ name: 'report_speaker_rollups', withoutRowid: true })
export class SpeakerRollupEntity extends DeliveryCounters {
  @PrimaryColumn({ type: 'varchar', length: 36 }) communeId: string;
  @GrainColumn() grain: Grain;
  @BucketColumn() bucket: number;
  @PrimaryColumn({ type: 'varchar', length: 36 }) speakerId: string;
  @PathColumn() areaPath: string;
}

/** Which communes a broadcast has reached, so `broadcasts` counts it once per area even when dispatch comes in several batches. */
@Entity({ name: 'report_broadcast_communes', withoutRowid: true })
export class BroadcastCommuneEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) broadcastId: string;
  @PrimaryColumn({ type: 'varchar', length: 36 }) communeId: string;
}

/**
 * Receipts and finalisations not yet folded into the rollups: one row per write transaction, holding its
 * status changes (see RollupsRepository). Reports add these to the rollups; a worker folds them in.
 */
@Entity('report_rollup_journal')
export class RollupJournalEntity {
  /** Assigned on insert: the SQLite rowid, a PostgreSQL identity (bigint, read back as a string). */
  @PrimaryGeneratedColumn({ type: 'bigint' }) seq: string;
  /** JSON [[broadcastId, speakerId, communeId, from, to], ...]. */
  @Column({ type: 'text' }) transitions: string;
  @CountColumn() createdAt: number;
}

/**
 * One row (id 1): `generation` goes up by one when a fold starts and by one when it ends (odd while a
 * fold runs), so a report that read journal and rollups across a fold can tell and read again.
 */
@Entity('report_rollup_state')
export class RollupStateEntity {
  @PrimaryColumn({ type: 'int' }) id: number;
  @CountColumn() generation: number;
}

export const ROLLUP_ENTITIES = [AreaRollupEntity, SegmentRollupEntity, SpeakerRollupEntity, BroadcastCommuneEntity, RollupJournalEntity, RollupStateEntity];
