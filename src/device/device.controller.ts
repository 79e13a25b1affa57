import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
}
