import { broadcastLengthSec, cronProblem, dateBounds, firstStart, isLocalDate, isTimezone, lastStart, occurrenceStarts, occurrences, type Timing } from './timing.js';

const cron = (expression: string, timezone = 'Asia/Ho_Chi_Minh', startDate: string | null = null, endDate: string | null = null): Timing => ({
  cron: expression, at: null, timezone, startDate, endDate,
});
const utc = (iso: string) => new Date(iso);
const isoList = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron validation', () => {
  it('accepts 5-field expressions', () => {
    expect(cronProblem('0 7 * * *')).toBeNull();
    expect(cronProblem('30 6,17 * * 1-5')).toBeNull();
    expect(cronProblem('*/15 5-20 * * *')).toBeNull();
  });

  it('refuses other field counts, nicknames and bad values with a reason', () => {
    expect(cronProblem('0 0 7 * * *')).toMatch(/5 fields/);
    expect(cronProblem('0 7 * *')).toMatch(/5 fields/);
    expect(cronProblem('@daily')).toMatch(/5 fields/);
    expect(cronProblem('61 7 * * *')).toMatch(/not a valid cron/);
    expect(cronProblem('0 25 * * *')).toMatch(/not a valid cron/);
    expect(cronProblem('every morning')).toMatch(/5 fields/);
  });

  it('refuses expressions that can never fire', () => {
    expect(cronProblem('0 7 30 2 *')).toMatch(/^cron: "0 7 30 2 \*" never occurs: no month it names has day 30$/);
    expect(cronProblem('0 7 31 4 *')).toMatch(/^cron: "0 7 31 4 \*" never occurs/);
  });

  it('knows IANA zones and calendar dates', () => {
    expect(isTimezone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isTimezone('Europe/Paris')).toBe(true);
    expect(isTimezone('Mars/Olympus')).toBe(false);
    expect(isTimezone('GMT+7')).toBe(false);
    expect(isLocalDate('2025-02-28')).toBe(true);
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-13-01')).toBe(false);
    expect(isLocalDate('2025-1-1')).toBe(false);
    expect(isLocalDate('2025-01-01T00:00:00Z')).toBe(false);
  });
});

