import type { Span } from '../broadcasts/overlap.js';
import { occurrences, type Timing } from './timing.js';
import { firstClash, selfOverlap } from './conflicts.js';

const at = (hour: number, minute = 0, day = 1) => new Date(Date.UTC(2025, 0, day, hour, minute));
const span = (startsAt: Date, minutes: number): Span => ({ startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) });
const daily = (expression: string, lengthSec: number): Span[] => {
  const timing: Timing = { cron: expression, at: null, timezone: 'UTC', startDate: null, endDate: null };
  return occurrences(timing, lengthSec, at(0), at(0, 0, 31));
};

describe('schedule conflicts', () => {
  it('finds no clash between schedules at different times', () => {
    expect(firstClash({ targets: 'all', occurrences: daily('0 7 * * *', 600) }, [{ scheduleId: 'b', targets: 'all', occurrences: daily('0 8 * * *', 600) }])).toBeNull();
  });

  it('reports the first clash: the other schedule and its occurrence start', () => {
    const clash = firstClash({ targets: 'all', occurrences: daily('0 7 * * *', 15 * 60) }, [
      { scheduleId: 'later', targets: 'all', occurrences: [span(at(7, 5, 20), 5)] },
      { scheduleId: 'first', targets: 'all', occurrences: daily('10 7 * * *', 60) },
    ]);
    expect(clash).toEqual({ scheduleId: 'first', startsAt: at(7, 10, 1), candidateStartsAt: at(7, 0, 1) });
  });

  it('ignores overlaps on disjoint speakers; "all" meets any list', () => {
    const mine = { targets: ['s1'] as string[], occurrences: daily('0 7 * * *', 600) };
    expect(firstClash(mine, [{ scheduleId: 'b', targets: ['s2'], occurrences: daily('0 7 * * *', 600) }])).toBeNull();
    expect(firstClash(mine, [{ scheduleId: 'c', targets: 'all', occurrences: daily('5 7 * * *', 600) }])?.scheduleId).toBe('c');
  });

  it('does not count back-to-back broadcasts as a clash', () => {
    expect(firstClash({ targets: 'all', occurrences: daily('0 7 * * *', 600) }, [{ scheduleId: 'b', targets: 'all', occurrences: daily('10 7 * * *', 600) }])).toBeNull();
  });

  it('finds a one-off inside a recurring run', () => {
    const clash = firstClash({ targets: 'all', occurrences: [span(at(7, 3, 15), 2)] }, [{ scheduleId: 'daily', targets: 'all', occurrences: daily('0 7 * * *', 300) }]);
    expect(clash).toEqual({ scheduleId: 'daily', startsAt: at(7, 0, 15), candidateStartsAt: at(7, 3, 15) });
  });

  it('detects a schedule whose broadcast outlasts its own interval', () => {
    expect(selfOverlap(daily('*/10 7 * * *', 11 * 60))?.startsAt).toEqual(at(7, 10, 1));
    expect(selfOverlap(daily('*/10 7 * * *', 10 * 60))).toBeNull();
  });
});
