import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn } from '../database/columns.js';

/**
 * What became of an alert: `receiving` (its audio is being made, for about a second), `on_air` (an emergency playing, or waiting for its turn), `scheduled` (a
 * priority broadcast at its onset), `not_aired` (Exercise, Test, System, Ack, Error: stored, never
 * aired), `cancel` (a Cancel message: it stopped what it references); later `replaced` (by an
 * Update), `cancelled` (by a Cancel) or `stopped` (by a person).
 */
export const ALERT_OUTCOMES = ['receiving', 'on_air', 'scheduled', 'not_aired', 'cancel', 'replaced', 'cancelled', 'stopped'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/** One CAP 1.2 message received (SPEC §11), identified by sender + identifier. */
@Entity('alerts')
@Index('ux_alerts_sender_identifier', ['sender', 'identifier'], { unique: true })
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  sender: string;

  @Column({ type: 'varchar', length: 255 })
  identifier: string;

  @InstantColumn()
  sent: Date;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'varchar', length: 16 })
  msgType: string;

  @Column({ type: 'varchar', length: 16 })
  scope: string;

  /** CAP `references`: the messages an Update or Cancel is about, as `sender,identifier,sent`. */
  @Column({ type: 'simple-json' })
  references: string[];

  /** From the info block that was aired (or would have been). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  event: string | null;

  @Column({ type: 'text', nullable: true })
  headline: string | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  language: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  urgency: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  severity: string | null;

  @InstantColumn({ nullable: true })
  onset: Date | null;

  @InstantColumn({ nullable: true })
  expires: Date | null;

  @Column({ type: 'simple-json' })
  areaIds: string[];

  @Column({ type: 'simple-json' })
  broadcastIds: string[];

  /** The attention signal and the alert's own audio. */
  @Column({ type: 'simple-json' })
  segmentIds: string[];

  @Index()
  @Column({ type: 'varchar', length: 16 })
  outcome: AlertOutcome;

  /** Why it did not air, or what an Update or Cancel did. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** `post` (POST /alerts) or the Atom feed it was read from. */
  @Column({ type: 'varchar', length: 2000 })
  via: string;

  @IdColumn({ nullable: true })
  receivedBy: string | null;

  @Index()
  @InstantColumn()
  receivedAt: Date;

  /** The message as received. */
  @Column({ type: 'text' })
  xml: string;
}

/** The areas an alert names, with their paths: the alert is seen from their subtrees and from above. */
@Entity('alert_areas')
export class AlertAreaEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  alertId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  areaId: string;

  @Index()
  @Column({ type: 'varchar', length: 800 })
  areaPath: string;
}
