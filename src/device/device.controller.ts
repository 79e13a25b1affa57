import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiProduces, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDevice } from '../auth/auth-user.js';
import { CurrentDevice, DeviceRoute } from '../auth/decorators.js';
import { JsonSchemaPipe } from '../common/json-schema.pipe.js';
import { RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES, type ReceiptBatch } from './device.dto.js';
import { DeviceService } from './device.service.js';
import { ReceiptsService } from './receipts.service.js';

/** The receivers' API, authenticated by each speaker's device token. */
@ApiTags('device')
@ApiBearerAuth()
@DeviceRoute()
@Controller('device')
export class DeviceController {
  constructor(private readonly device: DeviceService, private readonly receipts: ReceiptsService) {}

  @Get('queue')
  queue(@CurrentDevice() caller: AuthDevice) {
    return this.device.queue(caller);
  }

  /** The broadcast rendition (audio/mpeg), with Range (206) and ETag support. */
  @Get('audio/:segmentId')
  @ApiProduces('audio/mpeg')
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
  @ApiBody({ schema: RECEIPT_BATCH_SCHEMA as SchemaObject })
  settleReceipts(@CurrentDevice() caller: AuthDevice, @Body(new JsonSchemaPipe(RECEIPT_BATCH_SCHEMA, RECEIPT_FORMAT_MESSAGES)) batch: ReceiptBatch) {
    return this.receipts.settle(caller, batch);
  }
}
