import type { DataSource } from 'typeorm';
import { BroadcastEntity } from '../../src/broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../../src/broadcasts/delivery.entity.js';
import { tableOf } from '../../src/database/sql.js';
import { waitFor } from './processes.js';
import type { SeededReceivers } from './seed.js';
import { percentile } from '../percentile.js';

/** What the receiver fleet processes report at the end of a morning, summed. */
export interface FleetResult {
  polls: number; pollErrors: number; pushConnections: number; downloads: number; plays: number; failures: number;
  receiptsSent: number; accepted: number; duplicates: number; refused: number; postErrors: number; unsent: number;
  learnedBefore: number; learnedLate: number; learnedByPush: number; acceptedPerSecond: Record<string, number>; problems: Record<string, number>;
  /** The slowest downloads (p99, max over the fleet processes) and the longest a fleet process's timers fired late. */
  downloadMsP99: number; downloadMsMax: number; loopDelayMaxMs: number;
  /** Plays started after startsAt (beyond the planner's tolerance), and the latest start. */
  startedLate: number; startedLateMaxMs: number;
}

export interface Measures {
  broadcasts: number;
  /** ms from startsAt to on air (the committed claim), over every broadcast. */
  onAir: { p50Ms: number; p99Ms: number; maxMs: number; within2s: number; never: number };
  /** Broadcasts of communes with no receiver (a smaller --receivers than communes): nothing to put on air. */
  withoutReceivers: number;
  deliveries: number;
  receiptsPerSecond: { peak: number; mean: number };
  checks: {
    /** Communes whose report row differs from a GROUP BY over the raw deliveries. */
    reportMismatches: number;
    /** Schedules that went on air more than once, and (broadcast, speaker) pairs delivered twice. */
    airedTwice: number;
    duplicateDeliveries: number;
    /** Communes whose deliveries are not one per receiver. */
    deliveryMismatches: number;
    /** Receipts the receivers made that the database does not hold as a terminal delivery. */
    receiptsLost: number;
  };
}


interface ReportItem { key: string; broadcasts: number; targeted: number; played: number; failed: number; missed: number }

export async function measure(db: DataSource, url: string, token: string, minute: Date, seeded: SeededReceivers, fleet: FleetResult): Promise<Measures> {
  const broadcasts = tableOf(db.manager, BroadcastEntity);
  const deliveries = tableOf(db.manager, DeliveryEntity);
  const one = async (sql: string) => Number(Object.values((await db.query(sql))[0] as object)[0]);
  await waitFor('every broadcast to be finalised', async () => (await one(`SELECT count(*) FROM ${broadcasts} WHERE status IN ('scheduled', 'on_air')`)) === 0, 300_000);

  const all = (await db.query(`SELECT "startsAt", "onAirAt", "areaId" FROM ${broadcasts}`)) as Array<{ startsAt: string; onAirAt: string | null; areaId: string }>;
  const rows = all.filter((r) => seeded.perCommune.has(r.areaId));
  const latencies = rows.filter((r) => r.onAirAt !== null).map((r) => Number(r.onAirAt) - Number(r.startsAt)).sort((a, b) => a - b);
  const seconds = Object.entries(fleet.acceptedPerSecond).map(([s, n]) => [Number(s), n] as const).sort((a, b) => a[0] - b[0]);
  const totalAccepted = seconds.reduce((sum, [, n]) => sum + n, 0);

  const raw = (await db.query(
    `SELECT b."areaId" AS key, count(DISTINCT b.id) AS broadcasts, count(*) AS targeted,
            sum(CASE WHEN d.status = 'played' THEN 1 ELSE 0 END) AS played,
            sum(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END) AS failed,
            sum(CASE WHEN d.status = 'missed' THEN 1 ELSE 0 END) AS missed
       FROM ${deliveries} d JOIN ${broadcasts} b ON b.id = d."broadcastId" GROUP BY b."areaId"`,
  )) as Array<Record<keyof ReportItem, string>>;
  const window = `from=${encodeURIComponent(new Date(minute.getTime() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(minute.getTime() + 3_600_000).toISOString())}`;
  const res = await fetch(`${url}/api/v1/reports/deliveries?groupBy=commune&${window}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`drill: the report answered ${res.status}`);
  const report = new Map(((await res.json()) as { items: ReportItem[] }).items.map((item) => [item.key, item]));
  const fields = ['broadcasts', 'targeted', 'played', 'failed', 'missed'] as const;
  const reportMismatches = raw.filter((r) => fields.some((f) => Number(r[f]) !== Number(report.get(r.key)?.[f] ?? -1))).length + Math.max(0, report.size - raw.length);
  const deliveryMismatches = raw.filter((r) => Number(r.targeted) !== seeded.perCommune.get(r.key)).length + Math.max(0, seeded.perCommune.size - raw.length);
  const terminal = await one(`SELECT count(*) FROM ${deliveries} WHERE status IN ('played', 'failed', 'interrupted')`);

  return {
    broadcasts: rows.length,
    withoutReceivers: all.length - rows.length,
    onAir: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? NaN, within2s: latencies.filter((ms) => ms <= 2000).length, never: rows.length - latencies.length },
    deliveries: await one(`SELECT count(*) FROM ${deliveries}`),
    receiptsPerSecond: { peak: Math.max(0, ...seconds.map(([, n]) => n)), mean: seconds.length ? totalAccepted / (seconds.at(-1)![0] - seconds[0][0] + 1) : 0 },
    checks: {
      reportMismatches,
      airedTwice: await one(`SELECT count(*) FROM (SELECT "scheduleId" FROM ${broadcasts} WHERE "onAirAt" IS NOT NULL GROUP BY "scheduleId" HAVING count(*) > 1) twice`),
      duplicateDeliveries: await one(`SELECT count(*) FROM (SELECT "broadcastId", "speakerId" FROM ${deliveries} GROUP BY "broadcastId", "speakerId" HAVING count(*) > 1) twice`),
      deliveryMismatches,
      receiptsLost: Math.max(0, fleet.accepted - terminal) + fleet.unsent + fleet.refused + Math.max(0, fleet.receiptsSent - fleet.accepted - fleet.duplicates - fleet.refused),
    },
  };
}
