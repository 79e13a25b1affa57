import { overlaps, sharesSpeaker, type Span, type Targets } from '../broadcasts/overlap.js';

export interface PlannedSchedule {
  scheduleId: string;
  targets: Targets;
  /** Sorted by start. */
  occurrences: readonly Span[];
}

export interface Clash {
  scheduleId: string;
  /** The other schedule's occurrence that the candidate overlaps. */
  startsAt: Date;
  /** The candidate's occurrence that overlaps it. */
  candidateStartsAt: Date;
}

/**
 * The earliest overlap between the candidate's occurrences and those of same-priority schedules on
 * a shared speaker, or null. Both lists are sorted, so each pair of schedules is a linear merge.
 */
export function firstClash(candidate: Omit<PlannedSchedule, 'scheduleId'>, others: readonly PlannedSchedule[]): Clash | null {
  let first: Clash | null = null;
  for (const other of others) {
    if (!sharesSpeaker(candidate.targets, other.targets)) continue;
    const clash = firstOverlap(candidate.occurrences, other.occurrences);
    if (!clash) continue;
    const found = { scheduleId: other.scheduleId, startsAt: clash.theirs.startsAt, candidateStartsAt: clash.ours.startsAt };
    if (!first || earlier(found, first)) first = found;
  }
  return first;
}

/** Two occurrences of one schedule that overlap each other (its broadcast outlasts the interval), or null. */
export function selfOverlap(occurrences: readonly Span[]): Span | null {
  for (let i = 1; i < occurrences.length; i++) if (overlaps(occurrences[i - 1], occurrences[i])) return occurrences[i];
  return null;
}

function firstOverlap(ours: readonly Span[], theirs: readonly Span[]): { ours: Span; theirs: Span } | null {
  let i = 0;
  let j = 0;
  while (i < ours.length && j < theirs.length) {
    if (overlaps(ours[i], theirs[j])) return { ours: ours[i], theirs: theirs[j] };
    // Whichever ends first can overlap nothing later in the other list.
    if (ours[i].endsAt.getTime() <= theirs[j].endsAt.getTime()) i++;
    else j++;
  }
  return null;
}

function earlier(a: Clash, b: Clash): boolean {
  const at = (c: Clash) => Math.max(c.startsAt.getTime(), c.candidateStartsAt.getTime());
  return at(a) < at(b) || (at(a) === at(b) && a.startsAt.getTime() < b.startsAt.getTime());
}
