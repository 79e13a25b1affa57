import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { BroadcastStatus } from '../broadcasts/broadcast.entity.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { PushBus } from './push-bus.js';
import type { Announcement, PushMessage, Withdrawal } from './push-messages.js';
import { PushRepository, type AnnouncedBroadcast } from './push.repository.js';
import { QueueItems } from './queue-items.js';

/** Broadcasts per bus message: a national mass dispatch goes out in messages of a few hundred kB. */
const PER_MESSAGE = 500;
/** Slack on the lookahead's edge, so that this and the LookaheadAnnouncer overlap rather than leave a gap. */
const EDGE_SLACK_MS = 60_000;

/** A broadcast a receiver may have been told of that will not (or no longer) air. */
export interface WithdrawnBroadcast {
  id: string;
  areaId: string;
  speakerIds: string[] | null;
  status: BroadcastStatus;
}

/**
 * Tells receivers what changed, once the change has committed: the services that change broadcasts
 * and speakers call this, and it publishes on the push bus for the api processes holding the
 * receivers' streams. Events are prompt hints; `/device/queue` stays the source of truth, so a failure
 * here is logged and the change stands (receivers re-read their queue whenever they reconnect).
 * Notifications run in the background, in order: none delays the transaction or request that caused it.
 */
@Injectable()
export class DeviceNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(DeviceNotifier.name);
  /** Notifications go out one after another, in the order of the changes they report. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: PushBus,
    private readonly items: QueueItems,
    private readonly repository: PushRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Broadcasts created or gone on air, as rows already in hand. Like `/device/queue`, only those on air
   * or starting within LOA_DEVICE_LOOKAHEAD_HOURS: the others are announced as they enter it
   * (LookaheadAnnouncer), so an event always carries an item the receiver's queue would list.
   */
  announce(broadcasts: AnnouncedBroadcast[]): void {
    const edge = this.clock.now().getTime() + this.config.LOA_DEVICE_LOOKAHEAD_HOURS * 3_600_000 + EDGE_SLACK_MS;
    const due = broadcasts.filter((b) => b.status === 'on_air' || (b.status === 'scheduled' && b.startsAt.getTime() < edge));
    if (due.length) this.track('announce', () => this.publishAnnouncements(due));
  }

  /** The same, by id: read after the commit that made them (a dispatch has only ids in hand). */
  announceIds(ids: string[]): void {
    if (ids.length) this.track('announce', async () => this.publishAnnouncements((await this.repository.broadcastsByIds(ids)).filter((b) => b.status === 'on_air')));
  }

  /**
   * Scheduled broadcasts whose start has just come within the lookahead, [from, to): the scheduler
   * tick calls this each minute, each window starting where the last ended.
   */
  async announceEntering(from: Date, to: Date): Promise<void> {
    await this.publishAnnouncements(await this.repository.scheduledStarting(from, to));
  }

  withdraw(broadcasts: WithdrawnBroadcast[]): void {
    if (!broadcasts.length) return;
    const withdrawals = broadcasts.map((b): Withdrawal => ({ areaId: b.areaId, speakerIds: b.speakerIds, broadcastId: b.id, status: b.status }));
    this.track('withdraw', async () => {
      for (let i = 0; i < withdrawals.length; i += PER_MESSAGE) await this.bus.publish({ kind: 'withdraw', broadcasts: withdrawals.slice(i, i + PER_MESSAGE) });
    });
  }

  tokenRevoked(speakerId: string): void {
    this.track('revoke', () => this.bus.publish({ kind: 'revoke', speakerId }));
  }

  speakerMoved(speakerId: string): void {
    this.track('moved', () => this.bus.publish({ kind: 'moved', speakerId }));
  }

  /** Resolves when every notification started so far has been published (or has failed). */
  async settled(): Promise<void> {
    let tail;
    do await (tail = this.tail);
    while (tail !== this.tail);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  private async publishAnnouncements(broadcasts: AnnouncedBroadcast[]): Promise<void> {
    for (let i = 0; i < broadcasts.length; i += PER_MESSAGE) {
      const batch = broadcasts.slice(i, i + PER_MESSAGE);
      const items = await this.items.build(batch);
      const message: PushMessage = { kind: 'announce', broadcasts: batch.map((b, n): Announcement => ({ areaId: b.areaId, speakerIds: b.speakerIds, item: items[n] })) };
      await this.bus.publish(message);
    }
  }

  private track(what: string, work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((error: Error) => this.logger.warn(`receivers not told (${what}); they learn it from their queue: ${error.message}`));
  }
}
