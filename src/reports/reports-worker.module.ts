import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { RollupFolder } from './rollup-folder.js';

/** The rollup folder: loaded only in processes with the `worker` role. */
@Module({
  imports: [BroadcastsModule],
  providers: [RollupFolder],
  exports: [RollupFolder],
})
export class ReportsWorkerModule {}
