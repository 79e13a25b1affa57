import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** Times go out as UTC ISO-8601 with `Z`. */
export const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/** Times come in with an explicit offset (SPEC §6): "2025-07-01T07:00" alone is ambiguous across zones and drifting clocks. */
const WITH_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Validates a date-time input with a UTC offset (Z or ±hh:mm); messages name `field`. */
export const IsInstant = (field: string) =>
  applyDecorators(
    IsISO8601({ strict: true }, { message: `${field} must be an ISO-8601 date-time` }),
    Matches(WITH_OFFSET, { message: `${field} must be a date-time with a UTC offset (Z or ±hh:mm), e.g. 2025-07-01T00:00:00+07:00` }),
  );
