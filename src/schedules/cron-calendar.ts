import { CronExpressionParser } from 'cron-parser';
import { LRUCache } from 'lru-cache';

/** Windows up to this long are computed once and shared; longer ones (a 30-day conflict check of a minutely cron) are walked each time. */
const MAX_SHARED_SPAN_MS = 4 * 24 * 3_600_000;
/** A shared window reaches this far beyond the one asked for, so the next minute's tick (its window a minute later) finds it. */
const SLACK_MS = 3_600_000;

interface Calendar {
  from: number;
  to: number;
  /** Every start in [from, to), ascending. */
  starts: number[];
}

/**
 * Cron start instants, shared between schedules of the same expression and zone. Walking a cron
 * through a zone is costly (cron-parser does the wall-clock maths through luxon: about a third of a
 * millisecond a call), and a country's communes use a handful of expressions: the scheduler tick asks
 * for the same daily 06:00 across 3,321 schedules, each over nearly the same window. The starts of an
 * expression in a zone never change, so a window computed once answers every window inside it.
 */
const calendars = new LRUCache<string, Calendar>({ max: 1000 });

/** Start instants (epoch ms) of `cron` in `timezone` within [start, end), at most `limit`. */
export function cronStarts(cron: string, timezone: string, start: number, end: number, limit: number): number[] {
  if (end - start > MAX_SHARED_SPAN_MS) return walk(cron, timezone, start, end, limit);
  const key = `${timezone} ${cron}`;
  let calendar = calendars.get(key);
  if (!calendar || start < calendar.from || end > calendar.to) {
    calendar = { from: start - SLACK_MS, to: end + SLACK_MS, starts: walk(cron, timezone, start - SLACK_MS, end + SLACK_MS, Number.POSITIVE_INFINITY) };
    calendars.set(key, calendar);
  }
  const starts: number[] = [];
  for (let i = firstAtOrAfter(calendar.starts, start); i < calendar.starts.length && calendar.starts[i] < end && starts.length < limit; i++) starts.push(calendar.starts[i]);
  return starts;
}

function walk(cron: string, timezone: string, start: number, end: number, limit: number): number[] {
  // cron-parser yields instants strictly after currentDate.
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(start - 1) });
  const starts: number[] = [];
  while (starts.length < limit) {
    const next = expression.next().getTime();
    if (next >= end) break;
    starts.push(next);
  }
  return starts;
}

function firstAtOrAfter(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
