import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/** Append-only, hash-chained: hash = sha256(prevHash + canonical content). */
@Entity('audit_entries')
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'int' })
  seq: number;

  @Index()
  @InstantColumn()
  at: Date;

  @Index()
  @IdColumn({ nullable: true })
  userId: string | null;

  /** Area of the acting user (null for admins and anonymous callers), for auditor scoping. */
  @Column({ type: 'varchar', length: 800, nullable: true })
  areaPath: string | null;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Index('ix_audit_entries_resource')
  @Column({ type: 'varchar', length: 32 })
  resource: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  resourceId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
