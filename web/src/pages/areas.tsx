import { useState } from 'preact/hooks';
import { api, ok } from '../api';
import { ErrorText, Notice } from '../components/ui';
import { useWorkspace } from '../context';
import { useInterval } from '../hooks';
import { useI18n } from '../i18n';
import type { AreaImport } from '../types';

const POLL_MS = 1_000;

/** Admins load the official administrative units (2025) as areas, following the import job's progress. */
export function AreasPage() {
  const { t, lang } = useI18n();
  const n = (value: number) => value.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  const { areas, reloadAreas } = useWorkspace();
  const [job, setJob] = useState<AreaImport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = !!job && (job.state === 'waiting' || job.state === 'active');

  const start = async () => {
    if (!confirm(t('areas.importConfirm'))) return;
    setError(null);
    try {
      setJob(await ok(api.POST('/api/v1/areas/imports', { body: {} })));
    } catch (err) {
      setError(err);
    }
  };
  useInterval(async () => {
    if (!job) return;
    try {
      const next = await ok(api.GET('/api/v1/areas/imports/{id}', { params: { path: { id: job.id } } }));
      setJob(next);
      if (next.state === 'completed') await reloadAreas();
    } catch (err) {
      setError(err);
    }
  }, POLL_MS, running);

  const count = (kind: string) => n(areas.filter((a) => a.kind === kind).length);
  const progress = job?.progress;
  const counts = (c: { added: number; renamed: number; unchanged: number }) => ({ added: n(c.added), renamed: n(c.renamed), unchanged: n(c.unchanged) });
  return (
    <section aria-labelledby="areas-title">
      <div class="page-head">
        <h1 id="areas-title">{t('nav.areas')}</h1>
      </div>
      <div class="card">
        <p class="summary">{t('areas.summary', { provinces: count('province'), districts: count('district'), communes: count('commune') })}</p>
        <h2>{t('areas.importTitle')}</h2>
        <p>{t('areas.importHelp')}</p>
        <ErrorText error={error} />
        <button type="button" onClick={start} disabled={running}>{running ? t('areas.importing') : t('areas.importButton')}</button>
        {progress && job && job.state !== 'completed' && (
          <div class="progress-row">
            <progress id="import-progress" value={progress.communesDone} max={Math.max(progress.communesTotal, 1)} aria-label={t('areas.importing')} />
            <span aria-live="polite">{t('areas.progress', { provincesDone: progress.provincesDone, provincesTotal: progress.provincesTotal, communesDone: n(progress.communesDone), communesTotal: n(progress.communesTotal) })}</span>
          </div>
        )}
        {job?.state === 'failed' && <p class="alert alert-error" role="alert">{t('areas.importFailed', { error: job.error ?? '' })}</p>}
        {job?.result && (
          <Notice kind="success">
            <p>{t('areas.importDone')}</p>
            <ul>
              <li>{t('areas.resultProvinces', counts(job.result.provinces))}</li>
              <li>{t('areas.resultCommunes', counts(job.result.communes))}</li>
            </ul>
            {job.result.skipped.length > 0 && (
              <>
                <p>{t('areas.skipped', { count: job.result.skipped.length })}</p>
                <ul>{job.result.skipped.map((s) => <li key={s.code}><code>{s.code}</code>: {s.reason}</li>)}</ul>
              </>
            )}
          </Notice>
        )}
      </div>
    </section>
  );
}
