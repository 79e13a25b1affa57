import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { iso, IsInstant } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { PRIORITIES, ScheduleEntity, type Priority } from './schedule.entity.js';
import { DEFAULT_TIMEZONE } from './timing.js';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateScheduleDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'communeId must be a UUID' })
  communeId: string;

  @ApiProperty({ example: 'Bản tin BHXH buổi sáng', minLength: 1, maxLength: 300 }) @IsString() @Length(1, 300)
  title: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 50, description: 'ordered playlist of ready, approved segments' })
  @IsArray() @ArrayMinSize(1, { message: 'segmentIds must list at least one segment' }) @ArrayMaxSize(50) @IsUUID('all', { each: true, message: 'segmentIds must be UUIDs' })
  segmentIds: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', nullable: true, minItems: 1, maxItems: 1000, description: 'a subset of the commune speakers; omitted or null: all of them, including ones added later' })
  @IsOptional() @IsArray() @ArrayMinSize(1, { message: 'speakerIds must list at least one speaker (or be null for all)' }) @ArrayMaxSize(1000) @IsUUID('all', { each: true, message: 'speakerIds must be UUIDs' })
  speakerIds?: string[] | null;

  @ApiPropertyOptional({ type: String, example: '0 7 * * 1-5', nullable: true, maxLength: 120, description: '5-field cron expression, in `timezone` (exactly one of cron and at)' })
  @IsOptional() @IsString() @MaxLength(120)
  cron?: string | null;

  @ApiPropertyOptional({ default: DEFAULT_TIMEZONE, maxLength: 64, description: 'IANA time zone of the cron expression and dates' })
  @IsOptional() @IsString() @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2025-12-01', nullable: true, description: 'first local date (inclusive), cron only' })
  @IsOptional() @Matches(LOCAL_DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2025-12-31', nullable: true, description: 'last local date (inclusive), cron only' })
  @IsOptional() @Matches(LOCAL_DATE, { message: 'endDate must be a date YYYY-MM-DD' })
  endDate?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2025-12-01T07:00:00+07:00', nullable: true, description: 'a one-off broadcast (exactly one of cron and at)' })
  @IsOptional() @IsInstant('at')
  at?: string | null;

  @ApiPropertyOptional({ enum: PRIORITIES, enumName: 'Priority', default: 'normal' }) @IsOptional() @IsIn(PRIORITIES, { message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority?: Priority;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 10 }) @IsOptional() @IsInt() @Min(1) @Max(10)
  repeat?: number;

  @ApiPropertyOptional({ type: 'integer', default: 30, minimum: 0, maximum: 7200, description: 'silence between passes of the playlist' }) @IsOptional() @IsInt() @Min(0) @Max(7200)
  gapSec?: number;
}

/** Any field but the commune; null clears cron, at, speakerIds (back to all), startDate, endDate. */
export class UpdateScheduleDto extends PartialType(OmitType(CreateScheduleDto, ['communeId'] as const)) {}

export class ListSchedulesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'communeId must be a UUID' })
  communeId?: string;
}

export class OccurrencesQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'default: now' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default: from + 7 days; at most 366 days after from' }) @IsOptional() @IsInstant('to')
  to?: string;
}

export class ScheduleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  communeId: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ type: [String], format: 'uuid', description: 'the playlist, in order' })
  segmentIds: string[];
  @ApiProperty({ type: [String], format: 'uuid', nullable: true, description: 'null: every speaker of the commune, including ones added later' })
  speakerIds: string[] | null;
  @ApiProperty({ type: String, nullable: true, example: '30 6,17 * * 1-5' })
  cron: string | null;
  @ApiProperty({ example: DEFAULT_TIMEZONE })
  timezone: string;
  @ApiProperty({ type: String, format: 'date', nullable: true })
  startDate: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true })
  endDate: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  at: string | null;
  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' })
  priority: Priority;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10 })
  repeat: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 7200 })
  gapSec: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  createdAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'set once deleted (deleted schedules stay readable)' })
  deletedAt: string | null;

  static of(s: ScheduleEntity): ScheduleDto {
    return {
      id: s.id, communeId: s.communeId, title: s.title, segmentIds: s.segmentIds, speakerIds: s.speakerIds, cron: s.cron, timezone: s.timezone,
      startDate: s.startDate, endDate: s.endDate, at: iso(s.at), priority: s.priority, repeat: s.repeat, gapSec: s.gapSec,
      createdBy: s.createdBy, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt), deletedAt: iso(s.deletedAt),
    };
  }
}

export class SchedulePageDto extends PageOf(ScheduleDto) {}

export class OccurrenceDto {
  @ApiProperty({ format: 'date-time' })
  startsAt: string;
  @ApiProperty({ format: 'date-time' })
  endsAt: string;
}

export class OccurrencesDto {
  @ApiProperty({ type: [OccurrenceDto] })
  items: OccurrenceDto[];
}
