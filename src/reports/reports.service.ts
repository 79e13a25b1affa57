import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { inScope, notFoundUnless } from '../auth/scope.js';
import { GRAIN_MATH, type Grain } from './buckets.js';
import type { DeliveryReportItem, DeliveryReportQuery, ReportGroup } from './report.dto.js';
import { dayBucketsAreDaysIn, dayKey, dayLabel } from './report-days.js';
import { PendingRollups } from './pending-rollups.js';
import { ReportTotals } from './report-totals.js';
import { ReportsRepository, type LabelledSpeakerCounters } from './reports.repository.js';
import { AREA_GRAINS, SPEAKER_GRAINS, type BroadcastFacts, type DeliveryCounters, type KeyedCounters } from './rollup-rows.js';
import { coverRange, type BucketRange, type RawWindow } from './time-cover.js';

/** The report's area: its own rollup rows (areaIds: the area, or every top-level area) and its subtree (pathPrefix). */
interface Scope {
  areaIds: string[];
  pathPrefix: string | null;
}

interface Window {
  from: number;
  to: number;
  /** Where broadcasts actually start, to bound work on open-ended or enormous windows. */
  extent: { from: number; to: number };
}

interface GroupReader {
  grains(window: Window, tz: string): readonly Grain[];
  /** Stored rollup rows of the ranges. */
  rollups(scope: Scope, ranges: BucketRange[]): Promise<KeyedCounters[]>;
  /** The same for the journal not folded in yet. */
  pending(rows: PendingRollups, scope: Scope, ranges: BucketRange[]): KeyedCounters[];
}

/** A reader of one range at a time, over several. */
async function eachRange(ranges: BucketRange[], read: (range: BucketRange) => Promise<KeyedCounters[]>): Promise<KeyedCounters[]> {
  const rows: KeyedCounters[] = [];
  for (const range of ranges) rows.push(...(await read(range)));
  return rows;
}

/** A fold moves counts from the journal to the rollups; a report that read across one reads again. */
const READ_ATTEMPTS = 50;
/** Labels sort as a Vietnamese reader expects (Đ after D, tones after the bare letter). */
const VIETNAMESE = new Intl.Collator('vi');
const FOLD_WAIT_MS = 10;

