import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillSpeakerPeriods, dropSpeakerPeriods, type SpeakerPeriod } from './speaker-rollup-periods.js';

/**
 * The per-speaker rollups gain calendar quarter (`t`) and year (`y`) rows in Asia/Ho_Chi_Minh, so a long
 * nationwide receiver report reads a few rows per receiver instead of one per month. No column changes:
 * grain is already part of the key. Existing history is backfilled from the month rows.
 */
const PERIODS: SpeakerPeriod[] = [
  { grain: 't', start: (month) => month.startOf('quarter'), months: 3 },
  { grain: 'y', start: (month) => month.startOf('year'), months: 12 },
];

export class ReportSpeakerQuartersYears1764806400000 implements MigrationInterface {
  name = 'ReportSpeakerQuartersYears1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await backfillSpeakerPeriods(q, PERIODS);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropSpeakerPeriods(q, PERIODS);
  }
}
