import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a bigint column: one portable type for SQLite and
 * PostgreSQL, exact ordering, and no driver time-zone surprises. PostgreSQL returns bigint as a
 * string, hence the transformer.
 */
const epochMillis: ValueTransformer = {
  to: (value?: Date | null) => (value == null ? value : value.getTime()),
  from: (value?: string | number | null) => (value == null ? null : new Date(Number(value))),
};

export function InstantColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}) {
  return Column({ type: 'bigint', transformer: epochMillis, ...options });
}

const numeric: ValueTransformer = {
  to: (value?: number | null) => value,
  from: (value?: string | number | null) => (value == null ? null : Number(value)),
};

/** A bigint that reads back as a JS number (row counts, seconds). */
export function CountColumn(options: Pick<ColumnOptions, 'default' | 'name'> = { default: 0 }) {
  return Column({ type: 'bigint', transformer: numeric, ...options });
}

/** Floating point readings (durations, loudness); `double precision` exists in both dialects. */
export function RealColumn(options: Pick<ColumnOptions, 'nullable'> = {}) {
  return Column({ type: 'double precision', transformer: numeric, ...options });
}

export function IdColumn(options: Pick<ColumnOptions, 'nullable'> = {}) {
  return Column({ type: 'varchar', length: 36, ...options });
}