/**
 * Delivery reports: whole buckets from the rollups, ragged ends from the raw deliveries, so counts equal
 * the deliveries exactly for any window. Reports count deliveries, and deliveries exist only for
 * broadcasts that went on air; a broadcast preempted while on air keeps (and is counted with) them.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository, private readonly areas: AreasRepository) {}

  async deliveries(user: AuthUser, query: DeliveryReportQuery): Promise<DeliveryReportItem[]> {
    const scope = await this.scopeOf(user, query.areaId);
    const window = await this.windowOf(query);
    if (!window || !scope.areaIds.length) return [];
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const generation = await this.reports.generation();
      if (generation % 2 === 0) {
        const totals = await this.totals(query, scope, window);
        if ((await this.reports.generation()) === generation) return this.items(query.groupBy, totals.entries());
      }
      await sleep(FOLD_WAIT_MS);
    }
    throw new ServiceUnavailableException('the report figures are being updated; try again in a moment');
  }

  /** Whole buckets from the rollups and the journal, ragged ends from the raw deliveries. */
  private async totals(query: DeliveryReportQuery, scope: Scope, window: Window): Promise<ReportTotals> {
    const { groupBy, tz } = query;
    const reader = this.readers[groupBy];
    const totals = new ReportTotals();
    const pending = await this.reports.pending();
    const cover = coverRange(window.from, window.to, reader.grains(window, tz));
    for (const row of [...(await reader.rollups(scope, cover.ranges)), ...reader.pending(pending, scope, cover.ranges)]) totals.addRollup(groupBy === 'day' ? dayKey(Number(row.key), tz) : row.key, row);
    for (const raw of cover.raw) await this.addRaw(totals, groupBy, scope, raw, tz);
    return totals;
  }

  private readonly readers: Record<ReportGroup, GroupReader> = {
    day: {
      // Day rows serve only zones whose days they are; other zones sum quarter-hours (any offset is whole quarters).
      grains: (w, tz) => (dayBucketsAreDaysIn(tz, Math.max(w.from, w.extent.from), Math.min(w.to, w.extent.to)) ? ['d', 'q'] : ['q']),
      rollups: (scope, ranges) => eachRange(ranges, (range) => this.reports.areaBuckets(scope.areaIds, range)),
      pending: (rows, scope, ranges) => ranges.flatMap((range) => rows.areaBuckets(scope.areaIds, range)),
    },
    commune: {
      grains: () => AREA_GRAINS,
      rollups: (scope, ranges) => eachRange(ranges, (range) => this.reports.communes(scope.pathPrefix, range)),
      pending: (rows, scope, ranges) => ranges.flatMap((range) => rows.communes(scope.pathPrefix, range)),
    },
    segment: {
      grains: () => AREA_GRAINS,
      rollups: (scope, ranges) => eachRange(ranges, (range) => this.reports.segments(scope.areaIds, range, 'segment')),
      pending: (rows, scope, ranges) => ranges.flatMap((range) => rows.segments(scope.areaIds, range, 'segment')),
    },
    topic: {
      grains: () => AREA_GRAINS,
      rollups: (scope, ranges) => eachRange(ranges, (range) => this.reports.segments(scope.areaIds, range, 'topic')),
      pending: (rows, scope, ranges) => ranges.flatMap((range) => rows.segments(scope.areaIds, range, 'topic')),
    },
    speaker: {
      grains: () => SPEAKER_GRAINS,
      rollups: (scope, ranges) => this.reports.speakers(scope.pathPrefix, ranges),
      pending: (rows, scope, ranges) => rows.speakers(scope.pathPrefix, ranges),
    },
  };

  private async addRaw(totals: ReportTotals, groupBy: ReportGroup, scope: Scope, window: RawWindow, tz: string): Promise<void> {
    if (groupBy === 'speaker') {
      for (const row of await this.reports.rawSpeakers(scope.pathPrefix, window)) totals.addRollup(row.key, row);
      return;
    }
    const rows = await this.reports.rawDeliveries(scope.pathPrefix, window);
    const facts = await this.reports.broadcastFacts([...new Set(rows.map((r) => r.broadcastId))]);
    for (const row of rows) {
      const broadcast = facts.get(row.broadcastId)!;
      for (const [key, airtimeMs] of rawKeys(groupBy, broadcast, row.communeId, tz)) totals.addDeliveries(key, row.broadcastId, row.status, row.count, airtimeMs);
    }
  }

  private async scopeOf(user: AuthUser, areaId: string | undefined): Promise<Scope> {
    const id = areaId ?? user.areaId;
    if (!id) return { areaIds: await this.reports.rootAreaIds(), pathPrefix: null };
    const area = await this.areas.get(id);
    notFoundUnless(!!area && inScope(user, area.path), 'area');
    return { areaIds: [area!.id], pathPrefix: area!.path };
  }

  /** [from, to) on broadcast startsAt; an open end stops at the first/last broadcast, on a month boundary so whole months are read. */
  private async windowOf(query: DeliveryReportQuery): Promise<Window | null> {
    const from = query.from ? Date.parse(query.from) : null;
    const to = query.to ? Date.parse(query.to) : null;
    if (from !== null && to !== null && from >= to) throw new BadRequestException('from must be before to');
    const extent = await this.reports.startsAtExtent();
    if (!extent) return null;
    const window = {
      from: from ?? GRAIN_MATH.m.floor(extent.from),
      to: to ?? GRAIN_MATH.m.next(GRAIN_MATH.m.floor(extent.to)),
      extent,
    };
    return window.from < window.to ? window : null;
  }

  private async items(groupBy: ReportGroup, groups: Array<[string, DeliveryCounters]>): Promise<DeliveryReportItem[]> {
    const keys = () => groups.map(([key]) => key);
    const item = ([key, c]: [string, DeliveryCounters], label: string, receiver?: Pick<DeliveryReportItem, 'playedRatio' | 'lastSeenAt'>): DeliveryReportItem => ({
      key, label, broadcasts: c.broadcasts, targeted: c.targeted, played: c.played, interrupted: c.interrupted, failed: c.failed, missed: c.missed, pending: c.pending, airtimeSec: c.airtimeMs / 1000, ...receiver,
    });
    const byLabel = (a: DeliveryReportItem, b: DeliveryReportItem) => VIETNAMESE.compare(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    switch (groupBy) {
      case 'day':
        return groups.map((g) => item(g, dayLabel(g[0]))).sort((a, b) => (a.key < b.key ? -1 : 1));
      case 'topic':
        return groups.map((g) => item(g, g[0])).sort(byLabel);
      case 'commune': {
        const labels = await this.reports.areaLabels(keys());
        return groups.map((g) => item(g, labels.get(g[0]) ?? g[0])).sort(byLabel);
      }
      case 'segment': {
        const titles = await this.reports.segmentTitles(keys());
        return groups.map((g) => item(g, titles.get(g[0]) ?? g[0])).sort(byLabel);
      }
      case 'speaker': {
        // Rollup rows came with their labels; receivers known only from the journal or raw ends are looked up.
        const labelled = (c: DeliveryCounters): c is LabelledSpeakerCounters => 'name' in c;
        const looked = await this.reports.speakerLabels(groups.filter(([, c]) => !labelled(c)).map(([key]) => key));
        return groups
          .map((g) => {
            const [key, c] = g;
            const speaker = labelled(c) ? c : looked.get(key);
            return item(g, speaker?.name ?? key, {
              playedRatio: Math.round((c.played / c.targeted) * 10_000) / 10_000,
              lastSeenAt: speaker?.lastSeenAt == null ? null : new Date(speaker.lastSeenAt).toISOString(),
            });
          })
          // Failing receivers first.
          .sort((a, b) => a.playedRatio! - b.playedRatio! || byLabel(a, b));
      }
    }
  }
}

/** Group keys of raw deliveries of one broadcast in one commune, with the airtime a played one adds to each. */
function rawKeys(groupBy: Exclude<ReportGroup, 'speaker'>, broadcast: BroadcastFacts, communeId: string, tz: string): Array<[string, number]> {
  switch (groupBy) {
    case 'day':
      return [[dayKey(broadcast.startsAt, tz), broadcast.airtimeMs]];
    case 'commune':
      return [[communeId, broadcast.airtimeMs]];
    case 'segment':
      return broadcast.segments.map((s) => [s.segmentId, s.airtimeMs]);
    case 'topic': {
      const byTopic = new Map<string, number>();
      for (const s of broadcast.segments) byTopic.set(s.topic, (byTopic.get(s.topic) ?? 0) + s.airtimeMs);
      return [...byTopic];
    }
  }
}
