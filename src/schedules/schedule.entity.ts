import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

@Entity('schedules')
export class ScheduleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @IdColumn()
  communeId: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'simple-json' })
  segmentIds: string[];

  /** null: every speaker of the commune, including ones added later. */
  @Column({ type: 'simple-json', nullable: true })
  speakerIds: string[] | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  cron: string | null;

  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  /** Local calendar dates (YYYY-MM-DD) in `timezone`, inclusive. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  startDate: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  endDate: string | null;

  @InstantColumn({ nullable: true })
  at: Date | null;

  @Column({ type: 'varchar', length: 16 })
  priority: Priority;

  @Column({ type: 'int' })
  repeat: number;

  @Column({ type: 'int' })
  gapSec: number;

  @IdColumn({ nullable: true })
  createdBy: string | null;

  /** Broadcasts are materialised up to here. */
  @InstantColumn({ nullable: true })
  materialisedUntil: Date | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;

  /** Deleted schedules stay as history for their past broadcasts. */
  @Index()
  @InstantColumn({ nullable: true })
  deletedAt: Date | null;
}
