import { DateTime, IANAZone } from 'luxon';
import { GRAIN_MATH, ROLLUP_ZONE } from './buckets.js';

/** Time zone arithmetic is slow and its answers never change: kept per zone and instant. */
const known = new Map<string, string | number>();
function remembered<T extends string | number>(key: string, compute: () => T): T {
  let value = known.get(key) as T | undefined;
  if (value === undefined) {
    if (known.size >= 200_000) known.clear();
    known.set(key, (value = compute()));
  }
  return value;
}

/** The calendar day (YYYY-MM-DD) of instant `t` in `tz`. */
export function dayKey(t: number, tz: string): string {
  return remembered(`${tz} day ${t}`, () => DateTime.fromMillis(t, { zone: tz }).toISODate()!);
}

const offset = (tz: string, t: number): number => remembered(`${tz} offset ${t}`, () => IANAZone.create(tz).offset(t));

/** "YYYY-MM-DD" as a Vietnamese reader writes it: "06/01/2025". */
export function dayLabel(key: string): string {
  return DateTime.fromISO(key).toFormat('dd/MM/yyyy');
}

/**
 * True when every day rollup bucket around [from, to) is exactly one calendar day in `tz`, i.e. `tz`
 * keeps the rollup zone's offset there (Asia/Ho_Chi_Minh itself, Asia/Bangkok, ...). Then day rows can
 * be read directly; otherwise the days are summed from quarter-hour rows.
 */
export function dayBucketsAreDaysIn(tz: string, from: number, to: number): boolean {
  for (let boundary = GRAIN_MATH.d.floor(from); ; boundary = GRAIN_MATH.d.next(boundary)) {
    if (offset(tz, boundary) !== offset(ROLLUP_ZONE, boundary)) return false;
    if (boundary >= to) return true;
  }
}
