import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * Report rollups (src/reports/rollup.entities.ts), kept by RollupsRepository.apply() in the transaction of
 * every delivery change, and an index for the audit trail's `resource` filter. Rollups of deliveries
 * that already exist are built by the same code path when they are written; this migration runs before
 * any delivery exists (dispatch lands with it), so there is nothing to backfill.
 */
const key = (name: string, length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const grainAndBucket: TableColumnOptions[] = [key('grain', 1), { name: 'bucket', type: 'bigint', isPrimary: true }];
const path: TableColumnOptions = { name: 'areaPath', type: 'varchar', length: '800' };
const counters = (...names: string[]): TableColumnOptions[] => names.map((name) => ({ name, type: 'bigint', default: 0 }));
const STATUS_COUNTERS = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'];
const AUDIT_RESOURCE = new TableIndex({ name: 'ix_audit_entries_resource', columnNames: ['resource'] });

export class ReportRollups1764374400000 implements MigrationInterface {
  name = 'ReportRollups1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_area_rollups',
      columns: [key('areaId'), ...grainAndBucket, path, ...counters('broadcasts', ...STATUS_COUNTERS)],
      indices: [new TableIndex({ name: 'ix_report_area_rollups_grain_bucket', columnNames: ['grain', 'bucket'] })],
    }));
    await q.createTable(new Table({
      name: 'report_segment_rollups',
      columns: [
        key('areaId'), ...grainAndBucket, key('segmentId'), { name: 'topic', type: 'varchar', length: '100' },
        ...counters('broadcasts', ...STATUS_COUNTERS, 'topicBroadcasts', 'topicTargeted', 'topicPending', 'topicPlayed', 'topicFailed', 'topicMissed'),
      ],
    }));
    await q.createTable(new Table({
      name: 'report_speaker_rollups',
      columns: [key('communeId'), ...grainAndBucket, key('speakerId'), path, ...counters(...STATUS_COUNTERS)],
    }));
    await q.createTable(new Table({ name: 'report_broadcast_communes', columns: [key('broadcastId'), key('communeId')] }));
    await q.createIndex('audit_entries', AUDIT_RESOURCE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('audit_entries', AUDIT_RESOURCE.name!);
    for (const table of ['report_broadcast_communes', 'report_speaker_rollups', 'report_segment_rollups', 'report_area_rollups']) await q.dropTable(table);
  }
}
