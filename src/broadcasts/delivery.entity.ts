import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** `interrupted`: played in part (the broadcast was stopped or cut off by a higher priority while playing). */
export const DELIVERY_STATUSES = ['pending', 'played', 'interrupted', 'failed', 'missed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity('deliveries')
@Index('ix_deliveries_speaker_status', ['speakerId', 'status'])
export class DeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  broadcastId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  speakerId: string;

  /** The speaker's commune when the broadcast aired: commune merges never rewrite history. */
  @Index()
  @IdColumn()
  communeId: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @InstantColumn({ nullable: true })
  startedAt: Date | null;

  @InstantColumn({ nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @InstantColumn()
  createdAt: Date;

  /** When the receipt (or the finaliser) settled it. */
  @InstantColumn({ nullable: true })
  settledAt: Date | null;
}
