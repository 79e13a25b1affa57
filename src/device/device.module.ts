import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { SpeakersModule } from '../speakers/speakers.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { DeviceController } from './device.controller.js';
import { DeviceRepository } from './device.repository.js';
import { DeviceService } from './device.service.js';
import { ReceiptsService } from './receipts.service.js';
import { SeenSpeakers } from './seen-speakers.js';
import { CommuneSchedules } from './commune-schedules.js';
import { EventStreams } from './event-streams.js';
import { DeviceStatuses } from './device-statuses.js';

@Module({
  imports: [BroadcastsModule, SpeakersModule, StorageModule],
  controllers: [DeviceController],
  providers: [DeviceRepository, DeviceService, ReceiptsService, SeenSpeakers, CommuneSchedules, EventStreams, DeviceStatuses],
})
export class DeviceModule {}
