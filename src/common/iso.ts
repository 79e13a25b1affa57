import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches, ValidateBy } from 'class-validator';

/** Times go out as UTC ISO-8601 with `Z`. */
export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/** Times come in with an explicit offset (SPEC §6): "2025-07-01T07:00" alone is ambiguous across zones and drifting clocks. */
const WITH_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The instants the API takes: from 1970 to the end of 9998 (UTC). Past year 9999 a time goes out as
 * `+010000-...`, which is not RFC 3339; the year of margin keeps what is computed from an input
 * (a broadcast's end, a year of occurrences) inside 9999 too.
 */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT = Date.UTC(9999, 0, 1) - 1;
export const INSTANT_RANGE = '1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z';

export const instantInRange = (ms: number): boolean => ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT;

/** Validates a date-time input with a UTC offset (Z or ±hh:mm) between 1970 and 9998; messages name `field`. */
export const IsInstant = (field: string) =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: `${field} must be an ISO-8601 date-time` }),
    Matches(WITH_OFFSET, { message: `${field} must be a date-time with a UTC offset (Z or ±hh:mm), e.g. 2025-07-01T00:00:00+07:00` }),
    ValidateBy({
      name: 'instantInRange',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || Number.isNaN(Date.parse(value)) || instantInRange(Date.parse(value)),
        defaultMessage: () => `${field} must be between ${INSTANT_RANGE}`,
      },
    }),
  );
