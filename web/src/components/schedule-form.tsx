import { useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import { useAction } from '../hooks';
import { useI18n } from '../i18n';
import { topicLabel } from '../labels';
import { bodyOf, type RecurrenceMode, type ScheduleDraft, weekdayName } from '../schedule-draft';
import { formatDateTime, formatDuration } from '../time';
import type { Schedule, ScheduleClash, Segment, Speaker } from '../types';
import { ErrorText, Field, inputValue } from './ui';
import { DateInput } from './date-input';

export type Conflict = ScheduleClash;

const MODES: RecurrenceMode[] = ['once', 'daily', 'weekly', 'cron'];
const WEEK = [1, 2, 3, 4, 5, 6, 0];

/**
 * Create or edit a schedule of one commune. A 409 from the server is shown inline, naming the
 * clashing schedule and its broadcast time; `onShowConflict` lets the page point at it.
 */
export function ScheduleForm(props: {
  communeId: string;
  schedule: Schedule | null;
  initial: ScheduleDraft;
  segments: Segment[];
  speakers: Speaker[];
  scheduleTitle(id: string): string | undefined;
  onSaved(schedule: Schedule): void;
  onDeleted(): void;
  onCancel(): void;
  onShowConflict(conflict: Conflict): void;
}) {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<ScheduleDraft>(props.initial);
  const [pick, setPick] = useState('');
  const action = useAction();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const update = (changes: Partial<ScheduleDraft>) => setDraft({ ...draft, ...changes });

  const segmentById = new Map(props.segments.map((s) => [s.id, s]));
  const playlistSec = draft.segmentIds.reduce((sum, id) => sum + (segmentById.get(id)?.durationSec ?? 0), 0);
  const totalSec = draft.repeat * playlistSec + (draft.repeat - 1) * draft.gapSec;
  const choosable = props.segments.filter((s) => s.status === 'ready' && s.approved);

  const move = (index: number, by: number) => {
    const ids = [...draft.segmentIds];
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id);
    update({ segmentIds: ids });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    action.setError(null);
    setConflict(null);
    if (!draft.segmentIds.length) return action.setError(new Error(t('schedules.needSegments')));
    if (draft.mode === 'weekly' && !draft.weekdays.length) return action.setError(new Error(t('schedules.needWeekdays')));
    if (!draft.allSpeakers && !draft.speakerIds.length) return action.setError(new Error(t('schedules.needSpeakers')));
    await action.run(
      async () => {
        const body = bodyOf(draft, !!props.schedule);
        const saved = props.schedule
          ? await ok(api.PATCH('/api/v1/schedules/{id}', { params: { path: { id: props.schedule.id } }, body }))
          : await ok(api.POST('/api/v1/schedules', { body: { ...body, communeId: props.communeId } }));
        props.onSaved(saved);
      },
      (err) => {
        // A clash is shown with the broadcast it clashes with, not as an error line.
        const clash = err instanceof ApiError && err.status === 409 ? (err.body.conflict as Conflict | undefined) : undefined;
        if (!clash) return err;
        setConflict(clash);
        return null;
      },
    );
  };

  const remove = async () => {
    if (!props.schedule || !confirm(t('schedules.deleteConfirm', { title: props.schedule.title }))) return;
    const { id } = props.schedule;
    await action.run(async () => {
      await ok(api.DELETE('/api/v1/schedules/{id}', { params: { path: { id } } }));
      props.onDeleted();
    });
  };

  const clashTitle = conflict && (props.scheduleTitle(conflict.scheduleId) ?? conflict.scheduleId?.slice(0, 8) ?? t('schedules.anotherBroadcast'));
  return (
    <form class="schedule-form" onSubmit={submit}>
      <Field label={t('schedules.titleField')}>{(id) => <input id={id} name="title" required maxLength={300} value={draft.title} onInput={(e) => update({ title: inputValue(e) })} />}</Field>

      <fieldset>
        <legend>{t('schedules.playlist')}</legend>
        {draft.segmentIds.length ? (
          <ol class="playlist">
            {draft.segmentIds.map((id, index) => {
              const segment = segmentById.get(id);
              const name = segment?.title ?? id.slice(0, 8);
              return (
                <li key={`${id}-${index}`}>
                  <span class="playlist-title">{name} <small class="muted">{formatDuration(segment?.durationSec)}</small></span>
                  <span class="playlist-actions">
                    <button type="button" class="icon" disabled={index === 0} onClick={() => move(index, -1)} aria-label={t('schedules.moveUp', { title: name })}>↑</button>
                    <button type="button" class="icon" disabled={index === draft.segmentIds.length - 1} onClick={() => move(index, 1)} aria-label={t('schedules.moveDown', { title: name })}>↓</button>
                    <button type="button" class="icon" onClick={() => update({ segmentIds: draft.segmentIds.filter((_, i) => i !== index) })} aria-label={t('schedules.removeFromPlaylist', { title: name })}>✕</button>
                  </span>
                </li>
              );
            })}
          </ol>
        ) : (
          <p class="muted">{t('schedules.playlistEmpty')}</p>
        )}
        <div class="inline-add">
          <Field label={t('schedules.addSegment')}>{(id) => (
            <select id={id} value={pick} onChange={(e) => setPick(inputValue(e))}>
              <option value="">{choosable.length ? t('schedules.chooseSegment') : t('schedules.noApprovedSegments')}</option>
              {choosable.map((s) => <option key={s.id} value={s.id}>{s.title} ({topicLabel(s.topic, lang)}, {s.language}, {formatDuration(s.durationSec)})</option>)}
            </select>
          )}</Field>
          <button type="button" class="secondary" disabled={!pick} onClick={() => (update({ segmentIds: [...draft.segmentIds, pick] }), setPick(''))}>{t('schedules.add')}</button>
        </div>
        <p class="muted">{t('schedules.totalLength', { playlist: formatDuration(playlistSec), total: formatDuration(totalSec) })}</p>
      </fieldset>

      <fieldset>
        <legend>{t('schedules.when')}</legend>
        <div class="segmented" role="radiogroup" aria-label={t('schedules.recurrence')}>
          {MODES.map((mode) => (
            <label key={mode} class={draft.mode === mode ? 'checked' : ''}>
              <input type="radio" name="mode" value={mode} checked={draft.mode === mode} onChange={() => update({ mode })} />
              {t(`schedules.mode.${mode}`)}
            </label>
          ))}
        </div>
        <div class="grid">
          {draft.mode === 'once' && <Field label={t('schedules.at')}>{(id) => <DateInput id={id} name="at" kind="datetime" required value={draft.at} onChange={(at) => update({ at })} />}</Field>}
          {(draft.mode === 'daily' || draft.mode === 'weekly') && <Field label={t('schedules.time')}>{(id) => <DateInput id={id} name="time" kind="time" required value={draft.time} onChange={(time) => update({ time })} />}</Field>}
          {draft.mode === 'cron' && (
            <Field label={t('schedules.cron')} hint={t('schedules.cronHint')}>{(id, hint) => <input id={id} name="cron" required value={draft.cron} onInput={(e) => update({ cron: inputValue(e) })} aria-describedby={hint} class="mono" />}</Field>
          )}
          <Field label={t('schedules.timezone')}>{(id) => <input id={id} name="timezone" required value={draft.timezone} onInput={(e) => update({ timezone: inputValue(e) })} />}</Field>
        </div>
        {draft.mode === 'weekly' && (
          <fieldset class="weekdays">
            <legend>{t('schedules.weekdays')}</legend>
            {WEEK.map((day) => (
              <label key={day} class="check">
                <input type="checkbox" checked={draft.weekdays.includes(day)} onChange={(e) => update({ weekdays: e.currentTarget.checked ? [...draft.weekdays, day] : draft.weekdays.filter((d) => d !== day) })} />
                {weekdayName(day, lang)}
              </label>
            ))}
          </fieldset>
        )}
        {draft.mode !== 'once' && (
          <div class="grid">
            <Field label={t('schedules.startDate')} hint={t('common.optional')}>{(id, hint) => <DateInput id={id} kind="date" value={draft.startDate} onChange={(startDate) => update({ startDate })} describedBy={hint} />}</Field>
            <Field label={t('schedules.endDate')} hint={t('common.optional')}>{(id, hint) => <DateInput id={id} kind="date" value={draft.endDate} onChange={(endDate) => update({ endDate })} describedBy={hint} />}</Field>
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('schedules.howPlayed')}</legend>
        <div class="grid">
          <Field label={t('schedules.priority')}>{(id) => (
            <select id={id} name="priority" value={draft.priority} onChange={(e) => update({ priority: inputValue(e) as ScheduleDraft['priority'] })}>
              <option value="normal">{t('priority.normal')}</option>
              <option value="priority">{t('priority.priority')}</option>
            </select>
          )}</Field>
          <Field label={t('schedules.repeat')} hint="1–10">{(id, hint) => <input id={id} name="repeat" type="number" min={1} max={10} required value={draft.repeat} onInput={(e) => update({ repeat: Number(inputValue(e)) })} aria-describedby={hint} />}</Field>
          <Field label={t('schedules.gapSec')} hint="0–7200">{(id, hint) => <input id={id} name="gapSec" type="number" min={0} max={7200} required value={draft.gapSec} onInput={(e) => update({ gapSec: Number(inputValue(e)) })} aria-describedby={hint} />}</Field>
        </div>
        <label class="check">
          <input type="checkbox" checked={draft.allSpeakers} onChange={(e) => update({ allSpeakers: e.currentTarget.checked })} />
          {t('schedules.allSpeakers', { count: props.speakers.length })}
        </label>
        {!draft.allSpeakers && (
          <fieldset class="speakers">
            <legend>{t('schedules.speakers')}</legend>
            {props.speakers.map((speaker) => (
              <label key={speaker.id} class="check">
                <input type="checkbox" checked={draft.speakerIds.includes(speaker.id)}
                  onChange={(e) => update({ speakerIds: e.currentTarget.checked ? [...draft.speakerIds, speaker.id] : draft.speakerIds.filter((id) => id !== speaker.id) })} />
                {speaker.name}
              </label>
            ))}
          </fieldset>
        )}
      </fieldset>

      {conflict && (
        <div class="alert alert-error conflict" role="alert">
          <p>{t('schedules.conflict', { title: clashTitle!, at: formatDateTime(conflict.startsAt, lang) })}</p>
          <button type="button" class="secondary small" onClick={() => props.onShowConflict(conflict)}>{t('schedules.showConflict')}</button>
        </div>
      )}
      <ErrorText error={action.error} />
      <div class="dialog-actions">
        {props.schedule && <button type="button" class="danger" disabled={action.busy} onClick={remove}>{t('common.delete')}</button>}
        <span class="spacer" />
        <button type="button" class="secondary" onClick={props.onCancel}>{t('common.cancel')}</button>
        <button type="submit" disabled={action.busy}>{props.schedule ? t('common.save') : t('schedules.create')}</button>
      </div>
    </form>
  );
}
