import { DateTime, IANAZone } from 'luxon';
import { GRAIN_MATH, ROLLUP_ZONE } from './buckets.js';

/** The calendar day (YYYY-MM-DD) of instant `t` in `tz`. */
export function dayKey(t: number, tz: string): string {
  return DateTime.fromMillis(t, { zone: tz }).toISODate()!;
}

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
  const zone = IANAZone.create(tz);
  const rollupZone = IANAZone.create(ROLLUP_ZONE);
  for (let boundary = GRAIN_MATH.d.floor(from); ; boundary = GRAIN_MATH.d.next(boundary)) {
    if (zone.offset(boundary) !== rollupZone.offset(boundary)) return false;
    if (boundary >= to) return true;
  }
}
