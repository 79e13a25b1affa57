import type { Translate } from './i18n';
import { formatDateTime, localeOf, toLocalInput, zonedToDate } from './time';
import type { Priority, Schedule, ScheduleChanges } from './types';

export type RecurrenceMode = 'once' | 'daily' | 'weekly' | 'cron';

/** The schedule form's state: recurrences are edited as daily/weekly pickers and sent as cron. */
export interface ScheduleDraft {
  title: string;
  segmentIds: string[];
  allSpeakers: boolean;
  speakerIds: string[];
  mode: RecurrenceMode;
  /** datetime-local, in `timezone` */
  at: string;
  /** HH:MM, in `timezone` */
  time: string;
  /** cron day-of-week numbers, 0 = Sunday */
  weekdays: number[];
  cron: string;
  timezone: string;
  startDate: string;
  endDate: string;
  priority: Priority;
  repeat: number;
  gapSec: number;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

export function emptyDraft(): ScheduleDraft {
  const inAnHour = new Date(Date.now() + 3600_000);
  inAnHour.setUTCMinutes(0, 0, 0);
  return {
    title: '', segmentIds: [], allSpeakers: true, speakerIds: [], mode: 'daily', at: toLocalInput(inAnHour, DEFAULT_TIMEZONE), time: '06:30',
    weekdays: [1, 3, 5], cron: '30 6 * * *', timezone: DEFAULT_TIMEZONE, startDate: '', endDate: '', priority: 'normal', repeat: 1, gapSec: 30,
  };
}

const DAILY = /^(\d{1,2}) (\d{1,2}) \* \* \*$/;
const WEEKLY = /^(\d{1,2}) (\d{1,2}) \* \* ([0-7](?:,[0-7])*)$/;
const pad = (n: number | string) => String(n).padStart(2, '0');

export function draftOf(schedule: Schedule): ScheduleDraft {
  const base = emptyDraft();
  const draft: ScheduleDraft = {
    ...base, title: schedule.title, segmentIds: [...schedule.segmentIds], allSpeakers: !schedule.speakerIds, speakerIds: schedule.speakerIds ?? [],
    timezone: schedule.timezone || DEFAULT_TIMEZONE, startDate: schedule.startDate ?? '', endDate: schedule.endDate ?? '',
    priority: schedule.priority, repeat: schedule.repeat, gapSec: schedule.gapSec,
  };
  if (schedule.at) return { ...draft, mode: 'once', at: toLocalInput(new Date(schedule.at), draft.timezone) };
  const cron = schedule.cron ?? '';
  const daily = DAILY.exec(cron);
  if (daily) return { ...draft, mode: 'daily', cron, time: `${pad(daily[2])}:${pad(daily[1])}` };
  const weekly = WEEKLY.exec(cron);
  if (weekly) return { ...draft, mode: 'weekly', cron, time: `${pad(weekly[2])}:${pad(weekly[1])}`, weekdays: [...new Set(weekly[3].split(',').map((d) => Number(d) % 7))].sort((a, b) => a - b) };
  return { ...draft, mode: 'cron', cron };
}

/** The cron expression the daily/weekly pickers stand for. */
export function cronOf(draft: ScheduleDraft): string {
  const [hour, minute] = draft.time.split(':').map(Number);
  if (draft.mode === 'daily') return `${minute} ${hour} * * *`;
  if (draft.mode === 'weekly') return `${minute} ${hour} * * ${[...draft.weekdays].sort((a, b) => a - b).join(',')}`;
  return draft.cron.trim();
}

/** The POST/PATCH body. On edit, null clears what the form left empty (`cron` or `at`, dates, speakers: all). */
/** The schedule a draft describes: the body of PATCH /schedules/:id, or of POST /schedules with its commune. */
export function bodyOf(draft: ScheduleDraft, editing: boolean): ScheduleChanges & { title: string; segmentIds: string[] } {
  const once = draft.mode === 'once';
  const body: ScheduleChanges & { title: string; segmentIds: string[] } = {
    title: draft.title.trim(),
    segmentIds: draft.segmentIds,
    speakerIds: draft.allSpeakers ? undefined : draft.speakerIds,
    timezone: draft.timezone,
    priority: draft.priority,
    repeat: draft.repeat,
    gapSec: draft.gapSec,
  };
  if (once) body.at = zonedToDate(draft.at, draft.timezone).toISOString();
  else {
    body.cron = cronOf(draft);
    if (draft.startDate) body.startDate = draft.startDate;
    if (draft.endDate) body.endDate = draft.endDate;
  }
  if (editing) {
    if (once) Object.assign(body, { cron: null, startDate: null, endDate: null });
    else Object.assign(body, { at: null, startDate: draft.startDate || null, endDate: draft.endDate || null });
    if (draft.allSpeakers) body.speakerIds = null;
  }
  return body;
}

/** Short weekday names, cron numbering (0 = Sunday), in the UI language. */
export function weekdayName(cronDay: number, lang: string): string {
  // 2024-01-07 was a Sunday.
  return new Intl.DateTimeFormat(localeOf(lang), { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + cronDay, 12)));
}

/** "Daily at 06:30", "Mon, Wed at 17:00", "Once, 25/11 08:00", or the cron expression. */
export function describeRecurrence(schedule: Schedule, t: Translate, lang: string): string {
  const draft = draftOf(schedule);
  switch (draft.mode) {
    case 'once':
      return t('schedules.onceAt', { at: formatDateTime(schedule.at, lang) });
    case 'daily':
      return t('schedules.dailyAt', { time: draft.time });
    case 'weekly':
      return t('schedules.weeklyAt', { days: draft.weekdays.map((d) => weekdayName(d, lang)).join(', '), time: draft.time });
    case 'cron':
      return t('schedules.cronExpr', { cron: draft.cron, timezone: draft.timezone });
  }
}
