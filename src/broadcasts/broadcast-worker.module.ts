import { Module } from '@nestjs/common';
import { BroadcastProcessor } from './broadcast.processor.js';
import { BroadcastsModule } from './broadcasts.module.js';
import { Reconciler } from './reconciler.js';

/** The `broadcast` queue's processor and the reconciler the scheduler tick runs. */
@Module({
  imports: [BroadcastsModule],
  providers: [BroadcastProcessor, Reconciler],
  exports: [Reconciler],
})
export class BroadcastWorkerModule {}
