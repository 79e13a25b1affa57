import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { AreaSelect, Dialog, ErrorText, Field, inputValue, Loading } from '../components/ui';
import { useWorkspace } from '../context';
import { getAll, useAsync, useInterval } from '../hooks';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { formatDateTime } from '../time';
import type { Speaker } from '../types';

const REFRESH_MS = 30_000;

export function ReceiversPage() {
  const { t, lang } = useI18n();
  const { user, communes } = useWorkspace();
  const manage = can.manageSpeakers(user.role);
  const [communeId, setCommuneId] = useState(communes[0]?.id ?? '');
  const speakers = useAsync(() => (communeId ? getAll((page) => api.GET('/api/v1/speakers', { params: { query: { ...page, communeId } } })) : Promise.resolve([])), [communeId]);
  useInterval(() => void speakers.reload(), REFRESH_MS, !!communeId);
  const [token, setToken] = useState<{ name: string; deviceToken: string } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const rotate = async (speaker: Speaker) => {
    if (!confirm(t('receivers.rotateConfirm', { name: speaker.name }))) return;
    setError(null);
    try {
      const answer = await ok(api.POST('/api/v1/speakers/{id}/token', { params: { path: { id: speaker.id } } }));
      setToken({ name: speaker.name, deviceToken: answer.deviceToken });
    } catch (err) {
      setError(err);
    }
  };

  const list = speakers.data ?? [];
  const online = list.filter((s) => s.online).length;
  return (
    <section aria-labelledby="receivers-title">
      <div class="page-head">
        <h1 id="receivers-title">{t('nav.receivers')}</h1>
      </div>
      <div class="card">
        <div class="filters">
          <AreaSelect label={t('common.commune')} value={communeId} onChange={setCommuneId} areas={communes} />
        </div>
        {!communes.length && <p class="muted">{t('common.noCommunes')}</p>}
        <ErrorText error={speakers.error ?? error} />
        <Loading show={speakers.loading && !speakers.data} />
        {speakers.data && (
          <p class="summary">
            {t('receivers.summary', { total: list.length, online })}
          </p>
        )}
        {list.length > 0 && (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('receivers.name')}</th>
                <th scope="col">{t('receivers.location')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('receivers.lastSeen')}</th>
                {manage && <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {list.map((speaker) => (
                <tr key={speaker.id}>
                  <td data-label={t('receivers.name')}><strong>{speaker.name}</strong></td>
                  <td data-label={t('receivers.location')}>{speaker.location || '—'}</td>
                  <td data-label={t('common.status')}>
                    <span class={`badge ${speaker.online ? 'badge-online' : 'badge-offline'}`}>{speaker.online ? t('receivers.online') : t('receivers.offline')}</span>
                  </td>
                  <td data-label={t('receivers.lastSeen')}>{speaker.lastSeenAt ? formatDateTime(speaker.lastSeenAt, lang) : t('receivers.never')}</td>
                  {manage && (
                    <td class="actions">
                      <button type="button" class="secondary small" onClick={() => rotate(speaker)} aria-label={t('receivers.rotateOf', { name: speaker.name })}>{t('receivers.rotate')}</button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {manage && communeId && <RegisterForm communeId={communeId} onRegistered={(name, deviceToken) => (setToken({ name, deviceToken }), speakers.reload())} />}
      <Dialog open={!!token} title={t('receivers.tokenTitle')} onClose={() => setToken(null)}>
        {token && <TokenOnce name={token.name} token={token.deviceToken} onClose={() => setToken(null)} />}
      </Dialog>
    </section>
  );
}

function RegisterForm(props: { communeId: string; onRegistered(name: string, token: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const speaker = await ok(api.POST('/api/v1/speakers', { body: { name, communeId: props.communeId, ...(location ? { location } : {}) } }));
      setName('');
      setLocation('');
      props.onRegistered(speaker.name, speaker.deviceToken);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="register-title">
      <h2 id="register-title">{t('receivers.register')}</h2>
      <div class="grid">
        <Field label={t('receivers.name')}>{(id) => <input id={id} required maxLength={200} value={name} onInput={(e) => setName(inputValue(e))} />}</Field>
        <Field label={t('receivers.location')} hint={t('common.optional')}>{(id, hint) => <input id={id} maxLength={500} value={location} onInput={(e) => setLocation(inputValue(e))} aria-describedby={hint} />}</Field>
      </div>
      <ErrorText error={error} />
      <button type="submit" disabled={busy}>{t('receivers.registerButton')}</button>
    </form>
  );
}

/** The device token is shown this once (the server keeps only its hash). */
function TokenOnce(props: { name: string; token: string; onClose(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.token);
    } catch {
      // Clipboard API needs a secure context (https or localhost): fall back to selecting the text.
      const field = document.getElementById('device-token') as HTMLInputElement | null;
      field?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return (
    <div class="token-once">
      <p>{t('receivers.tokenOnce', { name: props.name })}</p>
      <label for="device-token">{t('receivers.deviceToken')}</label>
      <div class="copy-row">
        <input id="device-token" readOnly value={props.token} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>{copied ? t('common.copied') : t('common.copy')}</button>
      </div>
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onClose}>{t('common.done')}</button>
      </div>
    </div>
  );
}
