import type { DeliveryReportItem, ReportGroup } from './report.dto.js';

const COLUMNS = ['key', 'label', 'broadcasts', 'targeted', 'played', 'interrupted', 'failed', 'missed', 'pending', 'airtimeSec'] as const;
const SPEAKER_COLUMNS = ['playedRatio', 'lastSeenAt'] as const;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (=, +, -, @ first: area and
 * segment names are typed by users) is prefixed with an apostrophe.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value == null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report as CSV lines (CRLF), starting with a UTF-8 byte order mark so Excel reads Vietnamese
 * names as UTF-8, then a header row.
 */
export function* csvLines(groupBy: ReportGroup, items: DeliveryReportItem[]): Generator<string> {
  const columns: ReadonlyArray<keyof DeliveryReportItem> = groupBy === 'speaker' ? [...COLUMNS, ...SPEAKER_COLUMNS] : COLUMNS;
  yield `\uFEFF${columns.join(',')}\r\n`;
  for (const item of items) yield `${columns.map((column) => csvCell(item[column])).join(',')}\r\n`;
}
