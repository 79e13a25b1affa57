import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';

const INDICATOR: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['up', 'down'] } },
  additionalProperties: true,
  description: 'one dependency (database, redis, ffmpeg): up or down, with what it reported',
};

/** GET /health as @nestjs/terminus answers it: 200 when everything is up, 503 naming what is down. */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status: 'ok' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ type: 'object', additionalProperties: INDICATOR, description: 'the dependencies that are up' })
  info?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: INDICATOR, description: 'the dependencies that are down' })
  error?: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: INDICATOR, example: { database: { status: 'up' }, redis: { status: 'up', transcodeWaiting: 0 }, ffmpeg: { status: 'up', version: '7.1.1' } } })
  details: Record<string, unknown>;
}
