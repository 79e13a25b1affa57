import { Entity, Index, PrimaryColumn, Column } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

export const AREA_KINDS = ['province', 'district', 'commune'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

@Entity('areas')
export class AreaEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code: string;

  @Column({ type: 'varchar', length: 16 })
  kind: AreaKind;

  @Index()
  @IdColumn({ nullable: true })
  parentId: string | null;

  /** Materialised path of ids, `/root/.../self/`: a subtree is every path with this prefix. */
  @Index()
  @Column({ type: 'varchar', length: 800 })
  path: string;

  @Column({ type: 'int', nullable: true })
  maxBroadcastMinutes: number | null;

  @InstantColumn()
  createdAt: Date;
}
