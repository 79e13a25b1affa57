import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';
import type { Priority } from '../schedules/schedule.entity.js';

/** `stopped`: taken off air by a person (POST /broadcasts/:id/stop); its deliveries are finalised as usual. */
export const BROADCAST_STATUSES = ['scheduled', 'on_air', 'completed', 'partial', 'missed', 'skipped', 'cancelled', 'preempted', 'stopped'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

@Entity('broadcasts')
/** One live broadcast per schedule and start; cancelled ones stay beside their replacements. */
@Index('ux_broadcasts_schedule_start_live', ['scheduleId', 'startsAt'], { unique: true, where: `"status" <> 'cancelled'` })
@Index('ix_broadcasts_status_start', ['status', 'startsAt'])
@Index('ix_broadcasts_areaPath_status_startsAt', ['areaPath', 'status', 'startsAt'])
/** The few cut-ins waiting for their turn (SPEC §14), found without a scan of every scheduled broadcast. */
@Index('ix_broadcasts_waiting', ['startsAt'], { where: `"status" = 'scheduled' AND "notBefore" IS NOT NULL` })
export class BroadcastEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** null for emergency broadcasts. */
  @IdColumn({ nullable: true })
  scheduleId: string | null;

  /** The commune for scheduled broadcasts; any area for an emergency (its whole subtree). */
  @Index()
  @IdColumn()
  areaId: string;

  /** areaId's materialised path at creation, for scope filters. */
  @Index()
  @Column({ type: 'varchar', length: 800 })
  areaPath: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Index()
  @InstantColumn()
  startsAt: Date;

  @InstantColumn()
  endsAt: Date;

  @Column({ type: 'varchar', length: 16 })
  priority: Priority;

  /**
   * A cut-in's (an emergency's, an alert's) earliest start: when it was sent, or an alert's onset. A
   * later `startsAt` means it waits for its turn (SPEC §14), and moves up when what it waits for is
   * stopped. Null for a schedule's broadcasts, whose start is their schedule's.
   */
  @InstantColumn({ nullable: true })
  notBefore: Date | null;

  @Column({ type: 'int' })
  repeat: number;

  @Column({ type: 'int' })
  gapSec: number;

  @Column({ type: 'simple-json' })
  segmentIds: string[];

  /** Snapshot of each segment's duration, so history survives retirement. */
  @Column({ type: 'simple-json' })
  segmentDurations: number[];

  /** Explicit target speakers; null = every speaker of the area at dispatch time. */
  @Column({ type: 'simple-json', nullable: true })
  speakerIds: string[] | null;

  @Column({ type: 'varchar', length: 16 })
  status: BroadcastStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @IdColumn({ nullable: true })
  createdBy: string | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  onAirAt: Date | null;

  @InstantColumn({ nullable: true })
  finalisedAt: Date | null;
}
