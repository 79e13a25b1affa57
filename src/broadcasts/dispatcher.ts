import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DeviceNotifier } from '../push/device-notifier.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsRepository, type ClaimedBroadcast, type MovedBroadcast } from './broadcasts.repository.js';
import { DeliveryFillsRepository, type FillableBroadcast } from './delivery-fills.repository.js';
import { DeliveriesRepository, type DeliveryTarget } from './deliveries.repository.js';
import { airProblem, Playlists } from './playlist.js';
import { chunked } from '../database/sql.js';
import { SpeakerTargets } from './targets.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { WaitingTurns } from './waiting-turns.js';

/** Broadcasts put on air per transaction: one UPDATE and one playlist lookup each, so it can be large. */
const CLAIM_BATCH = 10_000;
/**
 * A claim of at most this many broadcasts (an ordinary morning's worth) gives them their deliveries in
 * the same transaction; a larger one leaves them all to step 2, so that the claim commits sooner.
 */
const INLINE_FILL = 250;
/** Broadcasts whose deliveries (and report rollups) are written per later transaction: ~10 rows each, kept short. */
const FILL_BATCH = 2000;
/**
 * Fill transactions in flight at once on PostgreSQL, each on its own pooled connection: a batch's
 * time is mostly the server maintaining the deliveries' indexes, which one backend does on one core.
 * SQLite runs transactions one at a time whatever this says.
 */
const FILL_CONCURRENCY = 4;

export interface DispatchOutcome {
  onAir: number;
  skipped: number;
}

