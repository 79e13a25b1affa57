import { Injectable } from '@nestjs/common';
import { WriteTransactions } from '../database/write-transactions.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsRepository, type MovedBroadcast } from './broadcasts.repository.js';
import { Revivals } from './revivals.js';
import { BroadcastTurns } from './turns.js';
import { WaitingTurns } from './waiting-turns.js';

/**
 * Takes broadcasts off the air (a person's stop; an alert Update or Cancel, an alert stopped as a
 * whole): on air → `stopped`, scheduled → `cancelled`, their receivers told; what already ended is left
 * as it is. Cut-ins that waited for them move up (WaitingTurns); what cut-ins had preempted airs after all
 * where its window is still open (Revivals).
 */
@Injectable()
export class BroadcastWithdrawals {
  constructor(
    private readonly broadcasts: BroadcastsRepository,
    private readonly waitingTurns: WaitingTurns,
    private readonly transactions: WriteTransactions,
    private readonly jobs: BroadcastJobs,
    private readonly notifier: DeviceNotifier,
    private readonly turns: BroadcastTurns,
    private readonly revivals: Revivals,
  ) {}

  /**
   * Answers the broadcasts it took off, with their new status. What cut-ins among them had preempted
   * airs after all where it still can (Revivals), unless `replaced`: a cut-in about to take their place
   * (an alert Update) would only preempt it again.
   */
  async withdraw(ids: string[], reason: string, options: { replaced?: boolean } = {}): Promise<MovedBroadcast[]> {
    if (!ids.length) return [];
    const { freed, movedUp, revived } = await this.transactions.run(async (manager) => {
      const released = await this.waitingTurns.release(manager, ids, async () => [
        ...(await this.broadcasts.transition(manager, ids, ['on_air'], 'stopped', { reason })),
        ...(await this.broadcasts.transition(manager, ids, ['scheduled'], 'cancelled', { reason })),
      ]);
      const cutIns = released.freed.filter((b) => this.turns.holdsTurns(b.priority));
      return { ...released, revived: options.replaced ? [] : await this.revivals.revive(manager, cutIns) };
    });
    this.notifier.withdraw(freed);
    await this.jobs.dropUnscheduled(freed.filter((b) => b.status === 'cancelled').map((b) => b.startsAt));
    await this.waitingTurns.settle(movedUp);
    await this.revivals.settle(revived);
    return freed;
  }
}
