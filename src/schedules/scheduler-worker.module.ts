import { Module } from '@nestjs/common';
import { BroadcastWorkerModule } from '../broadcasts/broadcast-worker.module.js';
import { SchedulerTick } from './scheduler.tick.js';
import { SchedulesModule } from './schedules.module.js';

/** The scheduler tick and the `broadcast` queue's worker: loaded only in processes with the `worker` role. */
@Module({
  imports: [SchedulesModule, BroadcastWorkerModule],
  providers: [SchedulerTick],
  exports: [SchedulerTick],
})
export class SchedulerWorkerModule {}
