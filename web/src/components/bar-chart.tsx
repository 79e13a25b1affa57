import { useI18n } from '../i18n';
import type { ReportRow } from '../types';

const SERIES = [
  { name: 'played', color: 'var(--ok)' },
  { name: 'failed', color: 'var(--bad)' },
  { name: 'missed', color: 'var(--warn)' },
] as const;

/**
 * Horizontal stacked bars (played / failed / missed deliveries) per report row, in plain SVG:
 * labels fit on a phone, and the numbers stay in the table beside it for screen readers.
 */
export function DeliveryChart({ rows, title }: { rows: ReportRow[]; title: string }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...rows.map((r) => r.played + r.failed + r.missed));
  const rowHeight = 26;
  const labelWidth = 34; // percent of the width
  const height = rows.length * rowHeight;
  const number = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" width="100%" height={height} role="img" aria-label={title}>
        {rows.map((row, i) => {
          let x = labelWidth;
          const y = i * rowHeight + 4;
          return (
            <g key={row.key}>
              {SERIES.map((series) => {
                const width = ((100 - labelWidth - 12) * row[series.name]) / max;
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
          const total = row.played + row.failed + row.missed;
          return (
            <li key={row.key} style={{ top: `${i * rowHeight + 4}px`, height: `${rowHeight - 8}px` }}>
              <span class="chart-label" style={{ width: `${labelWidth - 1}%` }} title={row.label}>{row.label}</span>
              <span class="chart-value" style={{ left: `calc(${labelWidth + ((100 - labelWidth - 12) * total) / max}% + 4px)` }}>{number.format(row.played)}</span>
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
