import { Module } from '@nestjs/common';
import { SpeakersModule } from '../speakers/speakers.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { DeviceController } from './device.controller.js';
import { DeviceRepository } from './device.repository.js';
import { DeviceService } from './device.service.js';

@Module({
  imports: [SpeakersModule, StorageModule],
  controllers: [DeviceController],
  providers: [DeviceRepository, DeviceService],
})
export class DeviceModule {}
