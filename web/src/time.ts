/**
 * Times on screen are wall-clock times in Vietnam (one zone for the whole country), whatever the
 * browser's own zone; the API speaks UTC. Intl does the zone arithmetic, no date library needed.
 */
export const DISPLAY_TZ = 'Asia/Ho_Chi_Minh';

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let format = partsFormat.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    partsFormat.set(tz, format);
  }
  return format;
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday ... 7 = Sunday */
  weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function zonedParts(date: Date, tz = DISPLAY_TZ): ZonedParts {
  const parts = Object.fromEntries(formatterFor(tz).formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday) + 1,
  };
}

/** Minutes east of UTC that `tz` is at `date`. */
function offsetMinutes(date: Date, tz: string): number {
  const p = zonedParts(date, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** `2025-11-25T08:00` (a datetime-local value) read as wall time in `tz`. */
export function zonedToDate(local: string, tz = DISPLAY_TZ): Date {
  const [datePart, timePart = '00:00'] = local.split('T');
  const [y, m, d] = datePart.split('-').map(Number);
  const [hh, mm] = timePart.split(':').map(Number);
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  const first = naive - offsetMinutes(new Date(naive), tz) * 60_000;
  return new Date(naive - offsetMinutes(new Date(first), tz) * 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD of `date` in `tz`. */
export function dateKey(date: Date, tz = DISPLAY_TZ): string {
  const p = zonedParts(date, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** A datetime-local value (YYYY-MM-DDTHH:mm) for `date` in `tz`. */
export function toLocalInput(date: Date, tz = DISPLAY_TZ): string {
  const p = zonedParts(date, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Calendar arithmetic on YYYY-MM-DD keys. */
export function addDays(key: string, days: number): string {
  const [y, m, d] = key.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The Monday (YYYY-MM-DD, in `tz`) of the week holding `date`. */
export function mondayOf(date: Date, tz = DISPLAY_TZ): string {
  return addDays(dateKey(date, tz), 1 - zonedParts(date, tz).weekday);
}

export const localeOf = (lang: string) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone: DISPLAY_TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone: DISPLAY_TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** `Th 2, 24/11` / `Mon 24/11` for a YYYY-MM-DD key. */
export function formatDayHeading(key: string, lang: string): string {
  const [y, m, d] = key.split('-').map(Number);
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** How long, in words: 7 -> "7 giây" / "7 s"; 150 -> "2 phút 30 giây" / "2 min 30 s"; 3900 -> "1 giờ 5 phút" / "1 h 5 min". */
export function formatSpan(seconds: number, lang: string): string {
  const total = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const units = lang === 'vi' ? ['giờ', 'phút', 'giây'] : ['h', 'min', 's'];
  const parts = h ? [[h, 0], [m, 1]] : m ? [[m, 1], [s, 2]] : [[s, 2]];
  return parts.filter(([value], i) => value || i === 0).map(([value, unit]) => `${value} ${units[unit]}`).join(' ');
}

/** The first day of the calendar's week: today on a phone (its days stack, today first), else the Monday. */
export function weekStartOf(date: Date, phone: boolean): string {
  return phone ? dateKey(date) : mondayOf(date);
}

/** 95.4 -> "1:35"; 3725 -> "1:02:05". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
