import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { DEVICE_TOKEN_SCHEME } from '../openapi/openapi-document.js';
import { ApiBearerAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiAudioResponses } from '../openapi/api-media.js';
import { ApiSchemaBody } from '../openapi/api-schema-body.js';
import { UnknownBroadcastsErrorDto } from '../openapi/error.dto.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDevice } from '../auth/auth-user.js';
import { CurrentDevice, DeviceRoute } from '../auth/decorators.js';
import { JsonSchemaPipe } from '../common/json-schema.pipe.js';
import { DeviceCancelEvent, DeviceHelloEvent, DeviceTokenEvent } from './device-events.dto.js';
import { DeviceQueue, DeviceQueueItem, MAX_RECEIPTS_PER_BATCH, RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES, ReceiptResult, type ReceiptBatch } from './device.dto.js';
import { DEVICE_STATUS_FORMAT_MESSAGES, DEVICE_STATUS_SCHEMA, type DeviceStatusReport } from './device-status.dto.js';
import { DeviceStatuses } from './device-statuses.js';
import { DeviceService } from './device.service.js';
import { EventStreams } from './event-streams.js';
import { ReceiptsService } from './receipts.service.js';

/** Each push event's data, by event name: OpenAPI 3.1 cannot describe the items of an event stream, so an extension does. */
const EVENT_DATA_SCHEMAS = {
  'x-events': {
    hello: { $ref: getSchemaPath(DeviceHelloEvent) },
    broadcast: { $ref: getSchemaPath(DeviceQueueItem) },
    cancel: { $ref: getSchemaPath(DeviceCancelEvent) },
    token: { $ref: getSchemaPath(DeviceTokenEvent) },
  },
};

/** The receivers' API, authenticated by each speaker's device token. */
@ApiTags('device')
@ApiBearerAuth(DEVICE_TOKEN_SCHEME)
@DeviceRoute()
@Controller('device')
export class DeviceController {
  constructor(private readonly device: DeviceService, private readonly receipts: ReceiptsService, private readonly eventStreams: EventStreams, private readonly statuses: DeviceStatuses) {}

  @Get('queue')
  @ApiOkResponse({ type: DeviceQueue, description: 'its deliveries still pending, and broadcasts starting within LOA_DEVICE_LOOKAHEAD_HOURS; marks the speaker seen' })
  queue(@CurrentDevice() caller: AuthDevice) {
    return this.device.queue(caller);
  }

  /**
   * The push channel (Server-Sent Events): \`hello {now}\` first; \`broadcast\` (one queue item, as in
   * /device/queue) when a broadcast for this speaker is created or goes on air; \`cancel {broadcastId,
   * status}\` when one is cancelled, stopped, preempted or skipped; \`token {revoked: true}\` when its
   * token is rotated, then the stream ends; a comment line every LOA_PUSH_HEARTBEAT_SEC. One stream per
   * speaker: a new one closes the old. 503 while the server cannot push (receivers poll meanwhile).
   */
  @Get('events')
  @ApiExtraModels(DeviceHelloEvent, DeviceCancelEvent, DeviceTokenEvent)
  @ApiOkResponse({
    description: 'events, each `event: <name>` and one `data: <JSON>` line (its schema in `x-events`): hello (DeviceHelloEvent); broadcast (a DeviceQueueItem); cancel (DeviceCancelEvent); token (DeviceTokenEvent); and `:` comment lines',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        ...EVENT_DATA_SCHEMAS,
      },
    },
  })
  @ApiErrors({ status: 503, description: 'the push channel is down: poll /device/queue' })
  events(@CurrentDevice() caller: AuthDevice, @Res() reply: FastifyReply) {
    return this.eventStreams.open(caller, reply);
  }

  /** The broadcast rendition (audio/mpeg), with Range (206) and ETag support. */
  @Get('audio/:segmentId')
  @ApiAudioResponses()
  audio(@CurrentDevice() caller: AuthDevice, @Param('segmentId', ParseUUIDPipe) segmentId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.device.sendAudio(caller, segmentId, request.raw, reply);
  }

  /**
   * Play receipts, 1 to 500 per request (more: 413). Idempotent: the first terminal receipt of a
   * delivery wins, later ones count as duplicates. A broadcast not addressed to this speaker: 404
   * naming it, and nothing in the batch is recorded.
   */
  @Post('receipts')
  @HttpCode(200)
  @ApiSchemaBody('ReceiptBatch', RECEIPT_BATCH_SCHEMA)
  @ApiOkResponse({ type: ReceiptResult })
  @ApiErrors({ status: 404, type: UnknownBroadcastsErrorDto, description: 'a broadcast not addressed to this speaker: nothing in the batch was recorded' }, { status: 413, description: `more than ${MAX_RECEIPTS_PER_BATCH} receipts, or a body over 1 MB` }, { status: 409, description: 'a broadcast whose deliveries are not written yet (an emergency told a moment ago, or a broadcast of its own due within a minute and not yet on air): nothing in the batch was recorded; send it again' })
  settleReceipts(@CurrentDevice() caller: AuthDevice, @Body(new JsonSchemaPipe(RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES)) batch: ReceiptBatch) {
    return this.receipts.settle(caller, batch);
  }

  /**
   * The receiver's report on itself, at start and every minute (and whenever playback starts or stops):
   * the last one shows on GET /speakers as `status`. Marks the speaker seen.
   */
  @Post('status')
  @HttpCode(204)
  @ApiSchemaBody('DeviceStatusReport', DEVICE_STATUS_SCHEMA)
  @ApiNoContentResponse({ description: 'recorded' })
  reportStatus(@CurrentDevice() caller: AuthDevice, @Body(new JsonSchemaPipe(DEVICE_STATUS_SCHEMA, DEVICE_STATUS_FORMAT_MESSAGES)) status: DeviceStatusReport) {
    return this.statuses.report(caller, status);
  }
}
