import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '../common/clock.js';
import { JOB_OPTIONS, JobName, QueueName } from '../queue/queue.constants.js';
import { BroadcastsRepository } from './broadcasts.repository.js';

/** A dispatch job fires at a start instant, a finalise job at an end instant plus the receipt grace. */
export interface SlotJob {
  at: number;
}

export const dispatchJobId = (startsAt: Date | number): string => `dispatch-${+startsAt}`;
export const finaliseJobId = (endsAt: Date | number): string => `finalise-${+endsAt}`;

/**
 * The `broadcast` queue, one delayed job per instant rather than per broadcast: the job for 07:00
 * dispatches every broadcast due then in a few batched transactions, which is what lets 10,000
 * communes start their morning bulletin in the same second. Job ids derive from the instant, and
 * BullMQ ignores an add whose id is waiting or delayed already, so adding again (every tick's
 * reconciliation, a second worker, a restart) is harmless. Completed jobs are removed at once, so a
 * broadcast added later at an instant already handled gets a fresh job.
 */
@Injectable()
export class BroadcastJobs {
  constructor(
    @InjectQueue(QueueName.Broadcast) private readonly queue: Queue<SlotJob>,
    private readonly broadcasts: BroadcastsRepository,
    private readonly clock: Clock,
  ) {}

  async dispatchAt(starts: Date[]): Promise<void> {
    await this.addSlots(JobName.DispatchBroadcast, starts.map((at) => ({ at: at.getTime(), id: dispatchJobId(at) })));
  }

  /** `ends` are broadcast end instants; the job runs `graceSec` later. */
  async finaliseAfter(ends: Date[], graceSec: number): Promise<void> {
    await this.addSlots(JobName.FinaliseBroadcast, ends.map((at) => ({ at: at.getTime() + graceSec * 1000, id: finaliseJobId(at) })));
  }

  /**
   * Drops the dispatch jobs of these instants where nothing is scheduled any more (broadcasts there
   * were cancelled, preempted or moved); a job already running finishes (and finds nothing).
   */
  async dropUnscheduled(starts: Date[]): Promise<void> {
    const kept = await this.broadcasts.startsStillScheduled(starts);
    await Promise.all(distinct(starts.map((s) => s.getTime())).filter((at) => !kept.has(at)).map((at) => this.queue.remove(dispatchJobId(at))));
  }

  private async addSlots(name: JobName, slots: Array<{ at: number; id: string }>): Promise<void> {
    if (!slots.length) return;
    const now = this.clock.now().getTime();
    const unique = [...new Map(slots.map((slot) => [slot.id, slot])).values()];
    for (let i = 0; i < unique.length; i += 500) {
      await this.queue.addBulk(
        unique.slice(i, i + 500).map((slot) => ({ name, data: { at: slot.at }, opts: { ...JOB_OPTIONS[name], jobId: slot.id, delay: Math.max(0, slot.at - now) } })),
      );
    }
  }
}

const distinct = (values: number[]): number[] => [...new Set(values)];
