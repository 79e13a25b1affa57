import { LATE_START_GRACE_MS, lengthMs, plan, START_TOLERANCE_MS, steps, type Candidate } from './planner.js';
import type { Priority, QueueItem } from './types.js';

const T = Date.parse('2026-12-01T06:30:00Z');
const at = (sec: number) => new Date(T + sec * 1000).toISOString();

function item(id: string, startSec: number, opts: { priority?: Priority; durations?: number[]; repeat?: number; gapSec?: number } = {}): QueueItem {
  const segments = (opts.durations ?? [60]).map((durationSec, i) => ({ id: `${id}-s${i}`, url: `/api/v1/device/audio/${id}-s${i}`, sha256: 'a'.repeat(64), durationSec }));
  const base = { broadcastId: id, startsAt: at(startSec), priority: opts.priority ?? 'normal', repeat: opts.repeat ?? 1, gapSec: opts.gapSec ?? 0, segments };
  return { ...base, endsAt: new Date(T + startSec * 1000 + lengthMs(base)).toISOString() };
}

const known = (i: QueueItem, learnedSec = -3600, ready = true, problem?: string): Candidate => ({ item: i, learnedAt: T + learnedSec * 1000, ready, problem });

describe('playback planner', () => {
  it('waits for startsAt, then starts on time', () => {
    const a = known(item('a', 0));
    expect(plan(T - 5000, [a], null)).toEqual({ cut: false, start: null, fail: [], wakeAt: T });
    expect(plan(T + 20, [a], null)).toMatchObject({ start: 'a', cut: false, fail: [] });
  });

  it('plays one broadcast at a time: an equal priority waits, then is late', () => {
    const b = known(item('b', 0));
    expect(plan(T + 100, [b], { broadcastId: 'a', priority: 'normal' })).toMatchObject({ start: null, fail: [], wakeAt: T + START_TOLERANCE_MS + 1 });
  });

  it('a higher priority starting cuts what plays; a lower one does not', () => {
    const urgent = known(item('p', 0, { priority: 'priority' }));
    expect(plan(T, [urgent], { broadcastId: 'n', priority: 'normal' })).toMatchObject({ start: 'p', cut: true });
    const normal = known(item('n2', 0));
    expect(plan(T, [normal], { broadcastId: 'p', priority: 'priority' })).toMatchObject({ start: null, cut: false });
  });

  it('an emergency cuts anything lower at once, learned late or not, and plays whole', () => {
    const e = known(item('e', -30, { priority: 'emergency', durations: [10] }), 0); // learned 30 s late, after its end
    expect(plan(T, [e], { broadcastId: 'p', priority: 'priority' })).toMatchObject({ start: 'e', cut: true, fail: [] });
    expect(plan(T, [e], null)).toMatchObject({ start: 'e', cut: false });
  });

  it('a second emergency waits for the one on air (SPEC §14)', () => {
    const e2 = known(item('e2', 0, { priority: 'emergency' }));
    expect(plan(T + 10, [e2], { broadcastId: 'e1', priority: 'emergency' })).toMatchObject({ start: null, cut: false, fail: [] });
  });

  it('the highest priority due goes first when several are', () => {
    const n = known(item('n', 0));
    const e = known(item('e', 0, { priority: 'emergency' }));
    expect(plan(T, [n, e], null)).toMatchObject({ start: 'e' });
  });

  it('an emergency whose audio is missing waits for it, and is given up only long after its end', () => {
    const e = known(item('e', 0, { priority: 'emergency', durations: [10] }), 0, false, 'audio checksum mismatch');
    expect(plan(T + 60_000, [e], null)).toMatchObject({ start: null, fail: [] });
    expect(plan(T + 10_000 + 601_000, [e], null).fail).toEqual([{ broadcastId: 'e', error: 'audio checksum mismatch' }]);
  });

  describe('learned late (after startsAt, before endsAt)', () => {
    it('plays whole if it can finish before the next queued broadcast', () => {
      const late = known(item('late', -10, { durations: [60] }), 0);
      const next = known(item('next', 600));
      expect(plan(T, [late, next], null)).toMatchObject({ start: 'late', fail: [] });
    });

    it('fails `late` if it cannot finish before the next one starts', () => {
      const late = known(item('late', -10, { durations: [60] }), 0);
      const next = known(item('next', 30));
      expect(plan(T, [late, next], null)).toMatchObject({ start: null, fail: [{ broadcastId: 'late', error: 'late' }] });
    });

    it('fails `late` once its slot is over', () => {
      const over = known(item('over', -120, { durations: [60] }), 0);
      expect(plan(T, [over], null).fail).toEqual([{ broadcastId: 'over', error: 'late' }]);
    });

    it('names the download problem when its audio never came', () => {
      const broken = known(item('broken', -120, { durations: [60] }), -3600, false, 'audio checksum mismatch');
      expect(plan(T, [broken], null).fail).toEqual([{ broadcastId: 'broken', error: 'audio checksum mismatch' }]);
    });
  });

  it('one known in time whose audio arrives just late follows the same late rule', () => {
    const slow = known(item('slow', -5, { durations: [60] }), -3600, true);
    expect(plan(T, [slow], null)).toMatchObject({ start: 'slow' });
    const waiting = known(item('waiting', -5, { durations: [60] }), -3600, false);
    expect(plan(T, [waiting], null)).toMatchObject({ start: null, fail: [], wakeAt: T + 55_000 });
  });

  describe('known in time, its start slipped on the box (busy, audio a little late)', () => {
    const bulletin = (id: string, ready = true) => known(item(id, 0, { durations: [3] }), -3600, ready);

    it('a short bulletin still starts whole after its end, within the grace', () => {
      expect(plan(T + 4000, [bulletin('b')], null)).toMatchObject({ start: 'b', fail: [] });
      expect(plan(T + LATE_START_GRACE_MS - 1, [bulletin('b')], null)).toMatchObject({ start: 'b', fail: [] });
    });

    it('waits for its audio until the grace is over, then fails `late`', () => {
      expect(plan(T + 4000, [bulletin('w', false)], null)).toMatchObject({ start: null, fail: [], wakeAt: T + LATE_START_GRACE_MS });
      expect(plan(T + LATE_START_GRACE_MS, [bulletin('w', true)], null).fail).toEqual([{ broadcastId: 'w', error: 'late' }]);
    });

    it('one whose download failed is given up at its end, naming the problem', () => {
      const broken = known(item('x', 0, { durations: [3] }), -3600, false, 'audio checksum mismatch');
      expect(plan(T + 2000, [broken], null)).toMatchObject({ start: null, fail: [], wakeAt: T + 3000 });
      expect(plan(T + 3000, [broken], null).fail).toEqual([{ broadcastId: 'x', error: 'audio checksum mismatch' }]);
    });

    it('does not start if it would run into the next queued broadcast', () => {
      const next = known(item('next', 6));
      expect(plan(T + 4000, [bulletin('b'), next], null)).toMatchObject({ start: null, fail: [{ broadcastId: 'b', error: 'late' }] });
    });

    it('one learned after its startsAt keeps the SPEC\'s window: until its end only', () => {
      const learnedLate = known(item('l', 0, { durations: [3] }), 2);
      expect(plan(T + 2500, [learnedLate], null)).toMatchObject({ start: 'l' });
      expect(plan(T + 4000, [learnedLate], null).fail).toEqual([{ broadcastId: 'l', error: 'late' }]);
    });
  });
});

describe('steps and length', () => {
  it('plays the playlist in order, repeat passes with the gap between them (not after the last)', () => {
    const i = item('r', 0, { durations: [3, 4], repeat: 3, gapSec: 2 });
    expect(steps(i).map((s) => ('gapSec' in s ? `gap ${s.gapSec}` : `${s.segment.id}#${s.pass}`))).toEqual(['r-s0#1', 'r-s1#1', 'gap 2', 'r-s0#2', 'r-s1#2', 'gap 2', 'r-s0#3', 'r-s1#3']);
    expect(lengthMs(i)).toBe((3 * 7 + 2 * 2) * 1000);
  });

  it('no gap step when gapSec is 0', () => {
    expect(steps(item('z', 0, { durations: [3], repeat: 2 })).length).toBe(2);
  });
});
