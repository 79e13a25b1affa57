import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Receipt transitions wait in a journal (one row per write transaction) until a worker folds them into
 * the report rollups: a receipt then costs one small insert instead of a few dozen rollup upserts.
 * See src/reports/rollups.repository.ts.
 */
export class ReportRollupJournal1764547200000 implements MigrationInterface {
  name = 'ReportRollupJournal1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_rollup_journal',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'transitions', type: 'text' },
        { name: 'createdAt', type: 'bigint', default: 0 },
      ],
    }));
    await q.createTable(new Table({
      name: 'report_rollup_state',
      columns: [{ name: 'id', type: 'int', isPrimary: true }, { name: 'generation', type: 'bigint', default: 0 }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_rollup_state');
    await q.dropTable('report_rollup_journal');
  }
}
