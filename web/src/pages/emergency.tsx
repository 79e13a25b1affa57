import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { AreaSelect, Dialog, ErrorText, Field, inputValue, Notice } from '../components/ui';
import { LiveProgress } from '../components/live-progress';
import { useWorkspace } from '../context';
import { getAll, useAction, useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { topicLabel } from '../labels';
import { navigate } from '../router';
import { formatDateTime, formatDuration } from '../time';
import type { Broadcast } from '../types';

/** An emergency broadcast airs at once on every speaker below the area: a second, explicit confirmation is required. */
export function EmergencyPage() {
  const { t, lang } = useI18n();
  const { areas, user, areaName, subtree } = useWorkspace();
  const [areaId, setAreaId] = useState(user.areaId ?? areas[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [segmentIds, setSegmentIds] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const [sent, setSent] = useState<Broadcast | null>(null);
  const segments = useAsync(() => getAll((page) => api.GET('/api/v1/segments', { params: { query: page } })), []);
  const speakers = useAsync(() => getAll((page) => api.GET('/api/v1/speakers', { params: { query: page } })), []);
  const usable = (segments.data ?? []).filter((s) => s.status === 'ready' && s.approved);
  const reach = areaId ? (speakers.data ?? []).filter((s) => subtree(areaId).has(s.communeId)).length : 0;

  const review = (e: Event) => {
    e.preventDefault();
    action.setError(null);
    if (!segmentIds.length) return action.setError(new Error(t('schedules.needSegments')));
    setConfirming(true);
  };
  const send = async () => {
    await action.run(async () => {
      try {
        setSent(await ok(api.POST('/api/v1/broadcasts/emergency', { body: { areaId, segmentIds, title: title.trim() } })));
      } finally {
        setConfirming(false);
      }
      setTitle('');
      setSegmentIds([]);
    });
  };

  return (
    <section aria-labelledby="emergency-title">
      <div class="page-head">
        <h1 id="emergency-title">{t('nav.emergency')}</h1>
      </div>
      <Notice kind="warning">{t('emergency.explain')}</Notice>
      {sent && (
        <Notice kind="success">
          {t(sent.status === 'scheduled' ? 'emergency.waits' : 'emergency.sent', { title: sent.title, at: formatDateTime(sent.startsAt, lang) })}{' '}
          <a href="/broadcasts" onClick={(e) => (e.preventDefault(), navigate('/broadcasts'))}>{t('emergency.seeLog')}</a>
        </Notice>
      )}
      {sent && <LiveProgress broadcast={sent} />}
      <form class="card emergency" onSubmit={review}>
        <div class="grid">
          <AreaSelect label={t('emergency.area')} value={areaId} onChange={setAreaId} areas={areas} required />
          <Field label={t('emergency.titleField')}>{(id) => <input id={id} required maxLength={300} value={title} onInput={(e) => setTitle(inputValue(e))} />}</Field>
        </div>
        <fieldset>
          <legend>{t('emergency.segments')}</legend>
          {!usable.length && <p class="muted">{t('schedules.noApprovedSegments')}</p>}
          {usable.map((segment) => (
            <label class="check" key={segment.id}>
              <input type="checkbox" checked={segmentIds.includes(segment.id)} onChange={(e) => setSegmentIds(e.currentTarget.checked ? [...segmentIds, segment.id] : segmentIds.filter((id) => id !== segment.id))} />
              {segment.title} <small class="muted">({topicLabel(segment.topic, lang)}, {formatDuration(segment.durationSec)})</small>
            </label>
          ))}
        </fieldset>
        <ErrorText error={action.error ?? segments.error} />
        <button type="submit" class="danger big">{t('emergency.button')}</button>
      </form>
      <Dialog open={confirming} title={t('emergency.confirmTitle')} onClose={() => setConfirming(false)} class="danger-dialog">
        <p>{t('emergency.confirmText', { title: title.trim(), area: areaName(areaId), speakers: reach })}</p>
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => setConfirming(false)} autofocus>{t('common.cancel')}</button>
          <button type="button" class="danger" disabled={action.busy} onClick={send}>{t('emergency.confirmButton')}</button>
        </div>
      </Dialog>
    </section>
  );
}
