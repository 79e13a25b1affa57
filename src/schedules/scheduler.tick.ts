import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { schedule, type ScheduledTask } from 'node-cron';
import { Reconciler } from '../broadcasts/reconciler.js';
import { LookaheadAnnouncer } from '../push/lookahead-announcer.js';
import { Materialiser } from './materialiser.js';

/**
 * Worker role only: every minute, and once at start-up, extend every schedule to the horizon,
 * rebuild the broadcast queue from the database, and tell receivers of broadcasts entering their lookahead. Overlapping ticks are skipped, not queued.
 */
@Injectable()
export class SchedulerTick implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerTick.name);
  private task: ScheduledTask | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly materialiser: Materialiser, private readonly reconciler: Reconciler, private readonly lookahead: LookaheadAnnouncer) {}

  onApplicationBootstrap(): void {
    this.task = schedule('* * * * *', () => this.tick(), { name: 'loa-scheduler-tick', noOverlap: true });
    void this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.destroy();
    await this.running;
  }

  /** One pass; concurrent calls share the pass under way. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      const extended = await this.materialiser.extendAll();
      if (extended) this.logger.log(`materialised new broadcasts for ${extended} schedule(s)`);
      await this.reconciler.reconcile();
      await this.lookahead.announce();
    } catch (error) {
      this.logger.error(`scheduler tick failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}
