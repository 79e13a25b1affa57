import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

/**
 * SQLite: the rollup tables become WITHOUT ROWID, i.e. stored in primary-key order, so a report's range
 * (one area, one grain, a span of buckets) is one contiguous read instead of an index walk with a
 * table lookup per row, and an upsert touches one B-tree instead of two. The (grain, bucket) index of
 * the area rollups, unused by any query, goes. PostgreSQL has no such storage option: nothing changes.
 */
const key = (name: string, length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const grainAndBucket: TableColumnOptions[] = [key('grain', 1), { name: 'bucket', type: 'bigint', isPrimary: true }];
const path: TableColumnOptions = { name: 'areaPath', type: 'varchar', length: '800' };
const counters = (...names: string[]): TableColumnOptions[] => names.map((name) => ({ name, type: 'bigint', default: 0 }));
const STATUS_COUNTERS = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'];

const TABLES: Array<{ name: string; columns: TableColumnOptions[] }> = [
  { name: 'report_area_rollups', columns: [key('areaId'), ...grainAndBucket, path, ...counters('broadcasts', ...STATUS_COUNTERS)] },
  {
    name: 'report_segment_rollups',
    columns: [
      key('areaId'), ...grainAndBucket, key('segmentId'), { name: 'topic', type: 'varchar', length: '100' },
      ...counters('broadcasts', ...STATUS_COUNTERS, 'topicBroadcasts', 'topicTargeted', 'topicPending', 'topicPlayed', 'topicFailed', 'topicMissed'),
    ],
  },
  { name: 'report_speaker_rollups', columns: [key('communeId'), ...grainAndBucket, key('speakerId'), path, ...counters(...STATUS_COUNTERS)] },
  { name: 'report_broadcast_communes', columns: [key('broadcastId'), key('communeId')] },
];

export class ReportRollupsClustered1764720000000 implements MigrationInterface {
  name = 'ReportRollupsClustered1764720000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await q.dropIndex('report_area_rollups', 'ix_report_area_rollups_grain_bucket');
    for (const table of TABLES) await rebuild(q, table, true);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    for (const table of TABLES) await rebuild(q, table, false);
  }
}

/** Copies `table` into a new one with the same columns, stored with or without rowid, and swaps them. */
async function rebuild(q: QueryRunner, table: { name: string; columns: TableColumnOptions[] }, withoutRowid: boolean): Promise<void> {
  const copy = `${table.name}_rebuilt`;
  const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
  await q.createTable(new Table({ name: copy, columns: table.columns, withoutRowid }));
  await q.query(`INSERT INTO "${copy}" (${columns}) SELECT ${columns} FROM "${table.name}"`);
  await q.dropTable(table.name);
  await q.renameTable(copy, table.name);
}
