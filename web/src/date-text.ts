/**
 * Dates and times typed as people write them in Viet Nam (and in the console's English, en-GB):
 * dd/mm/yyyy and a 24-hour hh:mm, whatever the browser's locale (a native date or time input
 * follows the browser, so a Vietnamese console showed mm/dd/yyyy and "06:30 AM"). The values kept
 * are the ones native inputs would give: YYYY-MM-DD, HH:mm, YYYY-MM-DDTHH:mm.
 */
export type DateTextKind = 'date' | 'time' | 'datetime';

export const DATE_TEXT_FORMAT: Record<DateTextKind, string> = { date: 'dd/mm/yyyy', time: 'hh:mm', datetime: 'dd/mm/yyyy hh:mm' };

const DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const TIME = /^(\d{1,2})[:hH.](\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

function parseDate(text: string): string | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [day, month, year] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function parseTime(text: string): string | null {
  const match = TIME.exec(text);
  if (!match) return null;
  const [hour, minute] = match.slice(1).map(Number);
  return hour < 24 && minute < 60 ? `${pad(hour)}:${pad(minute)}` : null;
}

/** The kept value of a typed text, '' for an empty one, null when it is not a valid date or time. */
export function parseDateText(kind: DateTextKind, text: string): string | null {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (!trimmed) return '';
  if (kind === 'date') return parseDate(trimmed);
  if (kind === 'time') return parseTime(trimmed);
  const [datePart, timePart, ...rest] = trimmed.split(' ');
  const date = parseDate(datePart);
  const time = timePart === undefined ? null : parseTime(timePart);
  return date && time && !rest.length ? `${date}T${time}` : null;
}

/** The text shown for a kept value. */
export function formatDateText(kind: DateTextKind, value: string): string {
  if (!value) return '';
  if (kind === 'time') return value.slice(0, 5);
  const [y, m, d] = value.slice(0, 10).split('-');
  const date = `${d}/${m}/${y}`;
  return kind === 'date' ? date : `${date} ${value.slice(11, 16)}`;
}
