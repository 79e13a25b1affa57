import { PRIORITY_RANK, type Priority } from '../schedules/schedule.entity.js';
import type { BroadcastStatus } from './broadcast.entity.js';

/** A broadcast's target speakers: explicit ids, or every speaker of its area (now and later). */
export type Targets = 'all' | readonly string[];

export interface Span {
  startsAt: Date;
  endsAt: Date;
}

/** Half-open [startsAt, endsAt): one ending exactly when the next starts does not overlap. */
export function overlaps(a: Span, b: Span): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();
}

/**
 * Whether two broadcasts of one commune (or an emergency covering it) would drive a common speaker.
 * 'all' covers every speaker of the commune, including ones added later, so it meets any explicit list.
 */
export function sharesSpeaker(a: Targets, b: Targets): boolean {
  if (a === 'all' || b === 'all') return true;
  const set = new Set(a);
  return b.some((id) => set.has(id));
}

export interface LiveBroadcast extends Span {
  id: string;
  priority: Priority;
  status: Extract<BroadcastStatus, 'scheduled' | 'on_air'>;
  targets: Targets;
}

export interface PreemptionPlan {
  /** Per new occurrence: the live higher-priority broadcast that preempts it, or null when it airs. */
  preemptedBy: Array<LiveBroadcast | null>;
  /** Scheduled lower-priority broadcasts that an airing new occurrence overrides, with the index of that occurrence. */
  overridden: Map<string, number>;
}

/**
 * What happens when broadcasts of `priority` are added at `spans` on `targets`, beside `existing`
 * live broadcasts of the same speakers: a higher-priority one wins over a lower one it overlaps on a
 * shared speaker. Only future (scheduled) broadcasts are overridden; one already on air keeps
 * playing (emergencies preempt on-air broadcasts through their own path).
 */
export function planPreemption(spans: readonly Span[], priority: Priority, targets: Targets, existing: readonly LiveBroadcast[]): PreemptionPlan {
  const rank = PRIORITY_RANK[priority];
  const relevant = existing.filter((other) => PRIORITY_RANK[other.priority] !== rank && sharesSpeaker(targets, other.targets));
  const preemptedBy: Array<LiveBroadcast | null> = [];
  const overridden = new Map<string, number>();
  spans.forEach((span, index) => {
    const clashes = relevant.filter((other) => overlaps(span, other));
    const winner = clashes.find((other) => PRIORITY_RANK[other.priority] > rank) ?? null;
    preemptedBy.push(winner);
    if (winner) return;
    for (const other of clashes) {
      if (other.status === 'scheduled' && !overridden.has(other.id)) overridden.set(other.id, index);
    }
  });
  return { preemptedBy, overridden };
}

/**
 * A speaker plays one broadcast at a time (SPEC §14): the earliest start at or after `from` where a
 * broadcast lasting `lengthMs` overlaps none of `busy` (what already holds its speakers). Each clash
 * moves the start to the latest end among the spans it overlaps, so the answer is the end of the last
 * broadcast it had to wait for, or `from` itself when nothing is in the way.
 */
export function firstFreeStart(busy: readonly Span[], from: Date, lengthMs: number): Date {
  let start = from.getTime();
  for (;;) {
    const candidate = { startsAt: new Date(start), endsAt: new Date(start + lengthMs) };
    const clashes = busy.filter((other) => overlaps(candidate, other));
    if (!clashes.length) return candidate.startsAt;
    start = Math.max(...clashes.map((other) => other.endsAt.getTime()));
  }
}
