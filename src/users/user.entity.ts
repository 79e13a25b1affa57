import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** `alert_source`: a machine account of an upstream warning system; it may only post alerts in its area subtree (SPEC §11). */
export const ROLES = ['admin', 'district_staff', 'commune_operator', 'auditor', 'alert_source'] as const;
export type Role = (typeof ROLES)[number];

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @IdColumn({ nullable: true })
  areaId: string | null;

  @InstantColumn()
  createdAt: Date;
}
