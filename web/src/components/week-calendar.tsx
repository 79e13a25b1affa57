import { useI18n } from '../i18n';
import type { ShownStatus } from '../broadcast-status';
import { addDays, dateKey, formatDayHeading, formatSpan, formatTime } from '../time';
import type { Priority } from '../types';

export interface CalendarEntry {
  /** Unique on the calendar: the broadcast id, or the schedule and time of a planned occurrence. */
  key: string;
  /** Schedule (or emergency broadcast) and start time: what a conflict names. */
  slot: string;
  title: string;
  startsAt: string;
  endsAt: string;
  /** `planned`: a coming occurrence not yet materialised into a broadcast (beyond the scheduler's horizon). */
  status: ShownStatus | 'planned';
  priority: Priority;
  scheduleId: string | null;
}

/**
 * Seven day columns from `start` (a Monday on a wide screen, today on a phone, where the days stack)
 * listing each day's broadcasts in time order, coloured by status. Each shows its start (Vietnam
 * wall-clock time) and how long it lasts: a 7-second broadcast has the same start and end minute.
 */
export function WeekCalendar(props: { start: string; entries: CalendarEntry[]; highlight?: string | null; onSelect?(entry: CalendarEntry): void }) {
  const { t, lang } = useI18n();
  const today = dateKey(new Date());
  const days = Array.from({ length: 7 }, (_, i) => addDays(props.start, i));
  const byDay = new Map(days.map((day) => [day, [] as CalendarEntry[]]));
  for (const entry of props.entries) byDay.get(dateKey(new Date(entry.startsAt)))?.push(entry);
  return (
    <div class="week" role="list" aria-label={t('schedules.calendar')}>
      {days.map((day) => {
        const entries = byDay.get(day)!.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
        return (
          <section class={`day ${day === today ? 'today' : ''}`} role="listitem" aria-label={formatDayHeading(day, lang)} key={day} data-day={day}>
            <h3>
              {formatDayHeading(day, lang)}
              {day === today && <span class="visually-hidden"> ({t('schedules.today')})</span>}
            </h3>
            {!entries.length && <p class="muted empty-day">—</p>}
            <ul>
              {entries.map((entry) => {
                const when = `${formatTime(entry.startsAt, lang)} · ${formatSpan((Date.parse(entry.endsAt) - Date.parse(entry.startsAt)) / 1000, lang)}`;
                const label = `${when} ${entry.title}, ${t(`status.${entry.status}`)}`;
                const body = (
                  <>
                    <span class="entry-time">{when}</span>
                    <span class="entry-title">{entry.priority !== 'normal' && <span class={`prio prio-${entry.priority}`}>{t(`priority.${entry.priority}`)}</span>}{entry.title}</span>
                    <span class="entry-status">{t(`status.${entry.status}`)}</span>
                  </>
                );
                return (
                  <li key={entry.key} class={`entry entry-${entry.status} ${props.highlight && entry.slot === props.highlight ? 'clash' : ''}`} data-status={entry.status}>
                    {props.onSelect && entry.scheduleId ? (
                      <button type="button" onClick={() => props.onSelect!(entry)} aria-label={label}>{body}</button>
                    ) : (
                      <div aria-label={label}>{body}</div>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
