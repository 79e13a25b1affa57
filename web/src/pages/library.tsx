import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, blob, ok, upload } from '../api';
import { ErrorText, Field, inputValue, Loading, Notice, StatusBadge } from '../components/ui';
import { useWorkspace } from '../context';
import { getAll, useAsync, useInterval } from '../hooks';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { TOPICS, topicLabel } from '../labels';
import { formatDateTime, formatDuration, zonedToDate } from '../time';
import { SEGMENT_STATUSES, type Segment } from '../types';
import { DateInput } from '../components/date-input';

/** The languages of SPEC (Vietnamese and the ethnic-minority languages on air); others can be typed. */
const LANGUAGES = ['vi', 'hmn', 'tay', 'th', 'km'];
const POLL_MS = 2000;

export function LibraryPage() {
  const { t, lang } = useI18n();
  const { user } = useWorkspace();
  const manage = can.manageAudio(user.role);
  const segments = useAsync(() => getAll((page) => api.GET('/api/v1/segments', { params: { query: page } })), []);
  const [filters, setFilters] = useState({ topic: '', language: '', status: '' });
  const [highlight, setHighlight] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [preview, setPreview] = useState<{ segment: Segment; url: string } | null>(null);

  const all = segments.data ?? [];
  const processing = all.some((segment) => segment.status === 'processing');
  useInterval(() => void segments.reload(), POLL_MS, processing);

  const topics = useMemo(() => [...new Set([...Object.keys(TOPICS), ...all.map((s) => s.topic)])].sort((a, b) => topicLabel(a, lang).localeCompare(topicLabel(b, lang), lang)), [all, lang]);
  const languages = useMemo(() => [...new Set([...LANGUAGES, ...all.map((s) => s.language)])], [all]);
  const shown = all.filter((s) => (!filters.topic || s.topic === filters.topic) && (!filters.language || s.language === filters.language) && (!filters.status || s.status === filters.status));

  useEffect(() => () => preview && URL.revokeObjectURL(preview.url), [preview]);

  const act = async (run: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await run();
      await segments.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  const approve = (segment: Segment) => act(() => ok(api.POST('/api/v1/segments/{id}/approve', { params: { path: { id: segment.id } } })));
  const retire = (segment: Segment) => confirm(t('library.retireConfirm', { title: segment.title })) && act(() => ok(api.DELETE('/api/v1/segments/{id}', { params: { path: { id: segment.id } } })));
  const listen = (segment: Segment) =>
    act(async () => setPreview({ segment, url: URL.createObjectURL(await blob(api.GET('/api/v1/segments/{id}/audio', { params: { path: { id: segment.id } }, parseAs: 'blob' }))) }));

  return (
    <section aria-labelledby="library-title">
      <div class="page-head">
        <h1 id="library-title">{t('nav.library')}</h1>
        {!manage && <p class="muted">{t('library.readOnly')}</p>}
      </div>
      {manage && <UploadForm topics={topics} languages={languages} onStart={() => setHighlight(null)} onUploaded={(id) => (setHighlight(id), segments.reload())} onDuplicate={setHighlight} />}

      <div class="card">
        <form class="filters" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
          <Field label={t('library.topic')}>{(id) => (
            <select id={id} value={filters.topic} onChange={(e) => setFilters({ ...filters, topic: inputValue(e) })}>
              <option value="">{t('common.all')}</option>
              {topics.map((topic) => <option key={topic} value={topic}>{topicLabel(topic, lang)}</option>)}
            </select>)}
          </Field>
          <Field label={t('library.language')}>{(id) => (
            <select id={id} value={filters.language} onChange={(e) => setFilters({ ...filters, language: inputValue(e) })}>
              <option value="">{t('common.all')}</option>
              {languages.map((code) => <option key={code} value={code}>{languageName(code, t)}</option>)}
            </select>)}
          </Field>
          <Field label={t('common.status')}>{(id) => (
            <select id={id} value={filters.status} onChange={(e) => setFilters({ ...filters, status: inputValue(e) })}>
              <option value="">{t('common.all')}</option>
              {SEGMENT_STATUSES.map((status) => <option key={status} value={status}>{t(`status.${status}`)}</option>)}
            </select>)}
          </Field>
        </form>

        {preview && (
          <div class="player" aria-label={t('library.preview')}>
            <strong>{t('library.nowPlaying')}: {preview.segment.title}</strong>
            <audio controls autoplay src={preview.url} aria-label={t('library.previewOf', { title: preview.segment.title })} />
            <button type="button" class="secondary small" onClick={() => setPreview(null)}>{t('common.close')}</button>
          </div>
        )}
        <ErrorText error={segments.error ?? actionError} />
        <Loading show={segments.loading && !segments.data} />
        {segments.data && !shown.length && <p class="muted">{t('library.empty')}</p>}
        {shown.length > 0 && (
          <table class="responsive segments">
            <thead>
              <tr>
                <th scope="col">{t('library.title')}</th>
                <th scope="col">{t('library.topic')}</th>
                <th scope="col">{t('library.language')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('library.duration')}</th>
                <th scope="col">{t('library.loudness')}</th>
                <th scope="col">{t('library.validity')}</th>
                <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((segment) => (
                <tr key={segment.id} data-segment-id={segment.id} class={segment.id === highlight ? 'highlight' : ''}>
                  <td data-label={t('library.title')}>
                    <strong>{segment.title}</strong>
                    <br />
                    <small class="muted">{formatDateTime(segment.createdAt, lang)}</small>
                  </td>
                  <td data-label={t('library.topic')} title={segment.topic}>{topicLabel(segment.topic, lang)}</td>
                  <td data-label={t('library.language')}>{languageName(segment.language, t)}</td>
                  <td data-label={t('common.status')}>
                    <StatusBadge status={segment.status} />{' '}
                    {segment.status === 'ready' && (segment.approved ? <span class="badge badge-approved">{t('library.approved')}</span> : <span class="badge badge-pending">{t('library.awaitingApproval')}</span>)}
                    {segment.error && <small class="error-text">{segment.error}</small>}
                  </td>
                  <td data-label={t('library.duration')}>{formatDuration(segment.durationSec)}</td>
                  <td data-label={t('library.loudness')}>{segment.loudnessLufs === null ? '—' : `${segment.loudnessLufs.toFixed(1)} LUFS`}</td>
                  <td data-label={t('library.validity')}>
                    {segment.validFrom || segment.validUntil ? `${formatDateTime(segment.validFrom, lang)} → ${formatDateTime(segment.validUntil, lang)}` : t('library.always')}
                  </td>
                  <td class="actions">
                    {segment.status === 'ready' && <button type="button" class="secondary small" onClick={() => listen(segment)} aria-label={t('library.previewOf', { title: segment.title })}>▶ {t('library.listen')}</button>}
                    {manage && segment.status === 'ready' && !segment.approved && <button type="button" class="small" onClick={() => approve(segment)} aria-label={t('library.approveOf', { title: segment.title })}>{t('library.approve')}</button>}
                    {manage && segment.status !== 'retired' && segment.status !== 'processing' && <button type="button" class="danger small" onClick={() => retire(segment)} aria-label={t('library.retireOf', { title: segment.title })}>{t('library.retire')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

export function languageName(code: string, t: ReturnType<typeof useI18n>['t']): string {
  return LANGUAGES.includes(code) ? t(`language.${code}` as 'language.vi') : code;
}

function UploadForm(props: { topics: string[]; languages: string[]; onStart(): void; onUploaded(id: string): void; onDuplicate(id: string): void }) {
  const { t, lang } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fields, setFields] = useState({ title: '', topic: '', language: 'vi', validFrom: '', validUntil: '' });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (name: keyof typeof fields) => (e: Event) => setFields({ ...fields, [name]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    const form = new FormData();
    // Text fields first: the server streams the file and may read them before it.
    form.append('title', fields.title);
    form.append('topic', fields.topic);
    form.append('language', fields.language);
    if (fields.validFrom) form.append('validFrom', zonedToDate(fields.validFrom).toISOString());
    if (fields.validUntil) form.append('validUntil', zonedToDate(fields.validUntil).toISOString());
    form.append('file', file);
    setError(null);
    setDone(null);
    setProgress(0);
    props.onStart();
    try {
      const segment = await upload<Segment>('/api/v1/segments', form, setProgress).done;
      setDone(segment.title);
      setFields({ ...fields, title: '', validFrom: '', validUntil: '' });
      if (fileRef.current) fileRef.current.value = '';
      props.onUploaded(segment.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && typeof err.body.existingId === 'string') {
        props.onDuplicate(err.body.existingId);
        setError(new Error(t('library.duplicate')));
      } else if (err instanceof ApiError && err.status === 413) setError(new Error(t('library.tooLarge')));
      else if (err instanceof ApiError && err.status === 415) setError(new Error(t('library.notAudio')));
      else setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <form class="card upload" onSubmit={submit} aria-labelledby="upload-title">
      <h2 id="upload-title">{t('library.upload')}</h2>
      <div class="grid">
        <Field label={t('library.file')} class="wide">{(id) => <input id={id} ref={fileRef} name="file" type="file" accept="audio/*,.mp3,.wav,.ogg,.flac,.m4a" required />}</Field>
        <Field label={t('library.title')} class="wide">{(id) => <input id={id} name="title" required maxLength={300} value={fields.title} onInput={set('title')} />}</Field>
        <Field label={t('library.topic')} hint={TOPICS[fields.topic] ? `${fields.topic}: ${topicLabel(fields.topic, lang)}` : t('library.topicHint')}>{(id, hint) => (
          <>
            <input id={id} name="topic" required maxLength={100} list={`${id}-list`} value={fields.topic} onInput={set('topic')} aria-describedby={hint} />
            <datalist id={`${id}-list`}>{props.topics.map((topic) => <option key={topic} value={topic} label={topicLabel(topic, lang)} />)}</datalist>
          </>
        )}</Field>
        <Field label={t('library.language')}>{(id) => (
          <select id={id} name="language" value={fields.language} onChange={set('language')}>
            {props.languages.map((code) => <option key={code} value={code}>{languageName(code, t)}</option>)}
          </select>
        )}</Field>
        <Field label={t('library.validFrom')} hint={t('common.optional')}>{(id, hint) => <DateInput id={id} name="validFrom" kind="datetime" value={fields.validFrom} onChange={(validFrom) => setFields({ ...fields, validFrom })} describedBy={hint} />}</Field>
        <Field label={t('library.validUntil')} hint={t('common.optional')}>{(id, hint) => <DateInput id={id} name="validUntil" kind="datetime" value={fields.validUntil} onChange={(validUntil) => setFields({ ...fields, validUntil })} describedBy={hint} />}</Field>
      </div>
      {progress !== null && (
        <div class="progress-row">
          <progress id="upload-progress" value={progress} max={1} aria-label={t('library.uploading')} />
          <span aria-live="polite">{Math.round(progress * 100)}%</span>
        </div>
      )}
      <ErrorText error={error} />
      {done && <Notice kind="success">{t('library.uploaded', { title: done })}</Notice>}
      <button type="submit" disabled={progress !== null}>{progress !== null ? t('library.uploading') : t('library.uploadButton')}</button>
    </form>
  );
}
