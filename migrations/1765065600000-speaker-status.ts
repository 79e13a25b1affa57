import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Speakers keep the last status their receiver reported (POST /device/status, SPEC §9): the report as
 * sent and when, and two fields of it as columns of their own, the version (receivers older than the
 * newest are marked behind) and the broadcast it is playing (indexed: a broadcast's live progress counts
 * the receivers playing it). Null until a receiver first reports.
 */
const INDEX = new TableIndex({ name: 'ix_speakers_playingBroadcastId', columnNames: ['playingBroadcastId'] });

export class SpeakerStatus1765065600000 implements MigrationInterface {
  name = 'SpeakerStatus1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('speakers', [
      new TableColumn({ name: 'status', type: 'text', isNullable: true }),
      new TableColumn({ name: 'statusReportedAt', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'agentVersion', type: 'varchar', length: '50', isNullable: true }),
      new TableColumn({ name: 'playingBroadcastId', type: 'varchar', length: '36', isNullable: true }),
    ]);
    await q.createIndex('speakers', INDEX);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('speakers', INDEX);
    await q.dropColumns('speakers', ['status', 'statusReportedAt', 'agentVersion', 'playingBroadcastId']);
  }
}
