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

  addRollup(key: string, counters: DeliveryCounters): void {
    const group = this.group(key);
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

  /** Groups that have deliveries, with their distinct broadcasts. */
  entries(): Array<[string, DeliveryCounters]> {
    return [...this.groups]
      .map(([key, counters]): [string, DeliveryCounters] => [key, { ...counters, broadcasts: counters.broadcasts + (this.rawBroadcasts.get(key)?.size ?? 0) }])
      .filter(([, counters]) => counters.targeted > 0);
  }

  private group(key: string): DeliveryCounters {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = zeroCounters()));
    return group;
  }
}
