import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config.js';
import { JOB_OPTIONS, JobName, QueueName } from '../queue/queue.constants.js';
import { CapFeeds } from './cap-feeds.js';

const SCHEDULER_ID = 'poll-cap-feeds';

/** Queue `alerts`: polls LOA_CAP_FEEDS every LOA_CAP_FEED_INTERVAL_SEC, one poll at a time across workers. */
@Processor(QueueName.Alerts)
export class CapFeedProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly feeds: CapFeeds,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Alerts) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.LOA_CAP_FEEDS.length) {
      await this.queue.removeJobScheduler(SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: this.config.LOA_CAP_FEED_INTERVAL_SEC * 1000 }, { name: JobName.PollCapFeeds, opts: JOB_OPTIONS[JobName.PollCapFeeds] });
  }

  process(): Promise<number> {
    return this.feeds.pollAll();
  }
}
