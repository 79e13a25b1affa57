import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

/**
 * The rollup journal gets an increasing integer key instead of a random UUID: each receipt transaction
 * appends at the end of one B-tree instead of writing into the middle of two, which is most of what a
 * journal row costs at commit. SQLite: an INTEGER PRIMARY KEY is the rowid, assigned on insert (no
 * AUTOINCREMENT bookkeeping); PostgreSQL: a bigint identity. Rows waiting to be folded are kept.
 */
const OLD = 'report_rollup_journal';
const NEW = 'report_rollup_journal_seq';

export class ReportRollupJournalSeq1764633600000 implements MigrationInterface {
  name = 'ReportRollupJournalSeq1764633600000';

  async up(q: QueryRunner): Promise<void> {
    const table = tableIn(q);
    const postgres = q.connection.driver.options.type === 'postgres';
    const seq: TableColumnOptions = postgres
      ? { name: 'seq', type: 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }
      : { name: 'seq', type: 'integer', isPrimary: true };
    await q.createTable(new Table({ name: NEW, columns: [seq, { name: 'transitions', type: 'text' }, { name: 'createdAt', type: 'bigint', default: 0 }] }));
    await q.query(`INSERT INTO ${table(NEW)} ("transitions", "createdAt") SELECT "transitions", "createdAt" FROM ${table(OLD)} ORDER BY "createdAt"`);
    await q.dropTable(OLD);
    await q.renameTable(NEW, OLD);
  }

  async down(q: QueryRunner): Promise<void> {
    const table = tableIn(q);
    await q.createTable(new Table({
      name: NEW,
      columns: [{ name: 'id', type: 'varchar', length: '36', isPrimary: true }, { name: 'transitions', type: 'text' }, { name: 'createdAt', type: 'bigint', default: 0 }],
    }));
    await q.query(`INSERT INTO ${table(NEW)} ("id", "transitions", "createdAt") SELECT CAST("seq" AS varchar(36)), "transitions", "createdAt" FROM ${table(OLD)}`);
    await q.dropTable(OLD);
    await q.renameTable(NEW, OLD);
  }
}

/** A table name for raw SQL, in the connection's schema when it has one (PostgreSQL test runs do). */
function tableIn(q: QueryRunner): (name: string) => string {
  const driver = q.connection.driver;
  const schema = (driver.options as { schema?: string }).schema;
  return (name) => (schema ? `${driver.escape(schema)}.${driver.escape(name)}` : driver.escape(name));
}
