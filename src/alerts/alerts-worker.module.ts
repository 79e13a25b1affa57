import { Module } from '@nestjs/common';
import { AlertsModule } from './alerts.module.js';
import { CapFeedProcessor } from './cap-feed.processor.js';
import { CapFeeds } from './cap-feeds.js';

/** Pulling CAP feeds: only in processes with the `worker` role. */
@Module({
  imports: [AlertsModule],
  providers: [CapFeeds, CapFeedProcessor],
})
export class AlertsWorkerModule {}
