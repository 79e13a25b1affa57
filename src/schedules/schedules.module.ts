import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { Materialiser } from './materialiser.js';
import { ScheduleRules } from './schedule-rules.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SchedulesService } from './schedules.service.js';

@Module({
  imports: [BroadcastsModule],
  controllers: [SchedulesController],
  providers: [SchedulesRepository, SchedulesService, ScheduleRules, Materialiser],
  exports: [Materialiser],
})
export class SchedulesModule {}
