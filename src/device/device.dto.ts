import { ApiProperty } from '@nestjs/swagger';
import type { JSONSchemaType } from 'ajv';
import { PRIORITIES, type Priority } from '../schedules/schedule.entity.js';

/** More receipts than this in one request answer 413: the receiver should split its backlog. */
export const MAX_RECEIPTS_PER_BATCH = 500;

/** `interrupted`: played in part, cut off by a stop or a higher-priority broadcast. */
export const RECEIPT_STATUSES = ['played', 'interrupted', 'failed'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** A receipt as the receiver sends it; times are ISO-8601 with an offset. */
export interface ReceiptInput {
  broadcastId: string;
  status: ReceiptStatus;
  startedAt: string;
  finishedAt?: string | null;
  error?: string | null;
}

export interface ReceiptBatch {
  receipts: ReceiptInput[];
}

/**
 * The receipt batch contract, for validation (JsonSchemaPipe) and the OpenAPI document alike.
 * No maxItems: more than MAX_RECEIPTS_PER_BATCH is a 413, not a 400.
 */
export const RECEIPT_BATCH_SCHEMA: JSONSchemaType<ReceiptBatch> = {
  type: 'object',
  additionalProperties: false,
  required: ['receipts'],
  properties: {
    receipts: {
      type: 'array',
      minItems: 1,
      description: `1 to ${MAX_RECEIPTS_PER_BATCH} receipts (more: 413)`,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['broadcastId', 'status', 'startedAt'],
        properties: {
          broadcastId: { type: 'string', format: 'uuid' },
          status: { type: 'string', enum: RECEIPT_STATUSES },
          startedAt: { type: 'string', format: 'date-time', examples: ['2025-11-26T06:30:00+07:00'] },
          finishedAt: { type: 'string', format: 'date-time', nullable: true, examples: ['2025-11-26T06:42:10+07:00'] },
          error: { type: 'string', maxLength: 1000, nullable: true, description: 'why playback failed' },
        },
      },
    },
  },
};

export const RECEIPT_FORMAT_MESSAGES = {
  uuid: 'a UUID',
  'date-time': 'an ISO-8601 date-time with a UTC offset (Z or ±hh:mm), e.g. 2025-07-01T00:00:00+07:00',
};

export class ReceiptResult {
  @ApiProperty({ type: 'integer', description: 'receipts that settled a delivery' })
  accepted: number;
  @ApiProperty({ type: 'integer', description: 'receipts for deliveries already settled (the first terminal one won)' })
  duplicates: number;
}

export class DeviceQueueSegment {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: '/api/v1/device/audio/4b0c7c52-3f4e-4a8e-9d5e-0d5f8a1c2b3d', description: 'where to download the broadcast rendition (relative to the server origin)' })
  url: string;
  @ApiProperty({ type: String, nullable: true, description: 'sha256 of the rendition, for the receiver to check its download (null only if the rendition is gone)' })
  sha256: string | null;
  @ApiProperty()
  durationSec: number;
}

export class DeviceQueueItem {
  @ApiProperty({ format: 'uuid' })
  broadcastId: string;
  @ApiProperty({ format: 'date-time' })
  startsAt: string;
  @ApiProperty({ format: 'date-time' })
  endsAt: string;
  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' })
  priority: Priority;
  @ApiProperty({ type: 'integer', minimum: 1 })
  repeat: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'seconds of silence between passes' })
  gapSec: number;
  @ApiProperty({ type: [DeviceQueueSegment], description: 'the playlist, in order' })
  segments: DeviceQueueSegment[];
}

export class DeviceQueue {
  @ApiProperty({ format: 'date-time', description: "the server's clock, so a receiver can notice its own drift" })
  now: string;
  @ApiProperty({ type: [DeviceQueueItem] })
  items: DeviceQueueItem[];
}
