import { formatDateText, parseDateText } from './date-text';

describe('dates and times typed as dd/mm/yyyy and 24-hour hh:mm', () => {
  it('reads days, months and years in that order, with short forms', () => {
    expect(parseDateText('date', '25/12/2026')).toBe('2026-12-25');
    expect(parseDateText('date', '1/7/2025')).toBe('2025-07-01');
    expect(parseDateText('date', ' 01-07-2025 ')).toBe('2025-07-01');
    expect(parseDateText('date', '')).toBe('');
  });

  it('refuses what is not a day of the calendar, and the month-first order', () => {
    expect(parseDateText('date', '31/02/2026')).toBeNull();
    expect(parseDateText('date', '12/31/2026')).toBeNull();
    expect(parseDateText('date', '2026-12-25')).toBeNull();
    expect(parseDateText('date', '25/12/26')).toBeNull();
  });

  it('reads a 24-hour clock, and 6h30 as announcers write it', () => {
    expect(parseDateText('time', '06:30')).toBe('06:30');
    expect(parseDateText('time', '17h30')).toBe('17:30');
    expect(parseDateText('time', '6:05')).toBe('06:05');
    expect(parseDateText('time', '24:00')).toBeNull();
    expect(parseDateText('time', '6:30 PM')).toBeNull();
  });

  it('reads a date and a time together', () => {
    expect(parseDateText('datetime', '25/12/2026 17:30')).toBe('2026-12-25T17:30');
    expect(parseDateText('datetime', '25/12/2026')).toBeNull();
    expect(parseDateText('datetime', '25/12/2026 17:30 x')).toBeNull();
  });

  it('shows kept values back in the same order', () => {
    expect(formatDateText('date', '2026-12-25')).toBe('25/12/2026');
    expect(formatDateText('datetime', '2026-12-25T06:30')).toBe('25/12/2026 06:30');
    expect(formatDateText('time', '06:30')).toBe('06:30');
    expect(formatDateText('date', '')).toBe('');
  });
});
