import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api';
import { AreaSelect, Dialog, ErrorText, Field, inputValue, Loading } from '../components/ui';
import { useWorkspace } from '../context';
import { useAction, useAsync, useInterval } from '../hooks';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { formatDateTime } from '../time';
import type { Speaker } from '../types';

const REFRESH_MS = 10_000;
const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

type OnlineFilter = '' | 'true' | 'false';

/**
 * Receivers, a page at a time, filtered on the server (a district has thousands): by commune, by part
 * of the name or location, by online status; in the server's natural name order.
 */
export function ReceiversPage() {
  const { t, lang } = useI18n();
  const { user, communes, areaName } = useWorkspace();
  const manage = can.manageSpeakers(user.role);
  const [communeId, setCommuneId] = useState(communes[0]?.id ?? '');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [online, setOnline] = useState<OnlineFilter>('');
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => (setQ(search.trim()), setOffset(0)), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);
  const filter = { communeId: communeId || undefined, q: q || undefined };
  const speakers = useAsync(async () => {
    const [page, onlineCount] = await Promise.all([
      ok(api.GET('/api/v1/speakers', { params: { query: { ...filter, online: online || undefined, limit: PAGE_SIZE, offset } } })),
      ok(api.GET('/api/v1/speakers', { params: { query: { ...filter, online: 'true', limit: 1 } } })),
    ]);
    return { ...page, online: onlineCount.total };
  }, [communeId, q, online, offset]);
  useInterval(() => void speakers.reload(), REFRESH_MS);
  const [token, setToken] = useState<{ name: string; deviceToken: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refilter = <T,>(set: (value: T) => void) => (value: T) => (set(value), setOffset(0));

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

  const list = speakers.data?.items ?? [];
  const total = speakers.data?.total ?? 0;
  const behind = list.filter((s) => s.behind.length).length;
  return (
    <section aria-labelledby="receivers-title">
      <div class="page-head">
        <h1 id="receivers-title">{t('nav.receivers')}</h1>
      </div>
      <div class="card">
        <form class="filters" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
          <AreaSelect label={t('common.commune')} value={communeId} onChange={refilter(setCommuneId)} areas={communes} allLabel={t('common.allCommunes')} />
          <Field label={t('receivers.search')}>{(id) => <input id={id} type="search" value={search} maxLength={200} onInput={(e) => setSearch(inputValue(e))} />}</Field>
          <Field label={t('common.status')}>{(id) => (
            <select id={id} value={online} onChange={(e) => refilter(setOnline)(inputValue(e) as OnlineFilter)}>
              <option value="">{t('common.all')}</option>
              <option value="true">{t('receivers.online')}</option>
              <option value="false">{t('receivers.offline')}</option>
            </select>
          )}</Field>
        </form>
        {!communes.length && <p class="muted">{t('common.noCommunes')}</p>}
        <ErrorText error={speakers.error ?? error} />
        <Loading show={speakers.loading && !speakers.data} />
        {speakers.data && (
          <p class="summary">
            {online ? t('receivers.matching', { total }) : t('receivers.summary', { total, online: speakers.data.online })}
            {behind > 0 && <> · <strong class="count-behind">{t('receivers.behindCount', { count: behind })}</strong></>}
          </p>
        )}
        {list.length > 0 && (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('receivers.name')}</th>
                {!communeId && <th scope="col">{t('common.commune')}</th>}
                <th scope="col">{t('receivers.location')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('receivers.reported')}</th>
                <th scope="col">{t('receivers.lastSeen')}</th>
                {manage && <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {list.map((speaker) => (
                <tr key={speaker.id} data-speaker-id={speaker.id} class={speaker.behind.length ? 'behind' : undefined}>
                  <td data-label={t('receivers.name')}><strong>{speaker.name}</strong></td>
                  {!communeId && <td data-label={t('common.commune')}>{areaName(speaker.communeId)}</td>}
                  <td data-label={t('receivers.location')}>{speaker.location || '—'}</td>
                  <td data-label={t('common.status')}>
                    <span class={`badge badge-${speaker.connection}`}>{t(`receivers.connection.${speaker.connection}`)}</span>
                    {speaker.behind.filter((reason) => reason !== 'offline').map((reason) => (
                      <span key={reason} class="badge badge-behind" title={t(`receivers.behindWhy.${reason}`)}>{t(`receivers.behind.${reason}`)}</span>
                    ))}
                  </td>
                  <td data-label={t('receivers.reported')}><ReportedStatus speaker={speaker} /></td>
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
        {total > PAGE_SIZE && (
          <nav class="pager button-row" aria-label={t('common.pages')}>
            <button type="button" class="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>‹ {t('common.previous')}</button>
            <span>{t('common.range', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}</span>
            <button type="button" class="secondary small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>{t('common.next')} ›</button>
          </nav>
        )}
      </div>
      {manage && communeId && <RegisterForm communeId={communeId} onRegistered={(name, deviceToken) => (setToken({ name, deviceToken }), speakers.reload())} />}
      <Dialog open={!!token} title={t('receivers.tokenTitle')} onClose={() => setToken(null)}>
        {token && <TokenOnce name={token.name} token={token.deviceToken} onClose={() => setToken(null)} />}
      </Dialog>
    </section>
  );
}

/** What the receiver last said about itself (POST /device/status), or that it has not reported yet. */
function ReportedStatus({ speaker }: { speaker: Speaker }) {
  const { t, lang } = useI18n();
  const status = speaker.status;
  if (!status) return <span class="muted">{t('receivers.noReport')}</span>;
  const offset = Math.round(status.clockOffsetMs);
  return (
    <dl class="reported">
      <dt>{t('receivers.version')}</dt>
      <dd class={speaker.behind.includes('version') ? 'warn' : undefined}>{status.version}</dd>
      <dt>{t('receivers.playing')}</dt>
      <dd>
        {status.playing
          ? <>{status.playing.priority !== 'normal' && <span class={`prio prio-${status.playing.priority}`}>{t(`priority.${status.playing.priority}`)}</span>}{t('receivers.playingSince', { at: formatDateTime(status.playing.startedAt, lang) })}</>
          : t('receivers.idle')}
      </dd>
      <dt>{t('receivers.outbox')}</dt>
      <dd class={speaker.behind.includes('outbox') ? 'warn' : undefined}>{status.outbox}</dd>
      <dt>{t('receivers.clock')}</dt>
      <dd class={speaker.behind.includes('clock') ? 'warn' : undefined}>{offset > 0 ? '+' : ''}{offset} ms</dd>
      {status.lastError && (
        <>
          <dt>{t('receivers.lastError')}</dt>
          <dd class="error-text">{status.lastError}</dd>
        </>
      )}
      <dt>{t('receivers.reportedAt')}</dt>
      <dd>{formatDateTime(status.reportedAt, lang)}</dd>
    </dl>
  );
}

function RegisterForm(props: { communeId: string; onRegistered(name: string, token: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      const speaker = await ok(api.POST('/api/v1/speakers', { body: { name, communeId: props.communeId, ...(location ? { location } : {}) } }));
      setName('');
      setLocation('');
      props.onRegistered(speaker.name, speaker.deviceToken);
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="register-title">
      <h2 id="register-title">{t('receivers.register')}</h2>
      <div class="grid">
        <Field label={t('receivers.name')}>{(id) => <input id={id} required maxLength={200} value={name} onInput={(e) => setName(inputValue(e))} />}</Field>
        <Field label={t('receivers.location')} hint={t('common.optional')}>{(id, hint) => <input id={id} maxLength={500} value={location} onInput={(e) => setLocation(inputValue(e))} aria-describedby={hint} />}</Field>
      </div>
      <ErrorText error={action.error} />
      <button type="submit" disabled={action.busy}>{t('receivers.registerButton')}</button>
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
