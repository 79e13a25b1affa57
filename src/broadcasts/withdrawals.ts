import { Injectable } from '@nestjs/common';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsRepository } from './broadcasts.repository.js';

/**
 * Takes broadcasts off the air for the system (an alert Update or Cancel, an alert stopped as a
 * whole): on air → `stopped`, scheduled → `cancelled`, their receivers told; what already ended is left as it is.
 */
@Injectable()
export class BroadcastWithdrawals {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
  ) {}

  async withdraw(ids: string[], reason: string): Promise<Array<{ id: string; startsAt: Date }>> {
    if (!ids.length) return [];
    const { stopped, cancelled } = await this.transactions.run(async (manager) => ({
      stopped: await this.broadcasts.transition(manager, ids, ['on_air'], 'stopped', { reason }),
      cancelled: await this.broadcasts.transition(manager, ids, ['scheduled'], 'cancelled', { reason }),
    }));
    this.notifier.withdraw([...stopped, ...cancelled]);
    const kept = await this.broadcasts.startsStillScheduled(cancelled.map((b) => b.startsAt));
    await this.jobs.dropDispatch(cancelled.map((b) => b.startsAt).filter((at) => !kept.has(at.getTime())));
    return [...stopped, ...cancelled];
  }
}
