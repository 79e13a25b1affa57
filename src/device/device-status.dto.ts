import type { JSONSchemaType } from 'ajv';
import { PRIORITIES, type Priority } from '../schedules/schedule.entity.js';

/** What a receiver is playing now, by its own account. */
export interface PlayingNow {
  broadcastId: string;
  priority: Priority;
  startedAt: string;
}

/** A receiver's report on itself (POST /device/status), at start, every minute, and when playback starts or ends (SPEC §8, §9). */
export interface DeviceStatusReport {
  /** The program and where it runs, e.g. `loa-receiver linux-arm64`. */
  agent: string;
  version: string;
  playing: PlayingNow | null;
  cacheBytes: number;
  /** Free space where the cache lives (null where the box cannot tell). */
  freeBytes: number | null;
  /** Receipts written but not yet accepted by the server. */
  outbox: number;
  /** Its estimate of server clock minus its own clock. */
  clockOffsetMs: number;
  lastError?: string | null;
}

const PLAYING_SCHEMA: JSONSchemaType<PlayingNow> = {
  type: 'object',
  additionalProperties: false,
  required: ['broadcastId', 'priority', 'startedAt'],
  properties: {
    broadcastId: { type: 'string', format: 'uuid' },
    priority: { type: 'string', enum: PRIORITIES },
    startedAt: { type: 'string', format: 'date-time' },
  },
};

/**
 * The contract, for validation (JsonSchemaPipe) and the OpenAPI document alike. ajv's types cannot
 * express a nullable object property (`playing`), hence the cast; PLAYING_SCHEMA itself is checked.
 */
export const DEVICE_STATUS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['agent', 'version', 'playing', 'cacheBytes', 'freeBytes', 'outbox', 'clockOffsetMs'],
  properties: {
    agent: { type: 'string', minLength: 1, maxLength: 100, examples: ['loa-receiver linux-arm64'] },
    version: { type: 'string', minLength: 1, maxLength: 50, examples: ['0.1.0'] },
    playing: { ...PLAYING_SCHEMA, nullable: true, description: 'the broadcast playing now, or null' },
    cacheBytes: { type: 'integer', minimum: 0, description: 'bytes of audio in its cache' },
    freeBytes: { type: 'integer', minimum: 0, nullable: true, description: 'free bytes where the cache lives' },
    outbox: { type: 'integer', minimum: 0, description: 'receipts waiting to be accepted by the server' },
    clockOffsetMs: { type: 'number', description: 'server clock minus receiver clock, as the receiver estimates it' },
    lastError: { type: 'string', maxLength: 1000, nullable: true, description: 'the last problem it met, in plain words' },
  },
} as unknown as JSONSchemaType<DeviceStatusReport>;

export const DEVICE_STATUS_FORMAT_MESSAGES = {
  uuid: 'a UUID',
  'date-time': 'an ISO-8601 date-time with a UTC offset (Z or ±hh:mm), e.g. 2025-07-01T00:00:00+07:00',
};
