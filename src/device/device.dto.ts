import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IsInstant } from '../common/iso.js';
import type { Priority } from '../schedules/schedule.entity.js';

/** More receipts than this in one request answer 413: the receiver should split its backlog. */
export const MAX_RECEIPTS_PER_BATCH = 500;

export const RECEIPT_STATUSES = ['played', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export class ReceiptDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'broadcastId must be a UUID' })
  broadcastId: string;

  @ApiProperty({ enum: RECEIPT_STATUSES }) @IsIn(RECEIPT_STATUSES, { message: `status must be one of ${RECEIPT_STATUSES.join(', ')}` })
  status: ReceiptStatus;

  @ApiProperty({ example: '2025-11-26T06:30:00+07:00' }) @IsInstant('startedAt')
  startedAt: string;

  @ApiPropertyOptional({ example: '2025-11-26T06:42:10+07:00' }) @IsOptional() @IsInstant('finishedAt')
  finishedAt?: string;

  @ApiPropertyOptional({ description: 'why playback failed' }) @IsOptional() @IsString() @MaxLength(1000)
  error?: string;
}

export class ReceiptBatchDto {
  @ApiProperty({ type: [ReceiptDto], minItems: 1, maxItems: MAX_RECEIPTS_PER_BATCH })
  @IsArray()
  @ArrayMinSize(1, { message: 'receipts must hold at least one receipt' })
  @ValidateNested({ each: true })
  @Type(() => ReceiptDto)
  receipts: ReceiptDto[];
}

export interface ReceiptResult {
  accepted: number;
  duplicates: number;
}

export interface DeviceQueueSegment {
  id: string;
  /** Where to download the broadcast rendition (relative to the server origin). */
  url: string;
  /** sha256 of the rendition, for the receiver to check its download (null only if the rendition is gone). */
  sha256: string | null;
  durationSec: number;
}

export interface DeviceQueueItem {
  broadcastId: string;
  startsAt: string;
  endsAt: string;
  priority: Priority;
  repeat: number;
  gapSec: number;
  segments: DeviceQueueSegment[];
}

export interface DeviceQueue {
  /** The server's clock, so a receiver can notice its own drift. */
  now: string;
  items: DeviceQueueItem[];
}
