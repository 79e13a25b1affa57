import { api, ok } from '../api';
import { useAsync, useInterval } from '../hooks';
import { useI18n } from '../i18n';
import { formatDateTime } from '../time';
import type { Broadcast } from '../types';
import { ErrorText, StatusBadge } from './ui';

const REFRESH_MS = 1500;
const FIGURES = ['told', 'playing', 'played'] as const;

/** A broadcast's progress on its receivers, read again every second and a half: told (pushed), playing, played. */
export function LiveProgress({ broadcast }: { broadcast: Broadcast }) {
  const { t, lang } = useI18n();
  const progress = useAsync(() => ok(api.GET('/api/v1/broadcasts/{id}/progress', { params: { path: { id: broadcast.id } } })), [broadcast.id]);
  const live = !progress.data || ['scheduled', 'on_air'].includes(progress.data.status);
  useInterval(() => void progress.reload(), REFRESH_MS, live);
  const p = progress.data;
  return (
    <section class="card live-progress" aria-labelledby="progress-title" aria-live="polite">
      <h2 id="progress-title">{t('emergency.progressTitle', { title: broadcast.title })}</h2>
      <ErrorText error={progress.error} />
      {p && (
        <>
          <p class="summary">
            <StatusBadge status={p.status} /> {t('emergency.progressTargeted', { count: p.targeted })} · {t('emergency.progressAt', { at: formatDateTime(p.at, lang) })}
          </p>
          <dl class="progress-grid">
            {FIGURES.map((figure) => (
              <div key={figure} data-figure={figure}>
                <dt>{t(`emergency.progress.${figure}`)}</dt>
                <dd>{p[figure]}</dd>
                <progress max={Math.max(p.targeted, 1)} value={p[figure]} aria-hidden="true" />
              </div>
            ))}
          </dl>
          {(p.interrupted > 0 || p.failed > 0 || p.missed > 0) && (
            <p class="muted">
              {t('delivery.interrupted')} {p.interrupted} · {t('delivery.failed')} {p.failed} · {t('delivery.missed')} {p.missed}
            </p>
          )}
        </>
      )}
    </section>
  );
}
