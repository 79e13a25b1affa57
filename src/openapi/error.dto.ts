import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer (SPEC §6): `{statusCode, error, message}`; a 400 from input validation lists one message per problem. */
export class ErrorDto {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: 'the HTTP reason phrase' })
  error: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'segmentIds: Bản tin BHXH is not approved yet', description: 'what was wrong, naming the field' })
  message: string | string[];
}

/** 409 on an upload of audio that is already a live segment. */
export class DuplicateErrorDto extends ErrorDto {
  @ApiProperty({ format: 'uuid', description: 'the segment that already holds this audio' })
  existingId: string;
}

export class ScheduleClashDto {
  @ApiProperty({ format: 'uuid', description: 'the other schedule' })
  scheduleId: string;

  @ApiProperty({ format: 'date-time', description: 'the first occurrence that overlaps' })
  startsAt: string;
}

/** 409 when a schedule's next 30 days overlap another schedule of the same priority on a shared speaker. */
export class ScheduleConflictErrorDto extends ErrorDto {
  @ApiProperty({ type: ScheduleClashDto })
  conflict: ScheduleClashDto;
}

/** 404 on a receipt batch naming broadcasts not addressed to this speaker: nothing in the batch was recorded. */
export class UnknownBroadcastsErrorDto extends ErrorDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  unknownBroadcastIds: string[];
}

/** 429 from the attempt limit on passwords and one-time codes; the Retry-After header says the same. */
export class TooManyAttemptsErrorDto extends ErrorDto {
  @ApiProperty({ type: 'integer', description: 'seconds until this address and username may try again' })
  retryAfterSec: number;
}

/** 401 at sign-in; `totpRequired` when the password is right and a one-time code is needed (none given, or a wrong one). */
export class CodeRequiredErrorDto extends ErrorDto {
  @ApiPropertyOptional({ enum: [true], description: 'present when the password was right: ask for the authenticator code (or a recovery code) and sign in again with `totp`' })
  totpRequired?: true;
}
