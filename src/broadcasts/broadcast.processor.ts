import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Clock } from '../common/clock.js';
import { JobName, QueueName } from '../queue/queue.constants.js';
import type { SlotJob } from './broadcast-jobs.js';
import { Dispatcher } from './dispatcher.js';

/**
 * Queue `broadcast`: a job per instant. A timer may fire a few milliseconds early, so the cutoff is
 * never before the job's own instant; anything overdue is swept up with it.
 */
@Processor(QueueName.Broadcast, { concurrency: 4 })
export class BroadcastProcessor extends WorkerHost {
  constructor(private readonly dispatcher: Dispatcher, private readonly clock: Clock) {
    super();
  }

  async process(job: Job<SlotJob>): Promise<unknown> {
    const cutoff = new Date(Math.max(this.clock.now().getTime(), job.data.at));
    if (job.name === JobName.DispatchBroadcast) return this.dispatcher.dispatchDue(cutoff);
    if (job.name === JobName.FinaliseBroadcast) return { finalised: await this.dispatcher.finaliseDue(cutoff) };
    throw new Error(`unknown job ${job.name}`);
  }
}
