import { DateTime } from 'luxon';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-speaker rollups gain calendar quarter (`t`) and year (`y`) rows in Asia/Ho_Chi_Minh, so a long
 * nationwide receiver report reads a few rows per receiver instead of one per month. No column changes:
 * grain is already part of the key. Existing history is backfilled from the month rows (each quarter
 * and year is a union of months); journal rows not folded yet are folded into every grain by the new
 * code afterwards, so the rollups stay equal to the deliveries.
 */
const ZONE = 'Asia/Ho_Chi_Minh';
const TABLE = 'report_speaker_rollups';
const COUNTERS = ['targeted', 'pending', 'played', 'failed', 'missed', 'airtimeMs'].map((c) => `"${c}"`);
const PERIODS = [['t', 'quarter'], ['y', 'year']] as const;

export class ReportSpeakerQuartersYears1764806400000 implements MigrationInterface {
  name = 'ReportSpeakerQuartersYears1764806400000';

  async up(q: QueryRunner): Promise<void> {
    const table = tableIn(q)(TABLE);
    const [extent] = await q.query(`SELECT MIN("bucket") AS "first", MAX("bucket") AS "last" FROM ${table} WHERE "grain" = 'm'`);
    if (extent?.first == null) return;
    for (const [grain, unit] of PERIODS) {
      // Month bucket starts mapped to their period's start, as literals: they are computed here, never input.
      const starts: number[] = [];
      for (let t = DateTime.fromMillis(Number(extent.first), { zone: ZONE }).startOf(unit); t.toMillis() <= Number(extent.last); t = t.plus({ [unit]: 1 })) starts.push(t.toMillis());
      const period = `CASE ${starts.map((start, i) => `WHEN "bucket" < ${starts[i + 1] ?? Number.MAX_SAFE_INTEGER} THEN ${start}`).join(' ')} END`;
      // One pass over the table per grain: its key starts with the commune, so a bucket range is no index range.
      await q.query(
        `INSERT INTO ${table} ("communeId", "grain", "bucket", "speakerId", "areaPath", ${COUNTERS.join(', ')})
         SELECT "communeId", '${grain}', ${period}, "speakerId", "areaPath", ${COUNTERS.map((c) => `SUM(${c})`).join(', ')}
         FROM ${table} WHERE "grain" = 'm' GROUP BY "communeId", ${period}, "speakerId", "areaPath"`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM ${tableIn(q)(TABLE)} WHERE "grain" IN (${PERIODS.map(([grain]) => `'${grain}'`).join(', ')})`);
  }
}

/** A table name for raw SQL, in the connection's schema when it has one (PostgreSQL test runs do). */
function tableIn(q: QueryRunner): (name: string) => string {
  const driver = q.connection.driver;
  const schema = (driver.options as { schema?: string }).schema;
  return (name) => (schema ? `${driver.escape(schema)}.${driver.escape(name)}` : driver.escape(name));
}
