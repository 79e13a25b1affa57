import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { iso, IsInstant } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import type { Priority } from '../schedules/schedule.entity.js';
import { BROADCAST_STATUSES, BroadcastEntity, type BroadcastStatus } from './broadcast.entity.js';
import type { DeliveryCounts } from './broadcasts.repository.js';
import type { DeliveryEntity, DeliveryStatus } from './delivery.entity.js';

export class ListBroadcastsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "a commune (or wider area): its broadcasts and the emergencies covering it" })
  @IsOptional() @IsUUID('all', { message: 'communeId must be a UUID' })
  communeId?: string;

  @ApiPropertyOptional({ description: 'broadcasts starting at or after' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ description: 'broadcasts starting before' }) @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: BROADCAST_STATUSES }) @IsOptional() @IsIn(BROADCAST_STATUSES, { message: `status must be one of ${BROADCAST_STATUSES.join(', ')}` })
  status?: BroadcastStatus;
}

export class EmergencyBroadcastDto {
  @ApiProperty({ format: 'uuid', description: 'every speaker in this area and below it' }) @IsUUID('all', { message: 'areaId must be a UUID' })
  areaId: string;

  @ApiProperty({ type: [String] })
  @IsArray() @ArrayMinSize(1, { message: 'segmentIds must list at least one segment' }) @ArrayMaxSize(50) @IsUUID('all', { each: true, message: 'segmentIds must be UUIDs' })
  segmentIds: string[];

  @ApiProperty({ example: 'Cảnh báo lũ quét' }) @IsString() @Length(1, 300)
  title: string;
}

export class BroadcastDto {
  id: string;
  scheduleId: string | null;
  areaId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  priority: Priority;
  repeat: number;
  gapSec: number;
  segmentIds: string[];
  speakerIds: string[] | null;
  status: BroadcastStatus;
  reason: string | null;
  onAirAt: string | null;
  finalisedAt: string | null;
  createdAt: string | null;
  counts: DeliveryCounts;

  static of(b: BroadcastEntity, counts: DeliveryCounts): BroadcastDto {
    return {
      id: b.id, scheduleId: b.scheduleId, areaId: b.areaId, title: b.title, startsAt: iso(b.startsAt)!, endsAt: iso(b.endsAt)!, priority: b.priority,
      repeat: b.repeat, gapSec: b.gapSec, segmentIds: b.segmentIds, speakerIds: b.speakerIds, status: b.status, reason: b.reason,
      onAirAt: iso(b.onAirAt), finalisedAt: iso(b.finalisedAt), createdAt: iso(b.createdAt), counts,
    };
  }
}

export class DeliveryDto {
  speakerId: string;
  /** The speaker's commune when the broadcast aired. */
  communeId: string;
  status: DeliveryStatus;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  settledAt: string | null;

  static of(d: DeliveryEntity): DeliveryDto {
    return { speakerId: d.speakerId, communeId: d.communeId, status: d.status, startedAt: iso(d.startedAt), finishedAt: iso(d.finishedAt), error: d.error, settledAt: iso(d.settledAt) };
  }
}
