import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsTimeZone, IsUUID } from 'class-validator';
import { IsInstant } from '../common/iso.js';
import { ROLLUP_ZONE } from './buckets.js';

export const REPORT_GROUPS = ['day', 'commune', 'segment', 'topic', 'speaker'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export const REPORT_FORMATS = ['json', 'csv'] as const;

export class DeliveryReportQuery {
  @ApiPropertyOptional({ description: "area whose whole subtree is reported; default: the caller's area (everywhere for an admin without one)" })
  @IsOptional() @IsUUID('all', { message: 'areaId must be a UUID' })
  areaId?: string;

  @ApiPropertyOptional({ description: 'broadcasts starting at or after this instant', example: '2025-01-01T00:00:00+07:00' })
  @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ description: 'broadcasts starting before this instant (exclusive)', example: '2025-07-01T00:00:00+07:00' })
  @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: REPORT_GROUPS, default: 'day' })
  @IsOptional() @IsIn(REPORT_GROUPS, { message: `groupBy must be one of ${REPORT_GROUPS.join(', ')}` })
  groupBy: ReportGroup = 'day';

  @ApiPropertyOptional({ description: 'IANA time zone of the days of groupBy=day', default: ROLLUP_ZONE })
  @IsOptional() @IsTimeZone({ message: 'tz must be an IANA time zone such as Asia/Ho_Chi_Minh' })
  tz: string = ROLLUP_ZONE;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional() @IsIn(REPORT_FORMATS, { message: 'format must be json or csv' })
  format: (typeof REPORT_FORMATS)[number] = 'json';
}

export interface DeliveryReportItem {
  key: string;
  label: string;
  broadcasts: number;
  targeted: number;
  played: number;
  /** Played in part: the broadcast was stopped, or cut off by a higher priority, while playing. */
  interrupted: number;
  failed: number;
  missed: number;
  /** Deliveries still waiting for a receipt (broadcasts on air or within the receipt grace period). */
  pending: number;
  airtimeSec: number;
  /** groupBy=speaker: played / targeted, to spot failing receivers. */
  playedRatio?: number;
  /** groupBy=speaker: when the receiver last polled. */
  lastSeenAt?: string | null;
}

export interface DeliveryReport {
  items: DeliveryReportItem[];
}
