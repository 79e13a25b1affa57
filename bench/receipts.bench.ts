/**
 * Receipt ingestion benchmark: POST /api/v1/device/receipts in batches of 100 from concurrent receivers.
 *
 *   npm run bench receipts     (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/receipts.bench.js)
 *
 * A real API process (SQLite, role api) on 127.0.0.1 in its own process; this process generates
 * the load. Seeded: 20 communes x 100 speakers, 100 broadcasts on air per commune, so 200,000
 * pending deliveries. Pass 1: every speaker posts one batch of 100 receipts for all its broadcasts
 * (90% played, 10% failed) — every receipt settles a delivery, updates the report rollups and is
 * checked against the database afterwards. Pass 2: the same batches again, all duplicates (a
 * receiver retrying after a lost answer). Beside them, the same batches against a bare node:http
 * server that only parses them: the ceiling of this machine at that moment.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fmt, load, type LoadResult } from './device/load.js';
import { broadcastRow, deliveryRow, insertRows, seedFleet, type BroadcastSeed } from './device/seed.js';
import { startBenchServer, startFloorServer } from './device/server.js';
import { runWhenMain } from './direct.js';

const TARGET = { receiptsPerSec: 20_000 };
const COMMUNES = 20;
const SPEAKERS_PER_COMMUNE = 100;
const BATCH = 100;
const CONNECTIONS = 32;

export async function run(): Promise<void> {
  console.log(`load average before start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other processes on these cores skew the figures)`);
  const server = await startBenchServer();
  try {
    const seedStarted = Date.now();
    const fleet = await seedFleet(server.db, { communeCount: COMMUNES, speakerCount: COMMUNES * SPEAKERS_PER_COMMUNE, segmentCount: 10 });
    const now = Date.now();
    const broadcastsOf = new Map<string, string[]>();
    const broadcasts: BroadcastSeed[] = fleet.communes.flatMap((commune, c) => {
      const own = Array.from({ length: BATCH }, (_, k) => ({ id: randomUUID(), areaId: commune.id, areaPath: commune.path, startsAt: now - (k + 1) * 60_000, status: 'on_air', segmentIds: [fleet.segmentIds[(c + k) % fleet.segmentIds.length]] }));
      broadcastsOf.set(commune.id, own.map((b) => b.id));
      return own;
    });
    await insertRows(server.db, 'broadcasts', broadcasts.map(broadcastRow));
    const deliveries = fleet.speakers.flatMap((s) => broadcastsOf.get(s.communeId)!.map((broadcastId) => deliveryRow({ broadcastId, speakerId: s.id, communeId: s.communeId, status: 'pending', at: now - 60_000 })));
    await insertRows(server.db, 'deliveries', deliveries);
    console.log(`seeded ${fmt(fleet.speakers.length)} speakers, ${fmt(broadcasts.length)} broadcasts on air, ${fmt(deliveries.length)} pending deliveries in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    const bodies = fleet.speakers.map((s, i) => ({
      receipts: broadcastsOf.get(s.communeId)!.map((broadcastId, k) => {
        const startedAt = new Date(now - (k + 1) * 60_000);
        const failed = (i + k) % 10 === 0;
        return { broadcastId, status: failed ? 'failed' : 'played', startedAt: startedAt.toISOString(), finishedAt: new Date(startedAt.getTime() + 120_000).toISOString(), ...(failed ? { error: 'amplifier fault' } : {}) };
      }),
    }));
    const post = (i: number) => ({ method: 'POST' as const, path: '/api/v1/device/receipts', token: fleet.speakers[i].token, body: bodies[i] });

    const cpuBefore = server.cpuSeconds();
    const fresh = await load({ url: server.url, connections: CONNECTIONS, requests: bodies.length, keepBodies: true, next: post });
    const cpuMsPerReceipt = ((server.cpuSeconds() - cpuBefore) * 1000) / (fresh.requests * BATCH);
    const accepted = sum(fresh.bodies, 'accepted');
    report('pass 1: new receipts', fresh, accepted);
    console.log(`  server CPU ${fmt(cpuMsPerReceipt * 1000, 1)} µs per receipt: one free core would take ${fmt(1000 / cpuMsPerReceipt)} receipts/s`);
    const [settled] = await server.db.query(`SELECT SUM(CASE WHEN status = 'played' THEN 1 ELSE 0 END) AS played, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending FROM deliveries`);
    console.log(`  database: ${fmt(Number(settled.played))} played, ${fmt(Number(settled.failed))} failed, ${fmt(Number(settled.pending))} pending (expected ${fmt(deliveries.length * 0.9)} / ${fmt(deliveries.length * 0.1)} / 0)`);

    const cpuBeforeAgain = server.cpuSeconds();
    const again = await load({ url: server.url, connections: CONNECTIONS, requests: bodies.length, keepBodies: true, next: post });
    const cpuMsPerDuplicate = ((server.cpuSeconds() - cpuBeforeAgain) * 1000) / (again.requests * BATCH);
    report('pass 2: all duplicates', again, sum(again.bodies, 'duplicates'));
    console.log(`  server CPU ${fmt(cpuMsPerDuplicate * 1000, 1)} µs per duplicate receipt: one free core would take ${fmt(1000 / cpuMsPerDuplicate)} receipts/s`);

    // The same batches against a bare node:http server that only parses them: what this machine allows right now.
    const floorServer = await startFloorServer(32);
    const floor = await load({ url: floorServer.url, connections: CONNECTIONS, requests: bodies.length, next: post }).finally(() => floorServer.stop());
    report('floor: bare node:http', floor, floor.requests * BATCH);

    const rate = (fresh.requests * BATCH) / fresh.seconds;
    console.log(`\n  new receipts     ${fmt(rate)} receipts/s   (target >= ${fmt(TARGET.receiptsPerSec)})  ${rate >= TARGET.receiptsPerSec && accepted === deliveries.length ? 'OK' : 'BELOW TARGET'}; ${fmt((100 * fresh.rps) / floor.rps)}% of the bare node:http floor`);
    console.log(`  duplicates       ${fmt((again.requests * BATCH) / again.seconds)} receipts/s`);
  } finally {
    await server.stop();
  }
}

const sum = (bodies: unknown[], key: 'accepted' | 'duplicates') => bodies.reduce<number>((total, body) => total + Number((body as Record<string, number>)[key] ?? 0), 0);

function report(label: string, r: LoadResult, counted: number): void {
  const statuses = Object.entries(r.statuses).map(([code, n]) => `${code}: ${fmt(n)}`).join(', ');
  console.log(
    `${label.padEnd(24)} ${fmt(r.requests)} batches of ${BATCH} in ${r.seconds.toFixed(1)} s = ${fmt((r.requests * BATCH) / r.seconds)} receipts/s (${fmt(r.rps)} req/s); ` +
      `latency p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms; ${fmt(counted)} counted  [${statuses}]`,
  );
}

runWhenMain(import.meta.url, run);
