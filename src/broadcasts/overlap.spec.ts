import { firstFreeStart, overlaps, planPreemption, sharesSpeaker, type LiveBroadcast, type Span } from './overlap.js';

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 7, minute));
const span = (from: number, to: number): Span => ({ startsAt: at(from), endsAt: at(to) });
const live = (id: string, from: number, to: number, extra: Partial<LiveBroadcast> = {}): LiveBroadcast => ({
  id, ...span(from, to), priority: 'normal', status: 'scheduled', targets: 'all', ...extra,
});

describe('overlap', () => {
  it('treats spans as half-open', () => {
    expect(overlaps(span(0, 10), span(5, 15))).toBe(true);
    expect(overlaps(span(0, 10), span(10, 20))).toBe(false);
    expect(overlaps(span(10, 20), span(0, 10))).toBe(false);
    expect(overlaps(span(0, 30), span(10, 20))).toBe(true);
  });

  it('shares a speaker when either side covers the whole commune or the lists intersect', () => {
    expect(sharesSpeaker('all', ['a'])).toBe(true);
    expect(sharesSpeaker(['a'], 'all')).toBe(true);
    expect(sharesSpeaker('all', 'all')).toBe(true);
    expect(sharesSpeaker(['a', 'b'], ['b', 'c'])).toBe(true);
    expect(sharesSpeaker(['a'], ['b'])).toBe(false);
  });
});

describe('preemption', () => {
  it('preempts a new normal occurrence overlapped by a live priority broadcast', () => {
    const higher = live('p', 5, 15, { priority: 'priority' });
    const plan = planPreemption([span(0, 10), span(20, 30)], 'normal', 'all', [higher]);
    expect(plan.preemptedBy).toEqual([higher, null]);
    expect(plan.overridden.size).toBe(0);
  });

  it('overrides scheduled lower broadcasts that an airing higher occurrence overlaps', () => {
    const plan = planPreemption([span(0, 10)], 'priority', 'all', [live('n1', 5, 15), live('n2', 10, 20), live('e', 0, 5, { priority: 'emergency', targets: ['x'] })]);
    // e outranks the new occurrence, but only on speaker x, which the new one (all) also covers.
    expect(plan.preemptedBy[0]?.id).toBe('e');
    expect(plan.overridden.size).toBe(0);

    const clean = planPreemption([span(0, 10)], 'priority', ['a'], [live('n1', 5, 15), live('n2', 10, 20), live('n3', 0, 10, { targets: ['b'] })]);
    expect(clean.preemptedBy).toEqual([null]);
    expect([...clean.overridden.keys()]).toEqual(['n1']);
  });

  it('lets an on-air lower broadcast finish and ignores same-priority ones', () => {
    const plan = planPreemption([span(0, 10)], 'priority', 'all', [live('onair', 0, 10, { status: 'on_air' }), live('same', 0, 10, { priority: 'priority' })]);
    expect(plan.preemptedBy).toEqual([null]);
    expect(plan.overridden.size).toBe(0);
  });

  it('an emergency schedule overrides normal and priority broadcasts', () => {
    const plan = planPreemption([span(0, 60)], 'emergency', 'all', [live('n', 5, 10), live('p', 20, 30, { priority: 'priority' })]);
    expect([...plan.overridden.entries()]).toEqual([['n', 0], ['p', 0]]);
  });

  it('a normal occurrence touching (not overlapping) a priority broadcast airs', () => {
    const plan = planPreemption([span(0, 10)], 'normal', 'all', [live('p', 10, 20, { priority: 'priority' })]);
    expect(plan.preemptedBy).toEqual([null]);
  });
});

describe('one broadcast at a time', () => {
  const minutes = 60_000;

  it('starts at once when nothing holds the speakers', () => {
    expect(firstFreeStart([], at(0), 5 * minutes)).toEqual(at(0));
    expect(firstFreeStart([span(10, 20)], at(0), 5 * minutes)).toEqual(at(0));
    expect(firstFreeStart([span(0, 5)], at(5), 5 * minutes)).toEqual(at(5));
  });

  it('waits for the end of what it overlaps, then for whatever queued behind it', () => {
    expect(firstFreeStart([span(0, 10)], at(3), 5 * minutes)).toEqual(at(10));
    expect(firstFreeStart([span(0, 10), span(10, 14)], at(3), 5 * minutes)).toEqual(at(14));
    // Partial overlaps: the latest end among the broadcasts in its way.
    expect(firstFreeStart([span(0, 10), span(2, 12)], at(3), 5 * minutes)).toEqual(at(12));
  });

  it('takes a gap long enough, not one too short', () => {
    expect(firstFreeStart([span(0, 10), span(20, 30)], at(3), 5 * minutes)).toEqual(at(10));
    expect(firstFreeStart([span(0, 10), span(13, 30)], at(3), 5 * minutes)).toEqual(at(30));
  });
});
