import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import { validate as isNodeCronExpression } from 'node-cron';
import { cronStarts } from './cron-calendar.js';

/** When a schedule airs: a 5-field cron in an IANA zone between optional local dates, or one instant. */
export interface Timing {
  cron: string | null;
  at: Date | null;
  timezone: string;
  /** Local calendar dates (YYYY-MM-DD) in `timezone`, both inclusive. */
  startDate: string | null;
  endDate: string | null;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why `expression` is not a usable 5-field cron expression, or null when it is. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `cron must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  if (!isNodeCronExpression(expression)) {
    // Valid on the first of the month, invalid as written: a day no month it names has (30 February).
    const onTheFirst = [fields[0], fields[1], '1', fields[3], fields[4]].join(' ');
    if (/^[\d,-]+$/.test(fields[2]) && isNodeCronExpression(onTheFirst)) return `cron: "${expression}" never occurs: no month it names has day ${fields[2]}`;
    return `cron "${expression}" is not a valid cron expression`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' }).next();
    return null;
  } catch (error) {
    return `cron: "${expression}" never occurs: ${(error as Error).message}`;
  }
}

export const isTimezone = (zone: string): boolean => IANAZone.isValidZone(zone);

/** A real calendar date (no 30 February) in the years the API takes instants in (see common/iso.ts). */
export const isLocalDate = (value: string): boolean => {
  const date = DateTime.fromISO(value, { zone: 'UTC' });
  return LOCAL_DATE.test(value) && date.isValid && date.year >= 1970 && date.year <= 9998;
};

/** Seconds one broadcast lasts: every pass of the playlist, with a gap of silence between passes. */
export function broadcastLengthSec(segmentDurationsSec: readonly number[], repeat: number, gapSec: number): number {
  const pass = segmentDurationsSec.reduce((sum, seconds) => sum + seconds, 0);
  return repeat * pass + (repeat - 1) * gapSec;
}

export function occurrenceAt(startsAt: Date, lengthSec: number): Occurrence {
  return { startsAt, endsAt: new Date(startsAt.getTime() + Math.round(lengthSec * 1000)) };
}

/** The instants bounding the schedule's local start/end dates: [first instant of startDate, first instant after endDate). */
export function dateBounds(timing: Pick<Timing, 'timezone' | 'startDate' | 'endDate'>): { from: number; until: number } {
  const localMidnight = (date: string) => DateTime.fromISO(date, { zone: timing.timezone }).startOf('day');
  return {
    from: timing.startDate ? localMidnight(timing.startDate).toMillis() : -Infinity,
    until: timing.endDate ? localMidnight(timing.endDate).plus({ days: 1 }).toMillis() : Infinity,
  };
}

/**
 * Start instants in [from, to), at most `limit`. Cron maths (month ends, leap days, DST gaps and
 * repeated hours) is cron-parser's: a wall-clock time skipped by a DST change fires at the shifted
 * instant, a repeated one fires once.
 */
export function occurrenceStarts(timing: Timing, from: Date, to: Date, limit = Number.POSITIVE_INFINITY): Date[] {
  if (timing.at) {
    const at = timing.at.getTime();
    return at >= from.getTime() && at < to.getTime() && limit > 0 ? [timing.at] : [];
  }
  if (!timing.cron) return [];
  const bounds = dateBounds(timing);
  const start = Math.max(from.getTime(), bounds.from);
  const end = Math.min(to.getTime(), bounds.until);
  if (start >= end) return [];
  return cronStarts(timing.cron, timing.timezone, start, end, limit).map((at) => new Date(at));
}

export function occurrences(timing: Timing, lengthSec: number, from: Date, to: Date, limit?: number): Occurrence[] {
  return occurrenceStarts(timing, from, to, limit).map((startsAt) => occurrenceAt(startsAt, lengthSec));
}

/** The first start at or after `from`, searching at most until `to`. */
export function firstStart(timing: Timing, from: Date, to: Date): Date | null {
  return occurrenceStarts(timing, from, to, 1)[0] ?? null;
}

/** The last start of a schedule that ends (a one-off, or a cron with an endDate); null when it runs on without end or never fires. */
export function lastStart(timing: Timing): Date | null {
  if (timing.at) return timing.at;
  if (!timing.cron || !timing.endDate) return null;
  const bounds = dateBounds(timing);
  // cron-parser yields instants strictly before currentDate.
  const last = CronExpressionParser.parse(timing.cron, { tz: timing.timezone, currentDate: new Date(bounds.until) }).prev().getTime();
  return last >= bounds.from ? new Date(last) : null;
}
