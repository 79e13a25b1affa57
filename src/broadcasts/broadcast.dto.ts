import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { iso, IsInstant } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { PRIORITIES, type Priority } from '../schedules/schedule.entity.js';
import { BROADCAST_STATUSES, BroadcastEntity, type BroadcastStatus } from './broadcast.entity.js';
import type { DeliveryCounts } from './delivery-counts.js';
import { DELIVERY_STATUSES, type DeliveryEntity, type DeliveryStatus } from './delivery.entity.js';

export class ListBroadcastsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "a commune (or wider area): its broadcasts and the emergencies covering it" })
  @IsOptional() @IsUUID('all', { message: 'communeId must be a UUID' })
  communeId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'broadcasts starting at or after' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'broadcasts starting before' }) @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: BROADCAST_STATUSES, enumName: 'BroadcastStatus' }) @IsOptional() @IsIn(BROADCAST_STATUSES, { message: `status must be one of ${BROADCAST_STATUSES.join(', ')}` })
  status?: BroadcastStatus;
}

export class EmergencyBroadcastDto {
  @ApiProperty({ format: 'uuid', description: 'every speaker in this area and below it' }) @IsUUID('all', { message: 'areaId must be a UUID' })
  areaId: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 50 })
  @IsArray() @ArrayMinSize(1, { message: 'segmentIds must list at least one segment' }) @ArrayMaxSize(50) @IsUUID('all', { each: true, message: 'segmentIds must be UUIDs' })
  segmentIds: string[];

  @ApiProperty({ example: 'Cảnh báo lũ quét', minLength: 1, maxLength: 300 }) @IsString() @Length(1, 300)
  title: string;
}

export class DeliveryCountsDto implements DeliveryCounts {
  @ApiProperty({ type: 'integer', description: 'deliveries: one per target speaker once on air' })
  targeted: number;
  @ApiProperty({ type: 'integer' })
  pending: number;
  @ApiProperty({ type: 'integer' })
  played: number;
  @ApiProperty({ type: 'integer', description: 'played in part: the broadcast was stopped, or cut off by a higher priority, while playing' })
  interrupted: number;
  @ApiProperty({ type: 'integer' })
  failed: number;
  @ApiProperty({ type: 'integer' })
  missed: number;
}

export class BroadcastDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for an emergency broadcast' })
  scheduleId: string | null;
  @ApiProperty({ format: 'uuid', description: 'the commune (or, for an emergency, the area) it airs in' })
  areaId: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ format: 'date-time' })
  startsAt: string;
  @ApiProperty({ format: 'date-time', description: 'startsAt + repeat x playlist duration + (repeat - 1) x gapSec' })
  endsAt: string;
  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' })
  priority: Priority;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10 })
  repeat: number;
  @ApiProperty({ type: 'integer', minimum: 0 })
  gapSec: number;
  @ApiProperty({ type: [String], format: 'uuid' })
  segmentIds: string[];
  @ApiProperty({ type: [String], format: 'uuid', nullable: true, description: 'null: every speaker of the commune' })
  speakerIds: string[] | null;
  @ApiProperty({ enum: BROADCAST_STATUSES, enumName: 'BroadcastStatus' })
  status: BroadcastStatus;
  @ApiProperty({ type: String, nullable: true, description: 'why it was skipped, cancelled or preempted' })
  reason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  onAirAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finalisedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  createdAt: string | null;
  @ApiProperty({ type: DeliveryCountsDto })
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
  @ApiProperty({ format: 'uuid' })
  speakerId: string;
  @ApiProperty({ format: 'uuid', description: "the speaker's commune when the broadcast aired" })
  communeId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  status: DeliveryStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why playback failed, as the receiver said' })
  error: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the receipt (or finalisation) settled it' })
  settledAt: string | null;

  static of(d: DeliveryEntity): DeliveryDto {
    return { speakerId: d.speakerId, communeId: d.communeId, status: d.status, startedAt: iso(d.startedAt), finishedAt: iso(d.finishedAt), error: d.error, settledAt: iso(d.settledAt) };
  }
}

export class BroadcastPageDto extends PageOf(BroadcastDto) {}

export class DeliveryPageDto extends PageOf(DeliveryDto) {}

/** A broadcast's live progress on its receivers (its delivery counts and more), for the console's emergency page (refreshed every second or two). */
export class BroadcastProgressDto extends DeliveryCountsDto {
  @ApiProperty({ format: 'uuid' })
  broadcastId: string;
  @ApiProperty({ enum: BROADCAST_STATUSES, enumName: 'BroadcastStatus' })
  status: BroadcastStatus;
  @ApiProperty({ type: 'integer', description: 'receivers whose open event stream took its `broadcast` event' })
  told: number;
  @ApiProperty({ type: 'integer', description: 'receivers whose last status report says they are playing it' })
  playing: number;
  @ApiProperty({ format: 'date-time', description: 'when these figures were read' })
  at: string;
}
