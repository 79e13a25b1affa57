import fc from 'fast-check';
import { CronExpressionParser } from 'cron-parser';
import { cronStarts } from './cron-calendar.js';

/** The starts as cron-parser walks them from scratch: what the shared calendar must always answer. */
function walked(cron: string, timezone: string, start: number, end: number, limit: number): number[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(start - 1) });
  const starts: number[] = [];
  for (let next = expression.next().getTime(); next < end && starts.length < limit; next = expression.next().getTime()) starts.push(next);
  return starts;
}

const HOUR = 3_600_000;
const base = Date.parse('2025-03-28T00:00:00Z');

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

  it('answers windows longer than it shares too', () => {
    const start = base;
    const end = base + 40 * 24 * HOUR;
    expect(cronStarts('0 6 * * *', 'Asia/Ho_Chi_Minh', start, end, Number.POSITIVE_INFINITY)).toEqual(walked('0 6 * * *', 'Asia/Ho_Chi_Minh', start, end, Number.POSITIVE_INFINITY));
  });
});
