import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthDevice } from '../auth/auth-user.js';
import { CurrentDevice, DeviceRoute } from '../auth/decorators.js';
import { DeviceService } from './device.service.js';

/** The receivers' API, authenticated by each speaker's device token. */
@ApiTags('device')
@ApiBearerAuth()
@DeviceRoute()
@Controller('device')
export class DeviceController {
  constructor(private readonly device: DeviceService) {}

  @Get('queue')
  queue(@CurrentDevice() caller: AuthDevice) {
    return this.device.queue(caller);
  }

  /** The broadcast rendition (audio/mpeg), with Range (206) and ETag support. */
  @Get('audio/:segmentId')
  @ApiProduces('audio/mpeg')
  audio(@CurrentDevice() caller: AuthDevice, @Param('segmentId', ParseUUIDPipe) segmentId: string, @Res() res: Response) {
    return this.device.sendAudio(caller, segmentId, res);
  }
}
