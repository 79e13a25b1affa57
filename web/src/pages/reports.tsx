import { useState } from 'preact/hooks';
import { api, blob, ok, saveBlob } from '../api';
import { DeliveryChart } from '../components/bar-chart';
import { AreaSelect, ErrorText, Field, inputValue, Loading } from '../components/ui';
import { useWorkspace } from '../context';
import { useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { topicLabel } from '../labels';
import { addDays, dateKey, DISPLAY_TZ, formatDuration, zonedToDate } from '../time';
import { REPORT_GROUPS, type DeliveryReport, type ReportGroup } from '../types';
import { DateInput } from '../components/date-input';

export function ReportsPage() {
  const { t, lang } = useI18n();
  const { areas, user } = useWorkspace();
  const today = dateKey(new Date());
  const [filters, setFilters] = useState({ areaId: user.areaId ?? '', from: addDays(today, -29), to: today, groupBy: 'day' as ReportGroup });
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const query = {
    areaId: filters.areaId || undefined,
    from: zonedToDate(`${filters.from}T00:00`).toISOString(),
    to: zonedToDate(`${addDays(filters.to, 1)}T00:00`).toISOString(),
    groupBy: filters.groupBy,
    tz: DISPLAY_TZ,
  };
  // format=json (the default) answers the JSON media type of this route; CSV is downloaded below.
  const report = useAsync(async () => (await ok(api.GET('/api/v1/reports/deliveries', { params: { query } }))) as DeliveryReport, [JSON.stringify(query)]);
  // Topics are codes in the API: shown with their labels.
  const rows = (report.data?.items ?? []).map((row) => (filters.groupBy === 'topic' ? { ...row, label: topicLabel(row.key, lang) } : row));
  const totals = rows.reduce((sum, r) => ({ broadcasts: sum.broadcasts + r.broadcasts, targeted: sum.targeted + r.targeted, played: sum.played + r.played, failed: sum.failed + r.failed, missed: sum.missed + r.missed, pending: sum.pending + r.pending, airtimeSec: sum.airtimeSec + r.airtimeSec }),
    { broadcasts: 0, targeted: 0, played: 0, failed: 0, missed: 0, pending: 0, airtimeSec: 0 });
  // Airtime of a clip (or topic) leaves out the silence between passes, which belongs to no clip.
  const airtime = filters.groupBy === 'segment' || filters.groupBy === 'topic' ? t('reports.airtimeClips') : t('reports.airtime');
  const number = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');

  const downloadCsv = async () => {
    setDownloadError(null);
    try {
      saveBlob(await blob(api.GET('/api/v1/reports/deliveries', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' })), `loa-report-${filters.groupBy}-${filters.from}-${filters.to}.csv`);
    } catch (error) {
      setDownloadError(error);
    }
  };

  return (
    <section aria-labelledby="reports-title">
      <div class="page-head">
        <h1 id="reports-title">{t('nav.reports')}</h1>
      </div>
      <div class="card">
        <form class="filters" aria-label={t('common.filters')} onSubmit={(e) => e.preventDefault()}>
          <AreaSelect label={t('reports.area')} value={filters.areaId} onChange={(areaId) => setFilters({ ...filters, areaId })} areas={areas} allLabel={user.areaId ? undefined : t('reports.everywhere')} />
          <Field label={t('common.from')}>{(id) => <DateInput id={id} kind="date" required value={filters.from} onChange={(from) => from && setFilters({ ...filters, from })} />}</Field>
          <Field label={t('common.to')}>{(id) => <DateInput id={id} kind="date" required value={filters.to} onChange={(to) => to && setFilters({ ...filters, to })} />}</Field>
          <Field label={t('reports.groupBy')}>{(id) => (
            <select id={id} value={filters.groupBy} onChange={(e) => setFilters({ ...filters, groupBy: inputValue(e) as ReportGroup })}>
              {REPORT_GROUPS.map((group) => <option key={group} value={group}>{t(`reports.by.${group}`)}</option>)}
            </select>
          )}</Field>
        </form>
        <div class="button-row">
          <button type="button" class="secondary" onClick={downloadCsv}>⤓ {t('reports.csv')}</button>
        </div>
        <ErrorText error={report.error ?? downloadError} />
        <Loading show={report.loading && !report.data} />
        {report.data && !rows.length && <p class="muted">{t('reports.empty')}</p>}
        {rows.length > 0 && (
          <>
            <dl class="totals">
              <div><dt>{t('reports.broadcasts')}</dt><dd>{number.format(totals.broadcasts)}</dd></div>
              <div><dt>{t('delivery.played')}</dt><dd>{number.format(totals.played)} / {number.format(totals.targeted)}</dd></div>
              <div><dt>{t('delivery.pending')}</dt><dd>{number.format(totals.pending)}</dd></div>
              <div><dt>{airtime}</dt><dd>{formatDuration(totals.airtimeSec)}</dd></div>
            </dl>
            <DeliveryChart rows={rows} title={t('reports.chartTitle', { by: t(`reports.by.${filters.groupBy}`) })} />
            <table class="responsive report">
              <thead>
                <tr>
                  <th scope="col">{t(`reports.by.${filters.groupBy}`)}</th>
                  <th scope="col" class="num">{t('reports.broadcasts')}</th>
                  <th scope="col" class="num">{t('reports.targeted')}</th>
                  <th scope="col" class="num">{t('delivery.played')}</th>
                  <th scope="col" class="num">{t('delivery.failed')}</th>
                  <th scope="col" class="num">{t('delivery.missed')}</th>
                  <th scope="col" class="num">{t('delivery.pending')}</th>
                  <th scope="col" class="num">{airtime}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key} data-key={row.key}>
                    <th scope="row" data-label={t(`reports.by.${filters.groupBy}`)}>{row.label}</th>
                    <td class="num" data-label={t('reports.broadcasts')}>{number.format(row.broadcasts)}</td>
                    <td class="num" data-label={t('reports.targeted')}>{number.format(row.targeted)}</td>
                    <td class="num" data-label={t('delivery.played')}>{number.format(row.played)}</td>
                    <td class="num" data-label={t('delivery.failed')}>{number.format(row.failed)}</td>
                    <td class="num" data-label={t('delivery.missed')}>{number.format(row.missed)}</td>
                    <td class="num" data-label={t('delivery.pending')}>{number.format(row.pending)}</td>
                    <td class="num" data-label={airtime}>{formatDuration(row.airtimeSec)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="muted note">{t('reports.countsNote')} {filters.groupBy === 'segment' || filters.groupBy === 'topic' ? t('reports.airtimeClipsNote') : t('reports.airtimeNote')}</p>
          </>
        )}
      </div>
    </section>
  );
}
