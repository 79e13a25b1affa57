import type { DeliveryStatus } from '../broadcasts/delivery.entity.js';
import { COUNTER_NAMES, zeroCounters, type DeliveryCounters } from './rollup-rows.js';

/**
 * Sums one report's groups from two disjoint sources: rollup rows (whole buckets, `broadcasts` already
 * distinct per bucket) and raw deliveries of the ragged ends (distinct broadcasts counted here). A
 * broadcast starts in exactly one bucket or window, so the two never count the same broadcast.
 */
export class ReportTotals {
  private readonly groups = new Map<string, DeliveryCounters>();
  private readonly rawBroadcasts = new Map<string, Set<string>>();

  /**
   * Adds a row of counters. A group's first row becomes its counters, not a copy (a report reads each
   * row once, and a receiver report has 10^4 groups): fields beside the counters, a speaker's label, stay.
   */
  addRollup(key: string, counters: DeliveryCounters): void {
    const group = this.groups.get(key);
    if (!group) {
      this.groups.set(key, counters);
      return;
    }
    for (const name of COUNTER_NAMES) group[name] += counters[name];
  }

  /** `count` raw deliveries of one broadcast with this status; a played one adds `airtimeMs`. */
  addDeliveries(key: string, broadcastId: string, status: DeliveryStatus, count: number, airtimeMs: number): void {
    const group = this.group(key);
    group.targeted += count;
    group[status] += count;
    if (status === 'played') group.airtimeMs += count * airtimeMs;
    let broadcasts = this.rawBroadcasts.get(key);
    if (!broadcasts) this.rawBroadcasts.set(key, (broadcasts = new Set()));
    broadcasts.add(broadcastId);
  }

  /** Groups that have deliveries, with their distinct broadcasts. Call once: it completes the counters in place. */
  entries(): Array<[string, DeliveryCounters]> {
    const entries: Array<[string, DeliveryCounters]> = [];
    for (const [key, counters] of this.groups) {
      counters.broadcasts += this.rawBroadcasts.get(key)?.size ?? 0;
      if (counters.targeted > 0) entries.push([key, counters]);
    }
    return entries;
  }

  private group(key: string): DeliveryCounters {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = zeroCounters()));
    return group;
  }
}
