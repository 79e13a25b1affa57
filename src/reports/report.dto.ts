import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsTimeZone, IsUUID } from 'class-validator';
import { IsInstant } from '../common/iso.js';
import { ROLLUP_ZONE } from './buckets.js';

export const REPORT_GROUPS = ['day', 'commune', 'segment', 'topic', 'speaker'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export const REPORT_FORMATS = ['json', 'csv'] as const;

export class DeliveryReportQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "area whose whole subtree is reported; default: the caller's area (everywhere for an admin without one)" })
  @IsOptional() @IsUUID('all', { message: 'areaId must be a UUID' })
  areaId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'broadcasts starting at or after this instant', example: '2025-01-01T00:00:00+07:00' })
  @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'broadcasts starting before this instant (exclusive)', example: '2025-07-01T00:00:00+07:00' })
  @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: REPORT_GROUPS, enumName: 'ReportGroup', default: 'day' })
  @IsOptional() @IsIn(REPORT_GROUPS, { message: `groupBy must be one of ${REPORT_GROUPS.join(', ')}` })
  groupBy: ReportGroup = 'day';

  @ApiPropertyOptional({ description: 'IANA time zone of the days of groupBy=day', default: ROLLUP_ZONE })
  @IsOptional() @IsTimeZone({ message: 'tz must be an IANA time zone such as Asia/Ho_Chi_Minh' })
  tz: string = ROLLUP_ZONE;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional() @IsIn(REPORT_FORMATS, { message: 'format must be json or csv' })
  format: (typeof REPORT_FORMATS)[number] = 'json';
}

export class DeliveryReportItem {
  @ApiProperty({ description: 'area id (commune), segment id (segment), the topic (topic), speaker id (speaker), or YYYY-MM-DD in tz (day)' })
  key: string;
  @ApiProperty({ description: 'the key in words' })
  label: string;
  @ApiProperty({ type: 'integer', description: 'broadcasts that went on air' })
  broadcasts: number;
  @ApiProperty({ type: 'integer' })
  targeted: number;
  @ApiProperty({ type: 'integer' })
  played: number;
  @ApiProperty({ type: 'integer', description: 'played in part: the broadcast was stopped, or cut off by a higher priority, while playing' })
  interrupted: number;
  @ApiProperty({ type: 'integer' })
  failed: number;
  @ApiProperty({ type: 'integer' })
  missed: number;
  @ApiProperty({ type: 'integer', description: 'deliveries still waiting for a receipt (broadcasts on air or within the receipt grace period)' })
  pending: number;
  @ApiProperty({ description: 'broadcast duration summed over played deliveries' })
  airtimeSec: number;
  @ApiPropertyOptional({ description: 'groupBy=speaker: played / targeted, to spot failing receivers' })
  playedRatio?: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'groupBy=speaker: when the receiver last polled' })
  lastSeenAt?: string | null;
}

export class DeliveryReport {
  @ApiProperty({ type: [DeliveryReportItem] })
  items: DeliveryReportItem[];
}
