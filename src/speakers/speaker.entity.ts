import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';
import type { DeviceStatusReport } from '../device/device-status.dto.js';

@Entity('speakers')
export class SpeakerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Index()
  @IdColumn()
  communeId: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  location: string | null;

  /** sha256 of the device token; the token itself is shown once and never stored. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @InstantColumn({ nullable: true })
  lastSeenAt: Date | null;

  /** The last status its receiver reported (POST /device/status), as sent. */
  @Column({ type: 'simple-json', nullable: true })
  status: DeviceStatusReport | null;

  @InstantColumn({ nullable: true })
  statusReportedAt: Date | null;

  /** status.version, queryable: the console marks receivers older than the newest reported. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  agentVersion: string | null;

  /** status.playing.broadcastId, queryable: a broadcast's live progress counts the receivers playing it. */
  @Index('ix_speakers_playingBroadcastId')
  @IdColumn({ nullable: true })
  playingBroadcastId: string | null;

  @InstantColumn()
  createdAt: Date;
}

/** A speaker whose receiver has not reported yet. */
export const NO_STATUS: Pick<SpeakerEntity, 'status' | 'statusReportedAt' | 'agentVersion' | 'playingBroadcastId'> = { status: null, statusReportedAt: null, agentVersion: null, playingBroadcastId: null };
