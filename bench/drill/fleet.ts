/**
 * One process of simulated receivers for the drill (the simulator's ReceiverFleet: the receiver
 * agent's own device-protocol core). argv: tokens file, server URL, seconds to run, poll seconds,
 * seconds over which the receivers start.
 * Prints one JSON line: the fleet's counters, how many receivers learned of their broadcast before
 * its startsAt (and how many first heard of it by push), and when each receipt batch was accepted (per second).
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { START_TOLERANCE_MS } from '../../receiver/src/protocol/planner.js';
import { ReceiverFleet } from '../../src/cli/receiver-fleet.js';
import { percentile } from '../percentile.js';

const [tokensFile, base, durationSec, pollSec, startSpreadSec] = process.argv.slice(2);
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
/** Each time a receiver learned of a broadcast (by push or a queue read): which, and when (ms since the epoch). */
const learnings: { broadcastId: string; at: number }[] = [];
/** Each broadcast's startsAt, from the events that name it. */
const startsAt = new Map<string, number>();
/** Plays that began after their startsAt (plus the planner's tolerance), and the latest start. */
let startedLate = 0;
let startedLateMaxMs = 0;
/** Broadcasts a receiver first heard of by a pushed event (not by a queue read). */
let learnedByPush = 0;
const acceptedPerSecond: Record<number, number> = {};
/** Warnings and errors by kind (the event and its message without URLs and ids), to say what went wrong. */
const problems: Record<string, number> = {};
const kind = (event: Record<string, unknown>) => {
  const why = event.event === 'not-played' ? ` (${event.audioReady ? 'audio ready' : 'audio not downloaded'}, ${lateBucket(Number(event.lateMs))} after startsAt, learned ${Number(event.learnedLateMs) > 0 ? 'after' : 'before'} it)` : '';
  return `${String(event.event)}: ${String(event.error ?? '')}${why}`.replace(/https?:\/\/\S+/g, 'URL').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID').slice(0, 160);
};
const lateBucket = (ms: number) => (ms < 5000 ? 'under 5 s' : ms < 30_000 ? '5-30 s' : ms < 120_000 ? '30-120 s' : 'over 2 min');
/** How long downloads took, and how late this process's timers fired: a fleet too busy to keep time plays late. */
const downloadMs: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const fleet = new ReceiverFleet({
  base, tokens, pollSec: Number(pollSec), speed: 1, failRate: 0, offlineRate: 0, durationSec: Number(durationSec), startSpreadSec: Number(startSpreadSec), batch: 100,
  log: (event) => {
    if (event.level === 'warn' || event.level === 'error') {
      const problem = kind(event);
      problems[problem] = (problems[problem] ?? 0) + 1;
    }
    if (typeof event.startsAt === 'string') startsAt.set(String(event.broadcastId), Date.parse(event.startsAt));
    if (event.event === 'pushed-broadcast' && event.added) {
      learnedByPush++;
      learnings.push({ broadcastId: String(event.broadcastId), at: Date.now() });
    } else if (event.event === 'queue-read') for (const broadcastId of event.added as string[]) learnings.push({ broadcastId, at: Date.now() });
    else if (event.event === 'downloaded') downloadMs.push(Number(event.ms));
    else if (event.event === 'play-start') {
      if (Number(event.lateMs) > START_TOLERANCE_MS) startedLate++;
      startedLateMaxMs = Math.max(startedLateMaxMs, Number(event.lateMs));
    } else if (event.event === 'receipts-sent') {
      const second = Math.floor(Date.now() / 1000);
      acceptedPerSecond[second] = (acceptedPerSecond[second] ?? 0) + Number(event.accepted);
    }
  },
});
const report = () => {
  downloadMs.sort((a, b) => a - b);
  const downloadMsMax = downloadMs.at(-1) ?? 0;
  const downloadMsP99 = downloadMs.length ? percentile(downloadMs, 99) : 0;
  const loopDelayMaxMs = Math.round(loopDelay.max / 1e6);
  // Every receiver, played or not; one whose broadcast's startsAt no event named counts as late.
  const learnedBefore = learnings.filter(({ broadcastId, at }) => at < (startsAt.get(broadcastId) ?? -Infinity)).length;
  const learnedLate = learnings.length - learnedBefore;
  process.stdout.write(`${JSON.stringify({ ...fleet.stats, learnedBefore, learnedLate, learnedByPush, acceptedPerSecond, problems, downloadMsP99, downloadMsMax, loopDelayMaxMs, startedLate, startedLateMaxMs })}\n`);
  process.exit(0);
};
// A receiver stuck on a request (a server that stopped answering) must not hold the drill: report what was counted.
setTimeout(() => {
  console.error('fleet: some receivers were still busy 90 s after the end; reporting what was counted');
  report();
}, (Number(durationSec) + 90) * 1000);
void fleet.run().then(report);
