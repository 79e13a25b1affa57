import { DateTime } from 'luxon';
import type { QueryRunner } from 'typeorm';

/**
 * Backfill of coarser per-speaker rollup grains from the month rows (each period is a union of months
 * in Asia/Ho_Chi_Minh), shared by the migrations that add such grains. Journal rows not folded yet are
 * folded into every grain by the application afterwards, so the rollups stay equal to the deliveries.
 */
const ZONE = 'Asia/Ho_Chi_Minh';
const TABLE = 'report_speaker_rollups';
/** Every counter a speaker rollup has had; a backfill sums those the table has at the time it runs (`interrupted` came later). */
const COUNTERS = ['targeted', 'pending', 'played', 'interrupted', 'failed', 'missed', 'airtimeMs'];

export interface SpeakerPeriod {
  grain: string;
  /** Start of the period holding a month start. */
  start(month: DateTime): DateTime;
  months: number;
}

export async function backfillSpeakerPeriods(q: QueryRunner, periods: SpeakerPeriod[]): Promise<void> {
  const table = tableIn(q)(TABLE);
  const columns = (await q.getTable(TABLE))?.columns.map((c) => c.name) ?? [];
  const counters = COUNTERS.filter((c) => columns.includes(c)).map((c) => `"${c}"`);
  const [extent] = await q.query(`SELECT MIN("bucket") AS "first", MAX("bucket") AS "last" FROM ${table} WHERE "grain" = 'm'`);
  if (extent?.first == null) return;
  for (const period of periods) {
    // Month bucket starts mapped to their period's start, as literals: they are computed here, never input.
    const starts: number[] = [];
    for (let t = period.start(DateTime.fromMillis(Number(extent.first), { zone: ZONE })); t.toMillis() <= Number(extent.last); t = t.plus({ months: period.months })) starts.push(t.toMillis());
    const bucket = `CASE ${starts.map((start, i) => `WHEN "bucket" < ${starts[i + 1] ?? Number.MAX_SAFE_INTEGER} THEN ${start}`).join(' ')} END`;
    // One pass over the table per grain: its key starts with the commune, so a bucket range is no index range.
    await q.query(
      `INSERT INTO ${table} ("communeId", "grain", "bucket", "speakerId", "areaPath", ${counters.join(', ')})
       SELECT "communeId", '${period.grain}', ${bucket}, "speakerId", "areaPath", ${counters.map((c) => `SUM(${c})`).join(', ')}
       FROM ${table} WHERE "grain" = 'm' GROUP BY "communeId", ${bucket}, "speakerId", "areaPath"`,
    );
  }
}

export async function dropSpeakerPeriods(q: QueryRunner, periods: SpeakerPeriod[]): Promise<void> {
  await q.query(`DELETE FROM ${tableIn(q)(TABLE)} WHERE "grain" IN (${periods.map((p) => `'${p.grain}'`).join(', ')})`);
}

/** A table name for raw SQL, in the connection's schema when it has one (PostgreSQL test runs do). */
function tableIn(q: QueryRunner): (name: string) => string {
  const driver = q.connection.driver;
  const schema = (driver.options as { schema?: string }).schema;
  return (name) => (schema ? `${driver.escape(schema)}.${driver.escape(name)}` : driver.escape(name));
}