describe('occurrences', () => {
  it('fires at local time in the schedule zone (07:00 in Hanoi is 00:00Z)', () => {
    expect(isoList(occurrenceStarts(cron('0 7 * * *'), utc('2025-01-01T00:00:00Z'), utc('2025-01-03T00:00:00Z')))).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-01-02T00:00:00.000Z',
    ]);
  });

  it('uses a half-open window [from, to)', () => {
    const starts = occurrenceStarts(cron('0 7 * * *', 'UTC'), utc('2025-01-01T07:00:00Z'), utc('2025-01-03T07:00:00Z'));
    expect(isoList(starts)).toEqual(['2025-01-01T07:00:00.000Z', '2025-01-02T07:00:00.000Z']);
  });

  it('skips months without a 31st', () => {
    const starts = occurrenceStarts(cron('0 7 31 * *', 'UTC'), utc('2025-01-01T00:00:00Z'), utc('2026-01-01T00:00:00Z'));
    expect(isoList(starts).map((s) => s.slice(0, 10))).toEqual(['2025-01-31', '2025-03-31', '2025-05-31', '2025-07-31', '2025-08-31', '2025-10-31', '2025-12-31']);
  });

  it('fires on 29 February only in leap years', () => {
    const starts = occurrenceStarts(cron('0 7 29 2 *'), utc('2025-01-01T00:00:00Z'), utc('2033-01-01T00:00:00Z'));
    expect(isoList(starts)).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
  });

  it('follows DST in Europe/Paris: 07:00 local is 06:00Z in winter and 05:00Z in summer', () => {
    const starts = occurrenceStarts(cron('0 7 * * *', 'Europe/Paris'), utc('2025-03-29T00:00:00Z'), utc('2025-04-01T00:00:00Z'));
    expect(isoList(starts)).toEqual(['2025-03-29T06:00:00.000Z', '2025-03-30T05:00:00.000Z', '2025-03-31T05:00:00.000Z']);
  });

  it('fires a wall-clock time skipped by spring-forward once, shifted forward', () => {
    const starts = occurrenceStarts(cron('30 2 * * *', 'Europe/Paris'), utc('2025-03-29T00:00:00Z'), utc('2025-04-01T00:00:00Z'));
    // 2025-03-30 02:30 does not exist in Paris: it fires at 03:30 CEST (01:30Z).
    expect(isoList(starts)).toEqual(['2025-03-29T01:30:00.000Z', '2025-03-30T01:30:00.000Z', '2025-03-31T00:30:00.000Z']);
  });

  it('fires a wall-clock time repeated by fall-back once', () => {
    const starts = occurrenceStarts(cron('30 2 * * *', 'Europe/Paris'), utc('2025-10-25T00:00:00Z'), utc('2025-10-28T00:00:00Z'));
    expect(isoList(starts)).toEqual(['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
  });

  it('keeps to the inclusive local start and end dates, in the schedule zone', () => {
    const timing = cron('0 6 * * *', 'Asia/Ho_Chi_Minh', '2025-06-02', '2025-06-04');
    const starts = occurrenceStarts(timing, utc('2025-01-01T00:00:00Z'), utc('2026-01-01T00:00:00Z'));
    expect(isoList(starts)).toEqual(['2025-06-01T23:00:00.000Z', '2025-06-02T23:00:00.000Z', '2025-06-03T23:00:00.000Z']);
    // 23:30 local on the end date still belongs to it (16:30Z).
    const late = occurrenceStarts(cron('30 23 * * *', 'Asia/Ho_Chi_Minh', '2025-06-02', '2025-06-02'), utc('2025-01-01T00:00:00Z'), utc('2026-01-01T00:00:00Z'));
    expect(isoList(late)).toEqual(['2025-06-02T16:30:00.000Z']);
  });

  it('computes local date bounds in the zone', () => {
    expect(dateBounds({ timezone: 'Asia/Ho_Chi_Minh', startDate: '2025-06-02', endDate: '2025-06-02' })).toEqual({
      from: Date.parse('2025-06-01T17:00:00Z'),
      until: Date.parse('2025-06-02T17:00:00Z'),
    });
    expect(dateBounds({ timezone: 'UTC', startDate: null, endDate: null })).toEqual({ from: -Infinity, until: Infinity });
  });

  it('stops at the limit', () => {
    expect(occurrenceStarts(cron('* * * * *', 'UTC'), utc('2025-01-01T00:00:00Z'), utc('2025-02-01T00:00:00Z'), 3)).toHaveLength(3);
    expect(firstStart(cron('0 7 * * 1', 'UTC'), utc('2025-01-01T00:00:00Z'), utc('2025-02-01T00:00:00Z'))?.toISOString()).toBe('2025-01-06T07:00:00.000Z');
  });

  it('finds the last start before the end date runs out, in the zone', () => {
    // 00:00 local on the day after endDate is excluded; 23:00 local on endDate is the last.
    expect(lastStart(cron('0 0,23 * * *', 'Asia/Ho_Chi_Minh', '2025-06-01', '2025-06-03'))?.toISOString()).toBe('2025-06-03T16:00:00.000Z');
    expect(lastStart(cron('0 7 31 * *', 'UTC', '2025-01-01', '2025-06-30'))?.toISOString()).toBe('2025-05-31T07:00:00.000Z');
    expect(lastStart(cron('0 7 * * *', 'UTC', '2025-01-01', null))).toBeNull();
    expect(lastStart(cron('0 7 29 2 *', 'UTC', '2025-01-01', '2027-12-31'))).toBeNull();
  });

  it('gives a one-off schedule its single instant when inside the window', () => {
    const at: Timing = { cron: null, at: utc('2025-05-01T01:00:00Z'), timezone: 'Asia/Ho_Chi_Minh', startDate: null, endDate: null };
    expect(isoList(occurrenceStarts(at, utc('2025-05-01T00:00:00Z'), utc('2025-05-02T00:00:00Z')))).toEqual(['2025-05-01T01:00:00.000Z']);
    expect(occurrenceStarts(at, utc('2025-05-01T01:00:00.001Z'), utc('2025-05-02T00:00:00Z'))).toEqual([]);
  });
});

describe('broadcast length', () => {
  it('is repeat × playlist + (repeat − 1) × gap', () => {
    expect(broadcastLengthSec([60, 90], 1, 30)).toBe(150);
    expect(broadcastLengthSec([60, 90], 3, 30)).toBe(3 * 150 + 2 * 30);
    expect(broadcastLengthSec([120], 10, 7200)).toBe(10 * 120 + 9 * 7200);
    expect(broadcastLengthSec([45.5], 2, 0)).toBe(91);
  });

  it('sets endsAt on every occurrence', () => {
    const [first] = occurrences(cron('0 7 * * *', 'UTC'), broadcastLengthSec([60, 30.25], 2, 15), utc('2025-01-01T00:00:00Z'), utc('2025-01-02T00:00:00Z'));
    expect(first.startsAt.toISOString()).toBe('2025-01-01T07:00:00.000Z');
    expect(first.endsAt.toISOString()).toBe('2025-01-01T07:03:15.500Z');
  });
});