/**
 * Puts due broadcasts on air and finalises ended ones. Dispatch has two steps, so that even 10,000
 * broadcasts due in the same second are all on air within a fraction of it:
 *   1. claim: due broadcasts go on air (or are skipped) in large batches, one conditional UPDATE
 *      each; a batch of at most INLINE_FILL gets its pending deliveries in that same transaction,
 *      so an ordinary dispatch is all-or-nothing;
 *   2. fill: pending deliveries for the rest (only a mass dispatch has any), in shorter batches,
 *      several at once on PostgreSQL.
 * Each claim is a conditional UPDATE or a locked read, so several workers (or a job and the tick's
 * catch-up) may run these at once and each broadcast is still handled exactly once. Step 2 also
 * repairs a broadcast left on air without deliveries by a crash between the steps.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);

  constructor(
    private readonly transactions: WriteTransactions,
    private readonly broadcasts: BroadcastsRepository,
    private readonly fills: DeliveryFillsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly playlists: Playlists,
    private readonly targets: SpeakerTargets,
    private readonly jobs: BroadcastJobs,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DeviceNotifier,
    private readonly waitingTurns: WaitingTurns,
  ) {}

  /**
   * Every scheduled broadcast starting by `cutoff`: its playlist is checked again (a segment retired
   * or expired since skips it, with the reason), it goes on air, its finalise job is queued, and it
   * gets one pending delivery per target speaker (none: skipped).
   */
  async dispatchDue(cutoff: Date): Promise<DispatchOutcome> {
    const outcome: DispatchOutcome = { onAir: 0, skipped: 0 };
    const unfilled: string[] = [];
    for (;;) {
      const batch = await this.transactions.run(async (manager) => {
        const claimed = await this.broadcasts.claimDue(manager, cutoff, this.clock.now(), CLAIM_BATCH);
        const segments = await this.playlists.byIds(claimed.flatMap((b) => b.segmentIds), manager);
        const skips = new Map<string, string>();
        for (const b of claimed) {
          const problem = b.segmentIds.map((id) => airProblem(id, segments.get(id), b)).find((p) => p !== null);
          if (problem) skips.set(b.id, problem);
        }
        const withdrawn = await this.skip(manager, skips);
        const airing = claimed.filter((b) => !skips.has(b.id));
        const inline = airing.length <= INLINE_FILL;
        const filled = await this.fillIn(manager, inline ? airing : []);
        withdrawn.push(...filled.withdrawn);
        return { claimed: claimed.length, airing, inline, unfilled: inline ? [] : airing, skipped: skips.size + filled.speakerless.size, speakerless: filled.speakerless, withdrawn };
      });
      unfilled.push(...batch.unfilled.map((b) => b.id));
      const airing = batch.airing.filter((b) => !batch.speakerless.has(b.id));
      this.notifier.withdraw(batch.withdrawn);
      await this.waitingTurns.follow(batch.withdrawn);
      // Announced once their deliveries exist: a receiver told of one can fetch its audio and report it.
      if (batch.inline) this.notifier.announceIds(airing.map((b) => b.id));
      outcome.onAir += airing.length;
      outcome.skipped += batch.skipped;
      if (batch.claimed) {
        this.logger.log(`${airing.length} broadcast(s) on air, ${batch.skipped} skipped`);
        this.logger.debug(`on air: ${airing.map((b) => b.id).join(' ')}`);
        await this.queueFinalise(airing);
      }
      if (batch.claimed < CLAIM_BATCH) break;
    }
    const speakerless = (await this.fillClaimed(unfilled)) + (await this.fill(cutoff));
    return { onAir: outcome.onAir - speakerless, skipped: outcome.skipped + speakerless };
  }

  /** Step 2: pending deliveries for on-air broadcasts started by `cutoff` that have none; answers how many had no speaker and were skipped. */
  async fill(cutoff: Date): Promise<number> {
    let speakerless = 0;
    for (;;) {
      const batch = await this.fillTransaction((manager) => this.fills.lackingDeliveries(manager, cutoff, FILL_BATCH));
      speakerless += batch.speakerless;
      if (batch.waiting < FILL_BATCH) return speakerless;
    }
  }

  /** Step 2 for the broadcasts this dispatch has just claimed, several batches at a time; answers how many were skipped. */
  private async fillClaimed(ids: string[]): Promise<number> {
    const batches = chunked(ids, FILL_BATCH);
    let speakerless = 0;
    const runBatches = async () => {
      for (;;) {
        const batch = batches.shift();
        if (!batch) return;
        speakerless += (await this.fillTransaction((manager) => this.fills.lackingDeliveriesAmong(manager, batch))).speakerless;
      }
    };
    await Promise.all(Array.from({ length: Math.min(FILL_CONCURRENCY, batches.length) }, runBatches));
    return speakerless;
  }

  /** One transaction filling in the broadcasts `waiting` finds (and locks); then their receivers are told. */
  private async fillTransaction(waiting: (manager: EntityManager) => Promise<FillableBroadcast[]>): Promise<{ waiting: number; speakerless: number }> {
    const batch = await this.transactions.run(async (manager) => {
      const found = await waiting(manager);
      return { found, ...(await this.fillIn(manager, found)) };
    });
    if (batch.found.length) this.logger.log(`${batch.created} pending deliveries for ${batch.found.length - batch.speakerless.size} broadcast(s) on air`);
    this.notifier.withdraw(batch.withdrawn);
    await this.waitingTurns.follow(batch.withdrawn);
    this.notifier.announceIds(batch.found.filter((b) => !batch.speakerless.has(b.id)).map((b) => b.id));
    return { waiting: batch.found.length, speakerless: batch.speakerless.size };
  }

  /**
   * Every speaker that is (still) the broadcast's target gets a pending delivery; a broadcast without
   * any is skipped. Answers the deliveries created and the speakerless broadcasts.
   */
  private async fillIn(manager: EntityManager, broadcasts: FillableBroadcast[]): Promise<{ created: number; speakerless: Set<string>; withdrawn: MovedBroadcast[] }> {
    if (!broadcasts.length) return { created: 0, speakerless: new Set(), withdrawn: [] };
    const targets = await this.targets.resolve(manager, broadcasts);
    const speakerless = new Set(broadcasts.filter((b) => !targets.get(b.id)!.length).map((b) => b.id));
    const withdrawn = await this.skip(manager, new Map([...speakerless].map((id) => [id, 'no speakers to play on'])));
    const airing = broadcasts.filter((b) => !speakerless.has(b.id));
    const created = await this.deliveries.createPendingMany(manager, airing.map((b) => ({ broadcastId: b.id, targets: targets.get(b.id) as DeliveryTarget[] })), this.clock.now());
    return { created, speakerless, withdrawn };
  }

  /**
   * Every broadcast on air whose end plus the receipt grace has passed by `cutoff`: its pending
   * deliveries become `missed` and it ends `completed`, `partial` or `missed`.
   */
  async finaliseDue(cutoff: Date): Promise<number> {
    const endedBy = new Date(cutoff.getTime() - this.config.LOA_RECEIPT_GRACE_SEC * 1000);
    // A broadcast still waiting for its deliveries (a crash between the dispatch steps) gets them first.
    await this.fill(endedBy);
    let finalised = 0;
    for (;;) {
      const ids = await this.transactions.run(async (manager) => {
        const now = this.clock.now();
        const claimed = await this.broadcasts.claimEnded(manager, endedBy, now, FILL_BATCH);
        if (!claimed.length) return claimed;
        await this.deliveries.markMissed(manager, claimed, now);
        await this.broadcasts.finalise(manager, claimed, now);
        return claimed;
      });
      finalised += ids.length;
      if (ids.length) this.logger.log(`${ids.length} broadcast(s) finalised`);
      if (ids.length < FILL_BATCH) return finalised;
    }
  }

  /** On-air broadcasts that cannot air after all: back off air, with the reason; answers them, for their receivers to be told. */
  private async skip(manager: EntityManager, skips: Map<string, string>): Promise<MovedBroadcast[]> {
    const byReason = new Map<string, string[]>();
    for (const [id, reason] of skips) {
      const ids = byReason.get(reason);
      if (ids) ids.push(id);
      else byReason.set(reason, [id]);
    }
    const skipped: MovedBroadcast[] = [];
    for (const [reason, ids] of byReason) skipped.push(...(await this.broadcasts.transition(manager, ids, ['on_air'], 'skipped', { reason, onAirAt: null })));
    return skipped;
  }

  /** Redis is only a timer: if this fails, the tick's reconciliation queues the job again. */
  private async queueFinalise(airing: ClaimedBroadcast[]): Promise<void> {
    try {
      await this.jobs.finaliseAfter(airing.map((b) => b.endsAt), this.config.LOA_RECEIPT_GRACE_SEC);
    } catch (error) {
      this.logger.warn(`finalise jobs not queued (the next tick will): ${(error as Error).message}`);
    }
  }
}
