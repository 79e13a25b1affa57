import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import type { BroadcastEntity } from './broadcast.entity.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { DeliveriesRepository, type DeliveryTarget } from './deliveries.repository.js';
import { airProblem, Playlists } from './playlist.js';
import { SpeakerTargets } from './targets.js';
import { WriteTransactions } from './write-transactions.js';

/** Broadcasts claimed per transaction: big enough to batch, small enough to keep each commit short. */
const BATCH = 2000;

export interface DispatchOutcome {
  onAir: number;
  skipped: number;
}

/**
 * Puts due broadcasts on air and finalises ended ones. Both work in claimed batches: the claim is a
 * conditional UPDATE, so several workers (or a job and the tick's catch-up) can run these at once
 * and each broadcast is still handled exactly once.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);

  constructor(
    private readonly transactions: WriteTransactions,
    private readonly broadcasts: BroadcastsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly playlists: Playlists,
    private readonly targets: SpeakerTargets,
    private readonly jobs: BroadcastJobs,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every scheduled broadcast starting by `cutoff`: its playlist is checked again (a segment retired
   * or expired since skips it, with the reason), then it goes on air with one pending delivery per
   * target speaker, and its finalise job is queued.
   */
  async dispatchDue(cutoff: Date): Promise<DispatchOutcome> {
    const outcome: DispatchOutcome = { onAir: 0, skipped: 0 };
    for (;;) {
      const batch = await this.transactions.run(async (manager) => {
        const now = this.clock.now();
        const claimed = await this.broadcasts.claimDue(manager, cutoff, now, BATCH);
        if (!claimed.length) return null;
        const segments = await this.playlists.byIds(claimed.flatMap((b) => b.segmentIds), manager);
        const skips = new Map<string, string>();
        for (const b of claimed) {
          const problem = b.segmentIds.map((id) => airProblem(id, segments.get(id), b)).find((p) => p !== null);
          if (problem) skips.set(b.id, problem);
        }
        const targets = await this.targets.resolve(manager, claimed.filter((b) => !skips.has(b.id)));
        for (const [id, speakers] of targets) if (!speakers.length) skips.set(id, 'no speakers to play on');
        await this.skip(manager, skips);
        const airing = claimed.filter((b) => !skips.has(b.id));
        await this.deliveries.createPendingMany(manager, airing.map((b) => ({ broadcastId: b.id, targets: targets.get(b.id) as DeliveryTarget[] })), now);
        return { claimed: claimed.length, airing, skipped: skips.size };
      });
      if (!batch) return outcome;
      outcome.onAir += batch.airing.length;
      outcome.skipped += batch.skipped;
      this.logger.log(`${batch.airing.length} broadcast(s) on air, ${batch.skipped} skipped`);
      this.logger.debug(`on air: ${batch.airing.map((b) => b.id).join(' ')}`);
      await this.queueFinalise(batch.airing);
      if (batch.claimed < BATCH) return outcome;
    }
  }

  /**
   * Every broadcast on air whose end plus the receipt grace has passed by `cutoff`: its pending
   * deliveries become `missed` and it ends `completed`, `partial` or `missed`.
   */
  async finaliseDue(cutoff: Date): Promise<number> {
    const endedBy = new Date(cutoff.getTime() - this.config.LOA_RECEIPT_GRACE_SEC * 1000);
    let finalised = 0;
    for (;;) {
      const ids = await this.transactions.run(async (manager) => {
        const now = this.clock.now();
        const claimed = await this.broadcasts.claimEnded(manager, endedBy, now, BATCH);
        if (!claimed.length) return claimed;
        await this.deliveries.markMissed(manager, claimed, now);
        await this.broadcasts.finalise(manager, claimed, now);
        return claimed;
      });
      finalised += ids.length;
      if (ids.length) this.logger.log(`${ids.length} broadcast(s) finalised`);
      if (ids.length < BATCH) return finalised;
    }
  }

  private async skip(manager: EntityManager, skips: Map<string, string>): Promise<void> {
    const byReason = new Map<string, string[]>();
    for (const [id, reason] of skips) {
      const ids = byReason.get(reason);
      if (ids) ids.push(id);
      else byReason.set(reason, [id]);
    }
    for (const [reason, ids] of byReason) await this.broadcasts.transition(manager, ids, ['on_air'], 'skipped', { reason, onAirAt: null });
  }

  /** Redis is only a timer: if this fails, the tick's reconciliation queues the job again. */
  private async queueFinalise(airing: BroadcastEntity[]): Promise<void> {
    try {
      await this.jobs.finaliseAfter(airing.map((b) => b.endsAt), this.config.LOA_RECEIPT_GRACE_SEC);
    } catch (error) {
      this.logger.warn(`finalise jobs not queued (the next tick will): ${(error as Error).message}`);
    }
  }
}
