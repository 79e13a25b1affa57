import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { DEVICE_TOKEN_SCHEME } from '../openapi/openapi-document.js';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiAudioResponses } from '../openapi/api-media.js';
import { UnknownBroadcastsErrorDto } from '../openapi/error.dto.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDevice } from '../auth/auth-user.js';
import { CurrentDevice, DeviceRoute } from '../auth/decorators.js';
import { JsonSchemaPipe } from '../common/json-schema.pipe.js';
import { DeviceQueue, MAX_RECEIPTS_PER_BATCH, RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES, ReceiptResult, type ReceiptBatch } from './device.dto.js';
import { DeviceService } from './device.service.js';
import { ReceiptsService } from './receipts.service.js';

/** The receivers' API, authenticated by each speaker's device token. */
@ApiTags('device')
@ApiBearerAuth(DEVICE_TOKEN_SCHEME)
@DeviceRoute()
@Controller('device')
export class DeviceController {
  constructor(private readonly device: DeviceService, private readonly receipts: ReceiptsService) {}

  @Get('queue')
  @ApiOkResponse({ type: DeviceQueue, description: 'its deliveries still pending, and broadcasts starting within LOA_DEVICE_LOOKAHEAD_HOURS; marks the speaker seen' })
  queue(@CurrentDevice() caller: AuthDevice) {
    return this.device.queue(caller);
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
  @ApiBody({ schema: structuredClone(RECEIPT_BATCH_SCHEMA) as SchemaObject })
  @ApiOkResponse({ type: ReceiptResult })
  @ApiErrors({ status: 404, type: UnknownBroadcastsErrorDto, description: 'a broadcast not addressed to this speaker: nothing in the batch was recorded' }, { status: 413, description: `more than ${MAX_RECEIPTS_PER_BATCH} receipts, or a body over 1 MB` })
  settleReceipts(@CurrentDevice() caller: AuthDevice, @Body(new JsonSchemaPipe(RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES)) batch: ReceiptBatch) {
    return this.receipts.settle(caller, batch);
  }
}
