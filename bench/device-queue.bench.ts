/**
 * Receiver polling benchmark: 5,000 speakers polling GET /api/v1/device/queue.
 *
 *   npm run bench device-queue     (or: npx tsc -p tsconfig.bench.json && node dist-bench/bench/device-queue.bench.js)
 *
 * A real API process (SQLite, role api) on 127.0.0.1 in its own process; this process generates
 * the load. Seeded: 50 communes x 100 speakers, each commune with one broadcast on air (a pending
 * delivery per speaker), three scheduled within the lookahead, one beyond it, and a week of history
 * (4 finished broadcasts a day with played deliveries) that the index must skip.
 * Measurements: closed loop (64 connections, as fast as answers come) for the maximum rate; then
 * open loop at the target rate and at 1,000/s (every speaker polling every 5 s) for the latency a
 * fleet polling at that rate sees (requests timed from when they were due, so a stalled server
 * cannot hide its queue). Beside them, the same closed loop against a bare node:http server answering
 * a queue-sized JSON: the ceiling of this machine at that moment.
 * LOA_BENCH_SERVER_FLAGS passes node flags to the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { broadcastRow, deliveryRow, insertRows, seedFleet, type BroadcastSeed } from './device/seed.js';
import { fmt, load, type LoadResult } from './device/load.js';
import { startBenchServer, startFloorServer } from './device/server.js';
import { runWhenMain } from './direct.js';

const TARGET = { rps: 3000, p99Ms: 50 };
const SPEAKERS = 5000;
const COMMUNES = 50;
const HOUR = 3_600_000;

export async function run(): Promise<void> {
  console.log(`load average before start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other processes on these cores skew the figures)`);
  const server = await startBenchServer();
  try {
    const seedStarted = Date.now();
    const fleet = await seedFleet(server.db, { communeCount: COMMUNES, speakerCount: SPEAKERS, segmentCount: 20 });
    const now = Date.now();
    const broadcasts: BroadcastSeed[] = [];
    const deliveries: Parameters<typeof deliveryRow>[0][] = [];
    fleet.communes.forEach((commune, c) => {
      const speakers = fleet.speakers.filter((s) => s.communeId === commune.id);
      const segments = (n: number) => Array.from({ length: n }, (_, k) => fleet.segmentIds[(c + k) % fleet.segmentIds.length]);
      const add = (startsAt: number, status: string, count = 2) => {
        const b = { id: randomUUID(), areaId: commune.id, areaPath: commune.path, startsAt, status, segmentIds: segments(count) };
        broadcasts.push(b);
        return b;
      };
      const onAir = add(now - 60_000, 'on_air');
      for (const s of speakers) deliveries.push({ broadcastId: onAir.id, speakerId: s.id, communeId: commune.id, status: 'pending', at: now - 60_000 });
      for (const hours of [2, 8, 20]) add(now + hours * HOUR, 'scheduled', 3);
      add(now + 40 * HOUR, 'scheduled');
      for (let day = 1; day <= 7; day++) {
        for (const hour of [6, 11, 17, 20]) {
          const past = add(now - day * 24 * HOUR + hour * HOUR - 12 * HOUR, 'completed');
          for (const s of speakers) deliveries.push({ broadcastId: past.id, speakerId: s.id, communeId: commune.id, status: 'played', at: past.startsAt });
        }
      }
    });
    await insertRows(server.db, 'broadcasts', broadcasts.map(broadcastRow));
    await insertRows(server.db, 'deliveries', deliveries.map(deliveryRow));
    console.log(`seeded ${fmt(SPEAKERS)} speakers in ${COMMUNES} communes, ${fmt(broadcasts.length)} broadcasts, ${fmt(deliveries.length)} deliveries in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

    const poll = (i: number) => ({ method: 'GET' as const, path: '/api/v1/device/queue', token: fleet.speakers[i % SPEAKERS].token });
    const check = await load({ url: server.url, connections: 1, requests: 1, keepBodies: true, next: poll });
    const items = (check.bodies[0] as { items: unknown[] } | undefined)?.items.length;
    if (items !== 4) throw new Error(`expected 4 queue items per speaker (1 pending + 3 within 24 h), got ${items}: ${JSON.stringify(check.statuses)}`);

    await load({ url: server.url, connections: 32, seconds: 3, next: poll }); // warm-up: JIT, page cache, lastSeenAt of every speaker
    const cpuBefore = server.cpuSeconds();
    const closed = await load({ url: server.url, connections: 64, seconds: 15, next: poll });
    const cpuMsPerPoll = ((server.cpuSeconds() - cpuBefore) * 1000) / closed.requests;
    report('closed loop, 64 connections', closed);
    console.log(`${''.padEnd(30)} server CPU ${fmt(cpuMsPerPoll, 3)} ms per poll: one free core would serve ${fmt(1000 / cpuMsPerPoll)} polls/s`);
    const open = await load({ url: server.url, connections: 256, seconds: 15, rate: TARGET.rps, next: poll });
    report(`open loop at ${fmt(TARGET.rps)} req/s`, open);
    // For scale: the whole fleet polling every 5 s.
    report(`open loop at ${fmt(SPEAKERS / 5)} req/s`, await load({ url: server.url, connections: 256, seconds: 15, rate: SPEAKERS / 5, next: poll }));

    // The same load against a bare node:http server answering a queue-sized JSON: what this machine allows right now.
    const floorServer = await startFloorServer(JSON.stringify(check.bodies[0]).length);
    const floor = await load({ url: floorServer.url, connections: 64, seconds: 10, next: poll }).finally(() => floorServer.stop());
    report('floor: bare node:http', floor);

    console.log(`\n  max throughput  ${fmt(closed.rps)} req/s   (target >= ${fmt(TARGET.rps)})  ${closed.rps >= TARGET.rps ? 'OK' : 'BELOW TARGET'}; ${fmt((100 * closed.rps) / floor.rps)}% of the bare node:http floor`);
    const sustained = !open.overloaded && open.rps >= TARGET.rps * 0.97;
    console.log(`  p99 at ${fmt(TARGET.rps)}/s   ${sustained ? `${fmt(open.p99, 1)} ms` : 'not sustained'}      (target < ${TARGET.p99Ms} ms)  ${sustained && open.p99 < TARGET.p99Ms ? 'OK' : 'BELOW TARGET'}`);
  } finally {
    await server.stop();
  }
}

function report(label: string, r: LoadResult): void {
  const statuses = Object.entries(r.statuses).map(([code, n]) => `${code}: ${fmt(n)}`).join(', ');
  const overload = r.overloaded ? ' — OVERLOADED: fell 2 s behind the offered rate, stopped early' : '';
  console.log(`${label.padEnd(30)} ${fmt(r.requests)} polls in ${r.seconds.toFixed(1)} s = ${fmt(r.rps)} req/s; latency p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, max ${fmt(r.max, 1)} ms  [${statuses}]${overload}`);
}

runWhenMain(import.meta.url, run);
