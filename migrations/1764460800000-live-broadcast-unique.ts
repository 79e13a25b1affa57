import { MigrationInterface, QueryRunner, TableIndex, TableUnique } from 'typeorm';

/**
 * A schedule has at most one live broadcast per start instant, but editing a schedule cancels its
 * future broadcasts and materialises them again, often at the same instants: the cancelled rows stay
 * as history, so uniqueness now covers only broadcasts that are not cancelled (a partial unique
 * index, which SQLite and PostgreSQL both support).
 */
const OLD = new TableUnique({ name: 'uq_broadcasts_schedule_start', columnNames: ['scheduleId', 'startsAt'] });
const LIVE = new TableIndex({ name: 'ux_broadcasts_schedule_start_live', columnNames: ['scheduleId', 'startsAt'], isUnique: true, where: `"status" <> 'cancelled'` });

export class LiveBroadcastUnique1764460800000 implements MigrationInterface {
  name = 'LiveBroadcastUnique1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.dropUniqueConstraint('broadcasts', OLD.name!);
    await q.createIndex('broadcasts', LIVE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('broadcasts', LIVE.name!);
    await q.createUniqueConstraint('broadcasts', OLD);
  }
}
