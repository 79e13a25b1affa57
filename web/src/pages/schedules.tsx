import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ok } from '../api';
import { ScheduleForm, type Conflict } from '../components/schedule-form';
import { AreaSelect, ErrorText, Loading, Notice } from '../components/ui';
import { WeekCalendar, type CalendarEntry } from '../components/week-calendar';
import { useWorkspace } from '../context';
import { getAll, useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { describeRecurrence, draftOf, emptyDraft, type ScheduleDraft } from '../schedule-draft';
import { shownStatus } from '../broadcast-status';
import { addDays, formatDayHeading, weekStartOf, zonedToDate } from '../time';
import type { Schedule } from '../types';

/** Phone widths stack the calendar's days (styles.css): the week starts today there. */
const onPhone = () => window.matchMedia('(max-width: 760px)').matches;
const slotOf = (scheduleOrBroadcastId: string, startsAt: string) => `${scheduleOrBroadcastId}|${Date.parse(startsAt)}`;

export function SchedulesPage() {
  const { t, lang } = useI18n();
  const { user, communes } = useWorkspace();
  const mayEdit = can.schedule(user.role);
  const [communeId, setCommuneId] = useState(communes[0]?.id ?? '');
  const [start, setStart] = useState(() => weekStartOf(new Date(), onPhone()));
  const [editing, setEditing] = useState<{ schedule: Schedule | null; draft: ScheduleDraft; generation: number } | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const formRef = useRef<HTMLDivElement>(null);
  const from = zonedToDate(`${start}T00:00`).toISOString();
  const to = zonedToDate(`${addDays(start, 7)}T00:00`).toISOString();

  const schedules = useAsync(() => (communeId ? getAll((page) => api.GET('/api/v1/schedules', { params: { query: { ...page, communeId } } })) : Promise.resolve([])), [communeId]);
  const week = useAsync(() => loadWeek(communeId, schedules.data ?? [], from, to), [communeId, schedules.data, from, to]);
  const segments = useAsync(() => getAll((page) => api.GET('/api/v1/segments', { params: { query: page } })), []);
  const speakers = useAsync(() => (communeId ? getAll((page) => api.GET('/api/v1/speakers', { params: { query: { ...page, communeId } } })) : Promise.resolve([])), [communeId]);

  useEffect(() => setEditing(null), [communeId]);
  useEffect(() => {
    if (editing) formRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [editing?.generation]);

  const titleOf = useMemo(() => {
    const titles = new Map((schedules.data ?? []).map((s) => [s.id, s.title]));
    return (id: string) => titles.get(id);
  }, [schedules.data]);

  const open = (schedule: Schedule | null) => {
    setSaved(null);
    setHighlight(null);
    setEditing({ schedule, draft: schedule ? draftOf(schedule) : emptyDraft(), generation: Date.now() });
  };
  const afterSave = async (message: string) => {
    setEditing(null);
    setSaved(message);
    await schedules.reload();
  };
  const showConflict = (conflict: Conflict) => {
    setStart(weekStartOf(new Date(conflict.startsAt), onPhone()));
    setHighlight(slotOf(conflict.scheduleId, conflict.startsAt));
    document.querySelector('.week')?.scrollIntoView({ behavior: 'smooth' });
  };

  return (
    <section aria-labelledby="schedules-title">
      <div class="page-head">
        <h1 id="schedules-title">{t('nav.schedules')}</h1>
        {mayEdit && communeId && <button type="button" onClick={() => open(null)}>{t('schedules.new')}</button>}
      </div>
      <div class="card">
        <div class="filters">
          <AreaSelect label={t('common.commune')} value={communeId} onChange={setCommuneId} areas={communes} />
        </div>
        {!communes.length && <p class="muted">{t('common.noCommunes')}</p>}
      </div>
      {saved && <Notice kind="success">{saved}</Notice>}

      {editing && (
        <div class="card" ref={formRef} aria-labelledby="schedule-form-title">
          <h2 id="schedule-form-title">{editing.schedule ? t('schedules.edit', { title: editing.schedule.title }) : t('schedules.new')}</h2>
          <ScheduleForm key={editing.generation} communeId={communeId} schedule={editing.schedule} initial={editing.draft} segments={segments.data ?? []} speakers={speakers.data ?? []}
            scheduleTitle={titleOf} onCancel={() => setEditing(null)} onShowConflict={showConflict}
            onSaved={(s) => afterSave(t(editing.schedule ? 'schedules.saved' : 'schedules.created', { title: s.title }))}
            onDeleted={() => afterSave(t('schedules.deleted', { title: editing.schedule!.title }))} />
        </div>
      )}

      <div class="card">
        <div class="week-nav">
          <h2>{t('schedules.weekOf', { from: formatDayHeading(start, lang), to: formatDayHeading(addDays(start, 6), lang) })}</h2>
          <div class="button-row">
            <button type="button" class="secondary small" onClick={() => setStart(addDays(start, -7))}>‹ {t('schedules.previousWeek')}</button>
            <button type="button" class="secondary small" onClick={() => setStart(weekStartOf(new Date(), onPhone()))}>{t('schedules.thisWeek')}</button>
            <button type="button" class="secondary small" onClick={() => setStart(addDays(start, 7))}>{t('schedules.nextWeek')} ›</button>
          </div>
        </div>
        <Legend />
        <ErrorText error={schedules.error ?? week.error} />
        <Loading show={week.loading && !week.data} />
        <WeekCalendar start={start} entries={week.data ?? []} highlight={highlight}
          onSelect={mayEdit ? (entry) => { const s = schedules.data?.find((x) => x.id === entry.scheduleId); if (s) open(s); } : undefined} />
      </div>

      <div class="card">
        <h2>{t('schedules.list')}</h2>
        {schedules.data && !schedules.data.length && <p class="muted">{t('schedules.none')}</p>}
        {!!schedules.data?.length && (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('schedules.titleField')}</th>
                <th scope="col">{t('schedules.recurrence')}</th>
                <th scope="col">{t('schedules.priority')}</th>
                <th scope="col">{t('schedules.playlist')}</th>
                {mayEdit && <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {schedules.data.map((schedule) => (
                <tr key={schedule.id} class={highlight?.startsWith(`${schedule.id}|`) ? 'highlight' : ''}>
                  <td data-label={t('schedules.titleField')}><strong>{schedule.title}</strong></td>
                  <td data-label={t('schedules.recurrence')}>{describeRecurrence(schedule, t, lang)}</td>
                  <td data-label={t('schedules.priority')}>{t(`priority.${schedule.priority}`)}</td>
                  <td data-label={t('schedules.playlist')}>{t('schedules.playlistSummary', { count: schedule.segmentIds.length, repeat: schedule.repeat })}</td>
                  {mayEdit && (
                    <td class="actions">
                      <button type="button" class="secondary small" onClick={() => open(schedule)} aria-label={t('schedules.editOf', { title: schedule.title })}>{t('common.edit')}</button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function Legend() {
  const { t } = useI18n();
  const shown = ['planned', 'scheduled', 'on_air', 'awaiting_receipts', 'completed', 'partial', 'missed', 'preempted', 'cancelled'] as const;
  return (
    <ul class="legend" aria-label={t('schedules.legend')}>
      {shown.map((status) => <li key={status} class={`entry-${status}`}>{t(`status.${status}`)}</li>)}
    </ul>
  );
}

/**
 * A week of a commune: its broadcasts (the scheduler materialises them LOA_HORIZON_HOURS ahead)
 * plus the schedules' coming occurrences, shown as planned. An occurrence already past with no
 * broadcast never aired (the schedule did not exist yet, or it was edited since): not shown.
 */
async function loadWeek(communeId: string, schedules: Schedule[], from: string, to: string): Promise<CalendarEntry[]> {
  if (!communeId) return [];
  const [broadcasts, occurrences] = await Promise.all([
    getAll((page) => api.GET('/api/v1/broadcasts', { params: { query: { ...page, communeId, from, to } } })),
    Promise.all(schedules.map(async (schedule) => ({ schedule, items: (await ok(api.GET('/api/v1/schedules/{id}/occurrences', { params: { path: { id: schedule.id }, query: { from, to } } }))).items }))),
  ]);
  const entries: CalendarEntry[] = broadcasts.map((b) => ({
    key: b.id, slot: slotOf(b.scheduleId ?? b.id, b.startsAt), title: b.title, startsAt: b.startsAt, endsAt: b.endsAt, status: shownStatus(b), priority: b.priority, scheduleId: b.scheduleId,
  }));
  // An occurrence whose broadcast was cancelled by an edit airs again once re-materialised: planned till then.
  const materialised = new Set(entries.filter((entry) => entry.status !== 'cancelled').map((entry) => entry.slot));
  const now = Date.now();
  for (const { schedule, items } of occurrences) {
    for (const occurrence of items) {
      const slot = slotOf(schedule.id, occurrence.startsAt);
      if (!materialised.has(slot) && Date.parse(occurrence.startsAt) > now) entries.push({ key: `planned:${slot}`, slot, title: schedule.title, startsAt: occurrence.startsAt, endsAt: occurrence.endsAt, status: 'planned', priority: schedule.priority, scheduleId: schedule.id });
    }
  }
  return entries;
}
