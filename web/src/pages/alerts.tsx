import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { Dialog, ErrorText, Loading, Notice } from '../components/ui';
import { useWorkspace } from '../context';
import { useAction, useAsync, useInterval } from '../hooks';
import { useI18n } from '../i18n';
import { can } from '../roles';
import { formatDateTime } from '../time';
import type { Schemas } from '../../../open-api/typescript-sdk/src/index';

type Alert = Schemas['AlertDto'];
const LIVE = ['receiving', 'on_air', 'scheduled'];

/** "Cảnh báo": the CAP alerts received (SPEC §11), what became of each, and a stop for those still airing. */
export function AlertsPage() {
  const { t, lang } = useI18n();
  const { user } = useWorkspace();
  const alerts = useAsync(async () => ok(api.GET('/api/v1/alerts', { params: { query: { limit: 100 } } })), []);
  const [stopping, setStopping] = useState<Alert | null>(null);
  const action = useAction();
  const [stopped, setStopped] = useState<string | null>(null);
  useInterval(() => void alerts.reload(), 5000);

  const stop = async () => {
    if (!stopping) return;
    const alert = stopping;
    await action.run(async () => {
      try {
        await ok(api.POST('/api/v1/alerts/{id}/stop', { params: { path: { id: alert.id } } }));
      } finally {
        setStopping(null);
      }
      setStopped(alert.headline ?? alert.identifier);
      await alerts.reload();
    });
  };

  const items = alerts.data?.items ?? [];
  return (
    <section aria-labelledby="alerts-title">
      <div class="page-head">
        <h1 id="alerts-title">{t('nav.alerts')}</h1>
      </div>
      <p class="muted">{t('alerts.explain')}</p>
      {stopped && <Notice kind="success">{t('alerts.stopped', { title: stopped })}</Notice>}
      <ErrorText error={action.error ?? alerts.error} />
      <Loading show={alerts.loading && !alerts.data} />
      {alerts.data && !items.length && <p class="muted">{t('alerts.none')}</p>}
      {!!items.length && (
        <div class="table-wrap">
          <table class="alerts">
            <thead>
              <tr>
                <th>{t('alerts.received')}</th>
                <th>{t('alerts.headline')}</th>
                <th>{t('alerts.areas')}</th>
                <th>{t('alerts.kind')}</th>
                <th>{t('alerts.outcome')}</th>
                <th><span class="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((alert) => (
                <tr key={alert.id}>
                  <td>{formatDateTime(alert.receivedAt, lang)}</td>
                  <td>
                    <strong>{alert.headline ?? alert.event ?? alert.identifier}</strong>
                    <br />
                    <small class="muted">{alert.sender} · {alert.identifier}</small>
                  </td>
                  <td>{alert.areas.map((area) => area.name).join(', ')}</td>
                  <td>
                    {alert.msgType} · {alert.status}
                    {alert.urgency && <><br /><small class="muted">{alert.urgency} · {alert.severity}</small></>}
                  </td>
                  <td>
                    <span class={`badge alert-${alert.outcome}`}>{t(`alerts.outcome.${alert.outcome}`)}</span>
                    {alert.reason && <><br /><small class="muted">{alert.reason}</small></>}
                  </td>
                  <td>
                    {can.emergency(user.role) && LIVE.includes(alert.outcome) && (
                      <button type="button" class="danger" onClick={() => setStopping(alert)}>{t('alerts.stop')}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={!!stopping} title={t('alerts.confirmTitle')} onClose={() => setStopping(null)} class="danger-dialog">
        <p>{t('alerts.confirmText', { title: stopping?.headline ?? stopping?.identifier ?? '' })}</p>
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => setStopping(null)} autofocus>{t('common.cancel')}</button>
          <button type="button" class="danger" disabled={action.busy} onClick={stop}>{t('alerts.stopNow')}</button>
        </div>
      </Dialog>
    </section>
  );
}
