import { DateTime } from 'luxon';

/**
 * Rollup time buckets, by the broadcast's startsAt:
 * - `q`: the UTC quarter-hour. Every time zone in use today is offset from UTC by a whole number of
 *   quarter-hours (+05:30, +05:45, DST zones included), so a day in any `tz` is a union of quarters.
 * - `d`, `m`: the calendar day and month in ROLLUP_ZONE, so that the usual Vietnamese question
 *   ("January 2025", "18 months") reads a few coarse rows instead of thousands of quarters.
 * - `t`, `h`, `y`: the calendar quarter (three months: Jan-Mar, ...), half-year (Jan-Jun, Jul-Dec: the
 *   usual "6 tháng" reporting period) and year in ROLLUP_ZONE, for the per-speaker rollups only: a
 *   nationwide receiver report reads one row per receiver and period, so 18 months read as a half-year
 *   and a year rather than 18 months.
 * The zone is part of the stored data (bucket starts are instants), so it is a constant, not a setting.
 */
export const ROLLUP_ZONE = 'Asia/Ho_Chi_Minh';
export const QUARTER_MS = 15 * 60_000;

/** Coarsest first; each grain's buckets are unions of the next finer one's. */
export const GRAINS = ['y', 'h', 't', 'm', 'd', 'q'] as const;
export type Grain = (typeof GRAINS)[number];

export interface GrainMath {
  /** Start of the bucket holding instant `t`. */
  floor(t: number): number;
  /** Start of the bucket after the one starting at `start`. */
  next(start: number): number;
}

/** Calendar arithmetic is slow (time zone lookups); its answers per quarter-hour never change, so they are kept. */
function memo(compute: (t: number) => number): (t: number) => number {
  const known = new Map<number, number>();
  return (t) => {
    const quarter = Math.floor(t / QUARTER_MS);
    let start = known.get(quarter);
    if (start === undefined) {
      if (known.size >= 100_000) known.clear();
      known.set(quarter, (start = compute(quarter * QUARTER_MS)));
    }
    return start;
  };
}

/**
 * Calendar buckets start on quarter-hours (every zone offset is whole quarters), so floor(t) = floor(t's
 * quarter). `longest` is more than a bucket lasts and less than two shortest ones (a day lasts 23 to 25
 * hours, a month 28 to 31 days, a quarter 90 to 92, a half-year 181 to 184, a year 365 or 366), so it
 * past a start is always inside the next bucket.
 */
function calendar(start: (t: DateTime) => DateTime, longestMs: number): GrainMath {
  const floor = memo((t) => start(DateTime.fromMillis(t, { zone: ROLLUP_ZONE })).toMillis());
  return { floor, next: (bucket) => floor(bucket + longestMs) };
}

const DAY_MS = 86_400_000;
const halfYear = (t: DateTime) => t.startOf('year').plus({ months: t.month > 6 ? 6 : 0 });

export const GRAIN_MATH: Record<Grain, GrainMath> = {
  q: { floor: (t) => Math.floor(t / QUARTER_MS) * QUARTER_MS, next: (start) => start + QUARTER_MS },
  d: calendar((t) => t.startOf('day'), 26 * 3_600_000),
  m: calendar((t) => t.startOf('month'), 32 * DAY_MS),
  t: calendar((t) => t.startOf('quarter'), 93 * DAY_MS),
  h: calendar(halfYear, 185 * DAY_MS),
  y: calendar((t) => t.startOf('year'), 367 * DAY_MS),
};

/** The first bucket start at or after `t`. */
export function ceilToGrain(grain: Grain, t: number): number {
  const start = GRAIN_MATH[grain].floor(t);
  return start === t ? t : GRAIN_MATH[grain].next(start);
}

/** The buckets of one broadcast, in the given grains. */
export function bucketsOf(startsAt: number, grains: readonly Grain[]): Array<[Grain, number]> {
  return grains.map((grain) => [grain, GRAIN_MATH[grain].floor(startsAt)]);
}
