import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { ErrorText, Field, inputValue, Loading, Notice } from '../components/ui';
import { getAll, useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { actionLabel, resourceLabel } from '../labels';
import { addDays, dateKey, formatDateTime, zonedToDate } from '../time';
import type { AuditVerification, User } from '../types';
import { DateInput } from '../components/date-input';

const PAGE_SIZE = 100;
const ACTION = /^[a-z_]+\.[a-z_]+$/;

export function AuditPage() {
  const { t, lang } = useI18n();
  const today = dateKey(new Date());
  const [range, setRange] = useState({ from: addDays(today, -6), to: today, action: '' });
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const query = {
    from: zonedToDate(`${range.from}T00:00`).toISOString(),
    to: zonedToDate(`${addDays(range.to, 1)}T00:00`).toISOString(),
    // The server wants a whole <resource>.<verb>; a partial one filters nothing yet.
    action: ACTION.test(range.action) ? range.action : undefined,
  };
  const entries = useAsync(() => ok(api.GET('/api/v1/audit', { params: { query: { ...query, limit } } })), [JSON.stringify(query), limit]);
  // Who did it: usernames when the role may list users, else the id.
  const users = useAsync(() => getAll((page) => api.GET('/api/v1/users', { params: { query: page } })).catch(() => [] as User[]), []);
  const names = new Map((users.data ?? []).map((u) => [u.id, u.username]));

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerification(await ok(api.GET('/api/v1/audit/verify')));
    } catch (error) {
      setVerifyError(error);
    } finally {
      setVerifying(false);
    }
  };

  const items = entries.data?.items ?? [];
  return (
    <section aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">{t('nav.audit')}</h1>
        <button type="button" onClick={verify} disabled={verifying}>{verifying ? t('audit.verifying') : t('audit.verify')}</button>
      </div>
      <ErrorText error={verifyError} />
      {verification && (
        <Notice kind={verification.ok ? 'success' : 'warning'}>
          {verification.ok ? t('audit.verifiedOk', { entries: verification.entries }) : t('audit.verifiedBad', { entries: verification.entries, seq: verification.firstBadSeq ?? '?' })}
        </Notice>
      )}
      <div class="card">
        <form class="filters" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
          <Field label={t('common.from')}>{(id) => <DateInput id={id} kind="date" required value={range.from} onChange={(from) => from && (setRange({ ...range, from }), setLimit(PAGE_SIZE))} />}</Field>
          <Field label={t('common.to')}>{(id) => <DateInput id={id} kind="date" required value={range.to} onChange={(to) => to && (setRange({ ...range, to }), setLimit(PAGE_SIZE))} />}</Field>
          <Field label={t('audit.action')} hint={t('audit.actionHint')}>{(id, hint) => (
            <input id={id} value={range.action} aria-describedby={hint} onInput={(e) => (setRange({ ...range, action: inputValue(e).trim() }), setLimit(PAGE_SIZE))} />
          )}</Field>
        </form>
        <ErrorText error={entries.error} />
        <Loading show={entries.loading && !entries.data} />
        {entries.data && <p class="summary">{t('broadcasts.summary', { shown: items.length, total: entries.data.total })}</p>}
        {items.length > 0 && (
          <table class="responsive audit">
            <thead>
              <tr>
                <th scope="col" class="num">#</th>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.user')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.resource')}</th>
                <th scope="col">{t('audit.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.seq}>
                  <td class="num" data-label="#">{entry.seq}</td>
                  <td data-label={t('audit.at')}>{formatDateTime(entry.at, lang)}</td>
                  <td data-label={t('audit.user')}>{entry.userId ? (names.get(entry.userId) ?? entry.userId.slice(0, 8)) : '—'}</td>
                  <td data-label={t('audit.action')}>{actionLabel(entry.action, lang)} <code class="muted">{entry.action}</code></td>
                  <td data-label={t('audit.resource')}>{resourceLabel(entry.resource, lang)}{entry.resourceId && <small class="muted"> {entry.resourceId.slice(0, 8)}</small>}</td>
                  <td data-label={t('audit.hash')}><code title={entry.hash}>{entry.hash.slice(0, 12)}…</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {entries.data && items.length < entries.data.total && (
          <button type="button" class="secondary" onClick={() => setLimit(Math.min(limit + PAGE_SIZE, 500))} disabled={limit >= 500}>{t('common.more')}</button>
        )}
      </div>
    </section>
  );
}
