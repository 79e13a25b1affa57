import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DeviceNotifier } from './device-notifier.js';

/** The first window after start-up reaches this far back, for broadcasts that came within the lookahead while no worker ran. */
const FIRST_WINDOW_MS = 5 * 60_000;

/**
 * Broadcasts are materialised up to LOA_HORIZON_HOURS ahead, further than receivers are told of
 * (LOA_DEVICE_LOOKAHEAD_HOURS, as in /device/queue). A receiver that stays connected for days must still
 * hear of each one in time to fetch its audio: every scheduler tick announces the broadcasts whose start
 * has come within the lookahead since the last tick. Several workers may each announce a window;
 * receivers take a repeated item as the same broadcast.
 */
@Injectable()
export class LookaheadAnnouncer {
  private readonly logger = new Logger(LookaheadAnnouncer.name);
  private announcedUntil?: number;

  constructor(private readonly notifier: DeviceNotifier, private readonly clock: Clock, private readonly config: AppConfig) {}

  async announce(): Promise<void> {
    const until = this.clock.now().getTime() + this.config.LOA_DEVICE_LOOKAHEAD_HOURS * 3_600_000;
    const from = this.announcedUntil ?? until - FIRST_WINDOW_MS;
    if (from >= until) return;
    try {
      await this.notifier.announceEntering(new Date(from), new Date(until));
      this.announcedUntil = until;
    } catch (error) {
      this.logger.warn(`broadcasts entering the lookahead not announced (next tick retries): ${(error as Error).message}`);
    }
  }
}
