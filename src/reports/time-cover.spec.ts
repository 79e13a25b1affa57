import { GRAIN_MATH, QUARTER_MS, type Grain } from './buckets.js';
import { coverRange, type TimeCover } from './time-cover.js';

const t = (isoString: string) => Date.parse(isoString);

/** How many pieces of the cover hold instant `at`. */
function coverCount(cover: TimeCover, at: number): number {
  const inRaw = cover.raw.filter((w) => at >= w.from && at < w.to).length;
  const inBuckets = cover.ranges.filter((r) => {
    const bucket = GRAIN_MATH[r.grain].floor(at);
    return bucket >= r.from && bucket < r.to;
  }).length;
  return inRaw + inBuckets;
}

describe('coverRange', () => {
  it('splits a ragged range into raw ends, quarters, days (Vietnam time) and months', () => {
    const cover = coverRange(t('2025-01-10T08:07:00+07:00'), t('2025-04-03T00:00:00+07:00'), ['m', 'd', 'q']);
    expect(cover.raw).toEqual([{ from: t('2025-01-10T08:07:00+07:00'), to: t('2025-01-10T08:15:00+07:00') }]);
    expect(cover.ranges).toEqual([
      { grain: 'q', from: t('2025-01-10T08:15:00+07:00'), to: t('2025-01-11T00:00:00+07:00') },
      { grain: 'd', from: t('2025-01-11T00:00:00+07:00'), to: t('2025-02-01T00:00:00+07:00') },
      { grain: 'm', from: t('2025-02-01T00:00:00+07:00'), to: t('2025-04-01T00:00:00+07:00') },
      { grain: 'd', from: t('2025-04-01T00:00:00+07:00'), to: t('2025-04-03T00:00:00+07:00') },
    ]);
  });

  it('reads whole months only when the range is whole months in Vietnam time', () => {
    const cover = coverRange(t('2024-07-01T00:00:00+07:00'), t('2026-01-01T00:00:00+07:00'), ['m', 'd', 'q']);
    expect(cover).toEqual({ raw: [], ranges: [{ grain: 'm', from: t('2024-07-01T00:00:00+07:00'), to: t('2026-01-01T00:00:00+07:00') }] });
  });

  it('reads a receiver report over 18 Vietnam months as a half-year and a year', () => {
    const cover = coverRange(t('2024-07-01T00:00:00+07:00'), t('2026-01-01T00:00:00+07:00'), ['y', 'h', 't', 'm', 'd']);
    expect(cover).toEqual({
      raw: [],
      ranges: [
        { grain: 'h', from: t('2024-07-01T00:00:00+07:00'), to: t('2025-01-01T00:00:00+07:00') },
        { grain: 'y', from: t('2025-01-01T00:00:00+07:00'), to: t('2026-01-01T00:00:00+07:00') },
      ],
    });
  });

  it('reads April to the next February as a quarter, a half-year and months', () => {
    const cover = coverRange(t('2025-04-01T00:00:00+07:00'), t('2026-03-01T00:00:00+07:00'), ['y', 'h', 't', 'm', 'd']);
    expect(cover.ranges).toEqual([
      { grain: 't', from: t('2025-04-01T00:00:00+07:00'), to: t('2025-07-01T00:00:00+07:00') },
      { grain: 'h', from: t('2025-07-01T00:00:00+07:00'), to: t('2026-01-01T00:00:00+07:00') },
      { grain: 'm', from: t('2026-01-01T00:00:00+07:00'), to: t('2026-03-01T00:00:00+07:00') },
    ]);
  });

  it('cuts quarters and years at Vietnam midnight, not UTC midnight', () => {
    const cover = coverRange(t('2024-11-15T00:00:00+07:00'), t('2025-05-01T00:00:00Z'), ['y', 'h', 't', 'm', 'd']);
    expect(cover.ranges).toEqual([
      { grain: 'd', from: t('2024-11-15T00:00:00+07:00'), to: t('2024-12-01T00:00:00+07:00') },
      { grain: 'm', from: t('2024-12-01T00:00:00+07:00'), to: t('2025-01-01T00:00:00+07:00') },
      { grain: 't', from: t('2025-01-01T00:00:00+07:00'), to: t('2025-04-01T00:00:00+07:00') },
      { grain: 'm', from: t('2025-04-01T00:00:00+07:00'), to: t('2025-05-01T00:00:00+07:00') },
    ]);
    // 1 May 00:00 UTC is 07:00 in Vietnam: the last seven hours are no whole day.
    expect(cover.raw).toEqual([{ from: t('2025-05-01T00:00:00+07:00'), to: t('2025-05-01T00:00:00Z') }]);
  });

  it('falls back to raw deliveries inside one quarter-hour, and to nothing for an empty range', () => {
    expect(coverRange(t('2025-01-10T08:01:00Z'), t('2025-01-10T08:14:00Z'), ['m', 'd', 'q'])).toEqual({ ranges: [], raw: [{ from: t('2025-01-10T08:01:00Z'), to: t('2025-01-10T08:14:00Z') }] });
    expect(coverRange(5, 5, ['q'])).toEqual({ ranges: [], raw: [] });
  });

  it('covers every instant of [from, to) exactly once and nothing outside, for any grains', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const grainSets: Grain[][] = [['m', 'd', 'q'], ['y', 'h', 't', 'm', 'd'], ['d', 'q'], ['q'], [], ['y', 'h', 'm', 'd']];
    for (let i = 0; i < 300; i++) {
      const from = t('2024-12-01T00:00:00Z') + Math.floor(random() * 90 * 86_400_000);
      const to = from + Math.floor(random() ** 3 * 800 * 86_400_000);
      const grains = grainSets[i % grainSets.length];
      const cover = coverRange(from, to, grains);
      const probes = [from, to - 1, to, from - 1, from + QUARTER_MS, ...Array.from({ length: 40 }, () => from - 86_400_000 + Math.floor(random() * (to - from + 2 * 86_400_000)))];
      for (const at of probes) expect(coverCount(cover, at)).toBe(at >= from && at < to ? 1 : 0);
    }
  });
});
