import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, blob, ok } from '../api';
import { ErrorText, Field, inputValue, Notice } from '../components/ui';
import { useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import type { Schemas } from '../../../open-api/typescript-sdk/src/index';

const MAX_CHARS = 5000;

/** "Soạn bản tin": type a bulletin, see it as it will be read, listen to it, save it as a segment (SPEC §10). */
export function ComposePage() {
  const { t } = useI18n();
  const voices = useAsync(async () => (await ok(api.GET('/api/v1/speech/voices'))).items, []);
  const [text, setText] = useState('');
  const [title, setTitle] = useState('');
  const [topic, setTopic] = useState('');
  const [language, setLanguage] = useState('vi');
  const [voice, setVoice] = useState('');
  const [spoken, setSpoken] = useState<string | null>(null);
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState<'read' | 'listen' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<Schemas['SegmentDto'] | null>(null);
  const [existing, setExisting] = useState<string | null>(null);
  const languages = [...new Set((voices.data ?? []).map((v) => v.language))];
  const forLanguage = (voices.data ?? []).filter((v) => v.language.split('-')[0] === language.split('-')[0]);
  const body = { text, language, ...(voice ? { voice } : {}) };

  useEffect(() => () => void (audioUrl && URL.revokeObjectURL(audioUrl)), [audioUrl]);
  // What was read or heard no longer matches once the text or the voice changes.
  useEffect(() => {
    setSpoken(null);
    setAudioUrl(null);
  }, [text, language, voice]);

  const act = async (what: 'read' | 'listen' | 'save', run: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setExisting(null);
    try {
      await run();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && typeof err.body.existingId === 'string') setExisting(err.body.existingId);
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const read = () => act('read', async () => setSpoken((await ok(api.POST('/api/v1/speech/preview', { body }))).spokenText));
  const listen = () =>
    act('listen', async () => {
      const audio = await blob(api.POST('/api/v1/speech/preview/audio', { body, parseAs: 'blob' }));
      setAudioUrl(URL.createObjectURL(audio));
    });
  const save = (e: Event) => {
    e.preventDefault();
    void act('save', async () => {
      setSaved(await ok(api.POST('/api/v1/segments/speech', { body: { ...body, title: title.trim(), topic: topic.trim() } })));
      setText('');
      setTitle('');
    });
  };

  return (
    <section aria-labelledby="compose-title">
      <div class="page-head">
        <h1 id="compose-title">{t('nav.compose')}</h1>
      </div>
      <p class="muted">{t('compose.explain')}</p>
      {saved && (
        <Notice kind="success">
          {t('compose.saved', { title: saved.title })}{' '}
          <a href="/library" onClick={(e) => (e.preventDefault(), navigate('/library'))}>{t('compose.seeLibrary')}</a>
        </Notice>
      )}
      <form class="card compose" onSubmit={save}>
        <div class="grid">
          <Field label={t('compose.titleField')}>{(id) => <input id={id} required maxLength={300} value={title} onInput={(e) => setTitle(inputValue(e))} />}</Field>
          <Field label={t('compose.topic')} hint={t('compose.topicHint')}>
            {(id, hint) => <input id={id} aria-describedby={hint} required maxLength={100} value={topic} onInput={(e) => setTopic(inputValue(e))} placeholder="social-insurance" />}
          </Field>
          <Field label={t('compose.language')}>
            {(id) => (
              <select id={id} value={language} onChange={(e) => (setLanguage(inputValue(e)), setVoice(''))}>
                {(languages.length ? languages : ['vi']).map((l) => <option key={l} value={l}>{l === 'vi' ? t('compose.vietnamese') : l}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('compose.voice')}>
            {(id) => (
              <select id={id} value={voice} onChange={(e) => setVoice(inputValue(e))}>
                <option value="">{t('compose.defaultVoice')}</option>
                {forLanguage.map((v) => <option key={v.id} value={v.id}>{voiceLabel(v, t)}</option>)}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('compose.text')} hint={t('compose.count', { count: text.length, max: MAX_CHARS })}>
          {(id, hint) => <textarea id={id} aria-describedby={hint} required rows={8} maxLength={MAX_CHARS} value={text} onInput={(e) => setText(inputValue(e))} />}
        </Field>
        <div class="actions">
          <button type="button" class="secondary" disabled={!text.trim() || !!busy} onClick={read}>{busy === 'read' ? t('common.loading') : t('compose.read')}</button>
          <button type="button" class="secondary" disabled={!text.trim() || !!busy} onClick={listen}>{busy === 'listen' ? t('compose.making') : t('compose.listen')}</button>
          <button type="submit" disabled={!!busy}>{busy === 'save' ? t('common.loading') : t('compose.save')}</button>
        </div>
        {spoken !== null && (
          <div class="spoken" aria-live="polite">
            <h2>{t('compose.spoken')}</h2>
            <p lang="vi">{spoken}</p>
          </div>
        )}
        {audioUrl && <audio controls autoplay src={audioUrl} aria-label={t('compose.listen')} />}
        {existing && <Notice kind="warning">{t('compose.duplicate')}</Notice>}
        <ErrorText error={error ?? voices.error} />
      </form>
    </section>
  );
}

function voiceLabel(v: Schemas['VoiceDto'], t: ReturnType<typeof useI18n>['t']): string {
  if (v.id === 'vi') return t('compose.voiceNorth');
  if (v.id === 'vi-vn-x-central') return t('compose.voiceCentral');
  if (v.id === 'vi-vn-x-south') return t('compose.voiceSouth');
  return v.name;
}
