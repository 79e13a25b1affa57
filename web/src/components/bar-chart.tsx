import { useI18n } from '../i18n';
import type { ReportRow } from '../types';

const SERIES = [
  { name: 'played', color: 'var(--ok)' },
  { name: 'failed', color: 'var(--bad)' },
  { name: 'missed', color: 'var(--warn)' },
  { name: 'pending', color: '#9aa3ad' },
] as const;

/**
 * Horizontal stacked bars per report row, in plain SVG: every part of the receivers targeted
 * (played, failed, missed, pending, which add up to it), so a bar is whole only when all of it is
 * accounted for, with the played share written beside it. Labels fit on a phone, and the numbers
 * stay in the table below for screen readers.
 */
export function DeliveryChart({ rows, title }: { rows: ReportRow[]; title: string }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...rows.map((r) => r.targeted));
  const rowHeight = 26;
  const labelWidth = 34; // percent of the width
  const height = rows.length * rowHeight;
  const number = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');
  const percent = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" width="100%" height={height} role="img" aria-label={title}>
        {rows.map((row, i) => {
          let x = labelWidth;
          const y = i * rowHeight + 4;
          return (
            <g key={row.key}>
              {SERIES.map((series) => {
                const width = ((100 - labelWidth - 22) * row[series.name]) / max;
                const rect = <rect key={series.name} x={x} y={y} width={width} height={rowHeight - 8} fill={series.color}><title>{`${row.label}: ${t(`delivery.${series.name}`)} ${number.format(row[series.name])}`}</title></rect>;
                x += width;
                return rect;
              })}
            </g>
          );
        })}
      </svg>
      {/* Text is laid over the stretched SVG in HTML, so it is never distorted. */}
      <ol class="chart-labels" style={{ height: `${height}px` }} aria-hidden="true">
        {rows.map((row, i) => {
          const total = SERIES.reduce((sum, series) => sum + row[series.name], 0);
          const share = row.targeted ? percent.format(row.played / row.targeted) : '—';
          return (
            <li key={row.key} style={{ top: `${i * rowHeight + 4}px`, height: `${rowHeight - 8}px` }}>
              <span class="chart-label" style={{ width: `${labelWidth - 1}%` }} title={row.label}>{row.label}</span>
              <span class="chart-value" style={{ left: `calc(${labelWidth + ((100 - labelWidth - 22) * total) / max}% + 4px)` }}>{number.format(row.played)}/{number.format(row.targeted)} · {share}</span>
            </li>
          );
        })}
      </ol>
      <figcaption class="legend">
        {SERIES.map((series) => <span key={series.name}><i style={{ background: series.color }} />{t(`delivery.${series.name}`)}</span>)}
      </figcaption>
    </figure>
  );
}
