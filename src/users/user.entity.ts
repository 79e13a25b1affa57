import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** `alert_source`: a machine account of an upstream warning system; it may only post alerts in its area subtree (SPEC §11). */
export const ROLES = ['admin', 'district_staff', 'commune_operator', 'auditor', 'alert_source'] as const;
export type Role = (typeof ROLES)[number];

/** The roles that may start an emergency broadcast: the ones a second factor protects (LOA_REQUIRE_TOTP). */
export const EMERGENCY_ROLES = ['admin', 'district_staff'] as const satisfies readonly Role[];

export const needsSecondFactor = (role: Role): boolean => (EMERGENCY_ROLES as readonly Role[]).includes(role);

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

  /** Disabled users cannot sign in and their tokens stop working; they are never erased. */
  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** Carried in every token; bumping it revokes all the user's tokens at once. */
  @Column({ type: 'int', default: 0 })
  tokenVersion: number;

  /** The last few password hashes before the current one: a reused password is refused. */
  @Column({ type: 'simple-json', nullable: true })
  previousPasswordHashes: string[] | null;

  /** Base32 TOTP secret: pending until totpEnabledAt is set by a confirmed first code. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  totpSecret: string | null;

  @InstantColumn({ nullable: true })
  totpEnabledAt: Date | null;

  /** The time step of the last accepted code: a code is accepted once. */
  @Column({ type: 'int', nullable: true })
  totpLastStep: number | null;

  /** sha256 of the recovery codes not used yet. */
  @Column({ type: 'simple-json', nullable: true })
  recoveryCodeHashes: string[] | null;
}
