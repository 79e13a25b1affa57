import type { DeliveryCounters, KeyedCounters, RollupRows } from './rollup-rows.js';
import type { BucketRange } from './time-cover.js';

const inRange = (row: { grain: string; bucket: number }, range: BucketRange) => row.grain === range.grain && row.bucket >= range.from && row.bucket < range.to;
const under = (path: string, prefix: string | null) => prefix === null || path.startsWith(prefix);
const keyed = (key: string, c: DeliveryCounters): KeyedCounters => ({
  key, broadcasts: c.broadcasts, targeted: c.targeted, pending: c.pending, played: c.played, interrupted: c.interrupted, failed: c.failed, missed: c.missed, airtimeMs: c.airtimeMs,
});

/**
 * The journal's transitions as rollup rows held in memory, answering the same questions as the stored
 * rollups (ReportsRepository), so a report adds what the worker has not folded in yet.
 */
export class PendingRollups {
  constructor(private readonly rows: RollupRows) {}

  areaBuckets(areaIds: string[], range: BucketRange): KeyedCounters[] {
    return this.rows.areas.filter((r) => areaIds.includes(r.areaId) && inRange(r, range)).map((r) => keyed(String(r.bucket), r));
  }

  communes(pathPrefix: string | null, range: BucketRange): KeyedCounters[] {
    return this.rows.areas.filter((r) => r.isCommune && under(r.areaPath, pathPrefix) && inRange(r, range)).map((r) => keyed(r.areaId, r));
  }

  segments(areaIds: string[], range: BucketRange, by: 'segment' | 'topic'): KeyedCounters[] {
    return this.rows.segments
      .filter((r) => areaIds.includes(r.areaId) && inRange(r, range))
      .map((r) => (by === 'segment' ? keyed(r.segmentId, r) : keyed(r.topic, {
        broadcasts: r.topicBroadcasts, targeted: r.topicTargeted, pending: r.topicPending, played: r.topicPlayed, interrupted: r.topicInterrupted, failed: r.topicFailed, missed: r.topicMissed, airtimeMs: r.airtimeMs,
      })));
  }

  speakers(pathPrefix: string | null, ranges: BucketRange[]): KeyedCounters[] {
    return this.rows.speakers.filter((r) => under(r.areaPath, pathPrefix) && ranges.some((range) => inRange(r, range))).map((r) => keyed(r.speakerId, { ...r, broadcasts: r.targeted }));
  }
}
