import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { Dispatcher } from './dispatcher.js';

/**
 * The database is the source of truth and Redis only a set of timers: this rebuilds the timers from
 * the database (after a restart, a flushed Redis, a failed enqueue) and catches up on anything whose
 * time has passed without its job running. Safe to run on every worker at once.
 */
@Injectable()
export class Reconciler {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly jobs: BroadcastJobs,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async reconcile(): Promise<void> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.config.LOA_HORIZON_HOURS * 3_600_000);
    await this.jobs.dispatchAt(await this.broadcasts.scheduledStarts(horizon));
    await this.jobs.finaliseAfter(await this.broadcasts.onAirEnds(), this.config.LOA_RECEIPT_GRACE_SEC);
    await this.dispatcher.dispatchDue(now);
    await this.dispatcher.finaliseDue(now);
  }
}
