import { PRIORITY_RANK, type Priority, type QueueItem } from './types.js';

/** A broadcast starting this much after its startsAt still counts as on time (timers, a busy box). */
export const START_TOLERANCE_MS = 1500;
/**
 * A broadcast known in time whose start slipped on the box (its audio came a little late, the box was
 * busy) may still start this long after its startsAt, even past its end: a 3 s bulletin aired 4 s late
 * serves its commune; one skipped does not. It still plays only if it finishes before the next one.
 */
export const LATE_START_GRACE_MS = 60_000;
/** An emergency whose audio cannot be had this long after its end is given up (the server's receipt grace). */
export const EMERGENCY_GIVE_UP_MS = 600_000;

export interface Candidate {
  item: QueueItem;
  learnedAt: number;
  /** Every segment is cached and verified. */
  ready: boolean;
  /** Why its audio is not ready, if a download failed. */
  problem?: string;
}

export interface Playing {
  broadcastId: string;
  priority: Priority;
}

export interface Plan {
  /** Cut what is playing (its receipt says `interrupted`) to start `start`. */
  cut: boolean;
  /** Start this broadcast now, whole. */
  start: string | null;
  /** Broadcasts that will not be played, with the receipt error. */
  fail: Array<{ broadcastId: string; error: string }>;
  /** When to plan again (server time, ms), unless something changes before; null: nothing to wait for. */
  wakeAt: number | null;
}

export function lengthMs(item: Pick<QueueItem, 'segments' | 'repeat' | 'gapSec'>): number {
  const pass = item.segments.reduce((sum, s) => sum + s.durationSec, 0);
  return Math.round((item.repeat * pass + (item.repeat - 1) * item.gapSec) * 1000);
}

const rank = (p: Priority) => PRIORITY_RANK[p] ?? 0;

/**
 * What to do now (SPEC §8): one broadcast at a time; the highest priority due wins, cutting a lower
 * one that plays. A broadcast starts at its startsAt. One that cannot (learned late, audio not yet
 * there, something else playing) is late: an emergency plays at once, whole; any other plays whole
 * if it can still finish before the next queued broadcast starts, else it fails with `late`. A
 * broadcast learned late may start until its end (SPEC §8); one known in time whose audio has not
 * failed to download, until its end or LATE_START_GRACE_MS after its start, whichever is later (the
 * SPEC does not say).
 */
export function plan(now: number, candidates: Candidate[], playing: Playing | null): Plan {
  const result: Plan = { cut: false, start: null, fail: [], wakeAt: null };
  const wake = (at: number) => (result.wakeAt = result.wakeAt === null ? at : Math.min(result.wakeAt, at));
  const ordered = [...candidates].sort((a, b) => rank(b.item.priority) - rank(a.item.priority) || Date.parse(a.item.startsAt) - Date.parse(b.item.startsAt));
  const playingRank = playing ? rank(playing.priority) : -1;

  for (const candidate of ordered) {
    const { item } = candidate;
    const startsAt = Date.parse(item.startsAt);
    const endsAt = Date.parse(item.endsAt);
    if (now < startsAt) {
      wake(startsAt);
      continue;
    }
    const emergency = item.priority === 'emergency';
    const onTime = now <= startsAt + START_TOLERANCE_MS && candidate.learnedAt <= startsAt + START_TOLERANCE_MS;
    const blocked = playing !== null && rank(item.priority) <= playingRank;

    if (emergency) {
      if (!candidate.ready) {
        if (now > endsAt + EMERGENCY_GIVE_UP_MS) result.fail.push({ broadcastId: item.broadcastId, error: candidate.problem ?? 'audio not available' });
        else wake(endsAt + EMERGENCY_GIVE_UP_MS + 1); // its download finishing plans again before that
        continue;
      }
      if (blocked || result.start) continue; // an emergency already on air finishes first (SPEC §14)
      result.start = item.broadcastId;
      result.cut = playing !== null;
      continue;
    }

    if (onTime && (!candidate.ready || blocked || result.start)) {
      wake(startsAt + START_TOLERANCE_MS + 1); // it may still start on time; after that it is late
      continue;
    }
    if (!onTime) {
      // The grace is for a start that slipped; audio whose download failed is given up at the end, named.
      const slipped = candidate.learnedAt <= startsAt + START_TOLERANCE_MS && !candidate.problem;
      const lastStart = slipped ? Math.max(endsAt, startsAt + LATE_START_GRACE_MS) : endsAt;
      if (now >= lastStart) {
        // Its slot is over: a programme is not aired hours late (an emergency is, above).
        result.fail.push({ broadcastId: item.broadcastId, error: candidate.ready ? 'late' : (candidate.problem ?? 'late') });
        continue;
      }
      if (!candidate.ready || blocked || result.start) {
        wake(lastStart); // waits for its audio or for what plays, until it may no longer start
        continue;
      }
      const next = nextStart(candidates, item, now);
      if (next !== null && now + lengthMs(item) > next) {
        result.fail.push({ broadcastId: item.broadcastId, error: 'late' });
        continue;
      }
    }
    result.start = item.broadcastId;
    result.cut = playing !== null;
  }
  return result;
}

/** The start of the next queued broadcast after `now`, other than `item`. */
function nextStart(candidates: Candidate[], item: QueueItem, now: number): number | null {
  let next: number | null = null;
  for (const c of candidates) {
    if (c.item.broadcastId === item.broadcastId) continue;
    const at = Date.parse(c.item.startsAt);
    if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}

/** One step of playing a broadcast: a segment of a pass, or the silence between passes. */
export type Step = { segment: QueueItem['segments'][number]; pass: number } | { gapSec: number };

/** The playlist in order, `repeat` passes with `gapSec` of silence between them. */
export function steps(item: QueueItem): Step[] {
  const out: Step[] = [];
  for (let pass = 1; pass <= item.repeat; pass++) {
    if (pass > 1 && item.gapSec > 0) out.push({ gapSec: item.gapSec });
    for (const segment of item.segments) out.push({ segment, pass });
  }
  return out;
}
