import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Receipts may now say `interrupted` (played in part: stopped, or cut off by a higher priority), and
 * reports count such deliveries apart: each report rollup gains an `interrupted` counter (and the segment
 * rollups a `topicInterrupted`, for groupBy topic). The backfill is the column default, 0, and it is
 * exact: before this version no receipt could say `interrupted`, so no delivery is. (SQLite rebuilds each
 * table to add a column; TypeORM keeps them WITHOUT ROWID.)
 */
const counter = (name: string) => new TableColumn({ name, type: 'bigint', default: 0 });

const ROLLUP_COLUMNS: Array<[string, string[]]> = [
  ['report_area_rollups', ['interrupted']],
  ['report_segment_rollups', ['interrupted', 'topicInterrupted']],
  ['report_speaker_rollups', ['interrupted']],
];

export class InterruptedDeliveries1764979200000 implements MigrationInterface {
  name = 'InterruptedDeliveries1764979200000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of ROLLUP_COLUMNS) await q.addColumns(table, columns.map(counter));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, columns] of ROLLUP_COLUMNS) await q.dropColumns(table, columns);
  }
}
