import fc from 'fast-check';
import { CronExpressionParser } from 'cron-parser';
import { cronStarts } from './cron-calendar.js';

const HOUR = 3_600_000;
const base = Date.parse('2025-03-28T00:00:00Z');

/**
 * The starts as cron-parser walks them from a day before any window asked: what the shared calendar
 * must always answer. Not a walk from each window's own start: across a spring-forward gap cron-parser
 * yields the shifted start (02:30 in Paris on 2025-03-30 airs at 03:30 CEST) only when it walks
 * through the change, so a walk begun inside the gap would disagree with one begun the day before.
 */
function walked(cron: string, timezone: string, start: number, end: number, limit: number): number[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(base - 24 * HOUR) });
  const starts: number[] = [];
  for (let next = expression.next().getTime(); next < end && starts.length < limit; next = expression.next().getTime()) if (next >= start) starts.push(next);
  return starts;
}

describe('shared cron calendars', () => {
  it('answer every window, limit, zone and expression as a fresh walk does, whichever window was asked first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cron: fc.constantFrom('0 6 * * *', '30 2 * * *', '*/7 * * * *', '0 6,17 * * 1-5', '15 0 1 * *'),
            timezone: fc.constantFrom('Asia/Ho_Chi_Minh', 'Europe/Paris', 'UTC'),
            start: fc.integer({ min: 0, max: 120 * HOUR }),
            length: fc.integer({ min: 0, max: 100 * HOUR }),
            limit: fc.constantFrom(1, 3, Number.POSITIVE_INFINITY),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (asks) => {
          for (const { cron, timezone, start, length, limit } of asks) {
            expect(cronStarts(cron, timezone, base + start, base + start + length, limit)).toEqual(walked(cron, timezone, base + start, base + start + length, limit));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps a start shifted by a spring-forward gap, whichever window asks for it first', () => {
    // The window fast-check found: it begins inside the gap (02:00–03:00 local is 01:00–02:00 UTC).
    const start = Date.parse('2025-03-30T01:00:00.001Z');
    expect(cronStarts('30 2 * * *', 'Europe/Paris', start, start + 30 * 60_000, 1)).toEqual([Date.parse('2025-03-30T01:30:00Z')]);
  });

  it('answers windows longer than it shares too', () => {
    const start = base;
    const end = base + 40 * 24 * HOUR;
    expect(cronStarts('0 6 * * *', 'Asia/Ho_Chi_Minh', start, end, Number.POSITIVE_INFINITY)).toEqual(walked('0 6 * * *', 'Asia/Ho_Chi_Minh', start, end, Number.POSITIVE_INFINITY));
  });
});
