import { DateTime } from 'luxon';

/**
 * Rollup time buckets, by the broadcast's startsAt:
 * - `q`: the UTC quarter-hour. Every time zone in use today is offset from UTC by a whole number of
 *   quarter-hours (+05:30, +05:45, DST zones included), so a day in any `tz` is a union of quarters.
 * - `d`, `m`: the calendar day and month in ROLLUP_ZONE, so that the usual Vietnamese question
 *   ("January 2025", "18 months") reads a few coarse rows instead of thousands of quarters.
 * - `t`, `y`: the calendar quarter (three months: Jan-Mar, ...) and year in ROLLUP_ZONE, for the
 *   per-speaker rollups only: a nationwide receiver report reads one row per receiver and period, so
 *   18 months read as a year and two quarters rather than 18 months.
 * The zone is part of the stored data (bucket starts are instants), so it is a constant, not a setting.
 */
export const ROLLUP_ZONE = 'Asia/Ho_Chi_Minh';
export const QUARTER_MS = 15 * 60_000;

/** Coarsest first; each grain's buckets are unions of the next finer one's. */
export const GRAINS = ['y', 't', 'm', 'd', 'q'] as const;
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
 * hours, a month 28 to 31 days, a quarter 90 to 92, a year 365 or 366), so it past a start is always
 * inside the next bucket.
 */
function calendar(unit: 'day' | 'month' | 'quarter' | 'year', longestMs: number): GrainMath {
  const floor = memo((t) => DateTime.fromMillis(t, { zone: ROLLUP_ZONE }).startOf(unit).toMillis());
  return { floor, next: (start) => floor(start + longestMs) };
}

export const GRAIN_MATH: Record<Grain, GrainMath> = {
  q: { floor: (t) => Math.floor(t / QUARTER_MS) * QUARTER_MS, next: (start) => start + QUARTER_MS },
  d: calendar('day', 26 * 3_600_000),
  m: calendar('month', 32 * 86_400_000),
  t: calendar('quarter', 93 * 86_400_000),
  y: calendar('year', 367 * 86_400_000),
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
