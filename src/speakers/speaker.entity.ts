import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

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

  @InstantColumn()
  createdAt: Date;
}
