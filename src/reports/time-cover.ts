import { ceilToGrain, GRAIN_MATH, type Grain } from './buckets.js';

/** Rollup rows of one grain whose bucket starts lie in [from, to). */
export interface BucketRange {
  grain: Grain;
  from: number;
  to: number;
}

/** A time window [from, to) too ragged for any bucket: answered from the raw deliveries. */
export interface RawWindow {
  from: number;
  to: number;
}

export interface TimeCover {
  ranges: BucketRange[];
  raw: RawWindow[];
}

/**
 * Splits [from, to) into whole buckets, coarsest first (`grains` ordered coarse to fine), plus the
 * ragged ends no bucket fits. Every instant of [from, to) falls in exactly one piece, so the counts
 * read from each piece add up exactly. Example with m, d, q: 10 Jan 08:07 to 3 Apr 00:00 becomes
 * raw 08:07-08:15, quarters to midnight, days to 1 Feb, months Feb-Mar, days 1-2 Apr.
 */
export function coverRange(from: number, to: number, grains: readonly Grain[]): TimeCover {
  const cover: TimeCover = { ranges: [], raw: [] };
  split(from, to, grains, cover);
  return cover;
}

function split(from: number, to: number, grains: readonly Grain[], cover: TimeCover): void {
  if (from >= to) return;
  const [grain, ...finer] = grains;
  if (!grain) {
    cover.raw.push({ from, to });
    return;
  }
  const first = ceilToGrain(grain, from);
  const end = GRAIN_MATH[grain].floor(to);
  if (first >= end) {
    split(from, to, finer, cover);
    return;
  }
  split(from, first, finer, cover);
  cover.ranges.push({ grain, from: first, to: end });
  split(end, to, finer, cover);
}
