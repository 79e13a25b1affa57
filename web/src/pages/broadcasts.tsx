import { Fragment, type TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { AreaSelect, Dialog, ErrorText, Field, inputValue, Loading, StatusBadge } from '../components/ui';
import { useWorkspace } from '../context';
import { getAll, useAction, useAsync, useInterval } from '../hooks';
import { shownStatus } from '../broadcast-status';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { addDays, dateKey, formatDateTime, formatTime, zonedToDate } from '../time';
import { BROADCAST_STATUSES, type Broadcast, type BroadcastStatus } from '../types';
import { DateInput } from '../components/date-input';

const PAGE_SIZE = 100;
const NOT_DISPATCHED: BroadcastStatus[] = ['scheduled', 'skipped', 'cancelled', 'preempted'];
const DELIVERY_TALLY = ['played', 'interrupted', 'failed', 'missed', 'pending'] as const;

export function BroadcastsPage() {
  const { t, lang } = useI18n();
  const { communes, areaName, user } = useWorkspace();
  const today = dateKey(new Date());
  const [filters, setFilters] = useState({ communeId: '', from: addDays(today, -7), to: today, status: '' });
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [open, setOpen] = useState<string | null>(null);
  const [stopping, setStopping] = useState<Broadcast | null>(null);
  const stopAction = useAction();
  // The server decides (an operator's own commune, never an emergency): the button is only hidden where it would be refused.
  const mayStop = (b: Broadcast) => b.status === 'on_air' && Date.parse(b.endsAt) > Date.now() && can.schedule(user.role) && !(user.role === 'commune_operator' && b.priority === 'emergency');
  const stop = async () => {
    if (!stopping) return;
    const { id } = stopping;
    await stopAction.run(async () => {
      try {
        await ok(api.POST('/api/v1/broadcasts/{id}/stop', { params: { path: { id } } }));
      } finally {
        setStopping(null);
      }
      await broadcasts.reload();
    });
  };
  const query = {
    communeId: filters.communeId || undefined,
    from: filters.from ? zonedToDate(`${filters.from}T00:00`).toISOString() : undefined,
    to: filters.to ? zonedToDate(`${addDays(filters.to, 1)}T00:00`).toISOString() : undefined,
    status: (filters.status || undefined) as BroadcastStatus | undefined,
  };
  const broadcasts = useAsync(() => ok(api.GET('/api/v1/broadcasts', { params: { query: { ...query, limit } } })), [JSON.stringify(query), limit]);
  const set = (name: keyof typeof filters) => (e: TargetedEvent<HTMLInputElement | HTMLSelectElement>) => (setFilters({ ...filters, [name]: inputValue(e) }), setLimit(PAGE_SIZE));

  // What is on air changes with the clock alone: its audio ends at endsAt.
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 15_000);

  const items = broadcasts.data?.items ?? [];
  return (
    <section aria-labelledby="broadcasts-title">
      <div class="page-head">
        <h1 id="broadcasts-title">{t('nav.broadcasts')}</h1>
      </div>
      <div class="card">
        <form class="filters" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
          <AreaSelect label={t('common.commune')} value={filters.communeId} onChange={(communeId) => setFilters({ ...filters, communeId })} areas={communes} allLabel={t('common.allCommunes')} />
          <Field label={t('common.from')}>{(id) => <DateInput id={id} kind="date" value={filters.from} onChange={(from) => (setFilters({ ...filters, from }), setLimit(PAGE_SIZE))} />}</Field>
          <Field label={t('common.to')}>{(id) => <DateInput id={id} kind="date" value={filters.to} onChange={(to) => (setFilters({ ...filters, to }), setLimit(PAGE_SIZE))} />}</Field>
          <Field label={t('common.status')}>{(id) => (
            <select id={id} value={filters.status} onChange={set('status')}>
              <option value="">{t('common.all')}</option>
              {BROADCAST_STATUSES.map((status) => <option key={status} value={status}>{t(`status.${status}`)}</option>)}
            </select>
          )}</Field>
        </form>
        <ErrorText error={broadcasts.error ?? stopAction.error} />
        <Loading show={broadcasts.loading && !broadcasts.data} />
        {broadcasts.data && <p class="summary">{t('broadcasts.summary', { shown: items.length, total: broadcasts.data.total })}</p>}
        {items.length > 0 && (
          <table class="responsive broadcasts">
            <thead>
              <tr>
                <th scope="col">{t('broadcasts.startsAt')}</th>
                <th scope="col">{t('broadcasts.title')}</th>
                <th scope="col">{t('common.commune')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('broadcasts.played')}</th>
                <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <Fragment key={b.id}>
                  <tr data-broadcast-id={b.id}>
                    <td data-label={t('broadcasts.startsAt')}>{formatDateTime(b.startsAt, lang)}</td>
                    <td data-label={t('broadcasts.title')}>
                      {b.priority !== 'normal' && <span class={`prio prio-${b.priority}`}>{t(`priority.${b.priority}`)}</span>}
                      {b.title}
                      {b.reason && <small class="muted block">{b.reason}</small>}
                    </td>
                    <td data-label={t('common.commune')}>{areaName(b.areaId)}</td>
                    <td data-label={t('common.status')}>
                      <StatusBadge status={shownStatus(b, now)} />
                      {shownStatus(b, now) === 'awaiting_receipts' && <small class="muted block">{t('broadcasts.audioEnded', { time: formatTime(b.endsAt, lang) })}</small>}
                    </td>
                    <td data-label={t('broadcasts.played')}><Counts broadcast={b} /></td>
                    <td class="actions">
                      {mayStop(b) && (
                        <button type="button" class="danger small" onClick={() => (stopAction.setError(null), setStopping(b))}>{t('broadcasts.stop')}</button>
                      )}
                      <button type="button" class="secondary small" aria-expanded={open === b.id} aria-controls={`deliveries-${b.id}`} onClick={() => setOpen(open === b.id ? null : b.id)}>
                        {t('broadcasts.deliveries')}
                      </button>
                    </td>
                  </tr>
                  {open === b.id && (
                    <tr class="detail">
                      <td colSpan={6} id={`deliveries-${b.id}`}><Deliveries broadcast={b} /></td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
        <Dialog open={!!stopping} title={t('broadcasts.stopTitle')} onClose={() => setStopping(null)} class="danger-dialog">
          <p>{t('broadcasts.stopConfirm', { title: stopping?.title ?? '', receivers: stopping?.counts.targeted ?? 0 })}</p>
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={() => setStopping(null)} autofocus>{t('common.cancel')}</button>
            <button type="button" class="danger" disabled={stopAction.busy} onClick={stop}>{t('broadcasts.stopButton')}</button>
          </div>
        </Dialog>
        {broadcasts.data && items.length < broadcasts.data.total && (
          <button type="button" class="secondary" onClick={() => setLimit(Math.min(limit + PAGE_SIZE, 500))} disabled={limit >= 500}>{t('common.more')}</button>
        )}
      </div>
    </section>
  );
}

function Counts({ broadcast }: { broadcast: Broadcast }) {
  const { t } = useI18n();
  const c = broadcast.counts;
  // Deliveries exist once a broadcast goes on air.
  if (!c.targeted && NOT_DISPATCHED.includes(broadcast.status)) return <>—</>;
  return (
    <span class="counts">
      <strong>{c.played}</strong>/{c.targeted}
      {c.interrupted > 0 && <span class="count-interrupted"> · {t('delivery.interrupted')} {c.interrupted}</span>}
      {c.failed > 0 && <span class="count-failed"> · {t('delivery.failed')} {c.failed}</span>}
      {c.missed > 0 && <span class="count-missed"> · {t('delivery.missed')} {c.missed}</span>}
      {c.pending > 0 && <span class="count-pending"> · {t('delivery.pending')} {c.pending}</span>}
    </span>
  );
}

function Deliveries({ broadcast }: { broadcast: Broadcast }) {
  const { t, lang } = useI18n();
  const deliveries = useAsync(() => getAll((page) => api.GET('/api/v1/broadcasts/{id}/deliveries', { params: { path: { id: broadcast.id }, query: page } })), [broadcast.id]);
  const list = deliveries.data ?? [];
  // Receiver names, from the communes the deliveries aired in (an emergency may span several).
  const communeIds = [...new Set(list.map((d) => d.communeId))].sort().join(',');
  const speakers = useAsync(async () => (await Promise.all(communeIds.split(',').filter(Boolean).map((communeId) => getAll((page) => api.GET('/api/v1/speakers', { params: { query: { ...page, communeId } } }))))).flat(), [communeIds]);
  const names = new Map((speakers.data ?? []).map((s) => [s.id, s.name]));
  const tally = list.reduce<Record<string, number>>((acc, d) => ((acc[d.status] = (acc[d.status] ?? 0) + 1), acc), {});
  return (
    <div class="deliveries">
      <ErrorText error={deliveries.error} />
      <Loading show={deliveries.loading && !deliveries.data} />
      {deliveries.data && !list.length && <p class="muted">{t('broadcasts.noDeliveries')}</p>}
      {list.length > 0 && (
        <>
          <p class="summary">
            {DELIVERY_TALLY.map((status) => (
              <span key={status} class={`badge badge-${status}`}>{t(`delivery.${status}`)}: {tally[status] ?? 0}</span>
            ))}
          </p>
          <table class="responsive compact">
            <thead>
              <tr>
                <th scope="col">{t('broadcasts.speaker')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('broadcasts.startedAt')}</th>
                <th scope="col">{t('broadcasts.finishedAt')}</th>
                <th scope="col">{t('broadcasts.error')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.speakerId}>
                  <td data-label={t('broadcasts.speaker')}>{names.get(d.speakerId) ?? d.speakerId.slice(0, 8)}</td>
                  <td data-label={t('common.status')}><span class={`badge badge-${d.status}`}>{t(`delivery.${d.status}`)}</span></td>
                  <td data-label={t('broadcasts.startedAt')}>{formatDateTime(d.startedAt, lang)}</td>
                  <td data-label={t('broadcasts.finishedAt')}>{formatDateTime(d.finishedAt, lang)}</td>
                  <td data-label={t('broadcasts.error')}>{d.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
