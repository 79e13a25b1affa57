import { Injectable } from '@nestjs/common';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { WaitingTurns } from './waiting-turns.js';

/**
 * Takes broadcasts off the air (a person's stop; an alert Update or Cancel, an alert stopped as a
 * whole): on air → `stopped`, scheduled → `cancelled`, their receivers told; what already ended is left
 * as it is. Cut-ins that waited for them move up (WaitingTurns).
 */
@Injectable()
export class BroadcastWithdrawals {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly waitingTurns: WaitingTurns,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
  ) {}

  /** Answers the broadcasts it took off, with their new status. */
  async withdraw(ids: string[], reason: string): Promise<MovedBroadcast[]> {
    if (!ids.length) return [];
    const { freed, movedUp } = await this.transactions.run((manager) =>
      this.waitingTurns.release(manager, ids, async () => [
        ...(await this.broadcasts.transition(manager, ids, ['on_air'], 'stopped', { reason })),
        ...(await this.broadcasts.transition(manager, ids, ['scheduled'], 'cancelled', { reason })),
      ]),
    );
    this.notifier.withdraw(freed);
    await this.jobs.dropUnscheduled(freed.filter((b) => b.status === 'cancelled').map((b) => b.startsAt));
    await this.waitingTurns.settle(movedUp);
    return freed;
  }
}
