import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * A cut-in (emergency, alert) remembers its earliest start, so that one waiting for its turn (SPEC §14)
 * can move up when the broadcast it waits for is stopped, cancelled or withdrawn: to that earliest
 * start, never before it (an alert's onset). A partial index finds the few waiting ones.
 */
const INDEX = new TableIndex({ name: 'ix_broadcasts_waiting', columnNames: ['startsAt'], where: `"status" = 'scheduled' AND "notBefore" IS NOT NULL` });

export class BroadcastNotBefore1765152000000 implements MigrationInterface {
  name = 'BroadcastNotBefore1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('broadcasts', new TableColumn({ name: 'notBefore', type: 'bigint', isNullable: true }));
    await q.createIndex('broadcasts', INDEX);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('broadcasts', INDEX);
    await q.dropColumn('broadcasts', 'notBefore');
  }
}
