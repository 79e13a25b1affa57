import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillSpeakerPeriods, dropSpeakerPeriods, type SpeakerPeriod } from './speaker-rollup-periods.js';

/**
 * The per-speaker rollups gain half-year (`h`: January-June, July-December in Asia/Ho_Chi_Minh) rows,
 * the usual "6 tháng" reporting period: 18 months read as a half-year and a year. Backfilled from the
 * month rows.
 */
const PERIODS: SpeakerPeriod[] = [{ grain: 'h', start: (month) => month.startOf('year').plus({ months: month.month > 6 ? 6 : 0 }), months: 6 }];

export class ReportSpeakerHalfYears1764892800000 implements MigrationInterface {
  name = 'ReportSpeakerHalfYears1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await backfillSpeakerPeriods(q, PERIODS);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropSpeakerPeriods(q, PERIODS);
  }
}
