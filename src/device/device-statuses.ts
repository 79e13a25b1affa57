import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AuthDevice } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';
import type { DeviceStatusReport } from './device-status.dto.js';
import { SeenSpeakers } from './seen-speakers.js';

/** Short enough that a broadcast's progress shows a receiver playing within a second of its report. */
const FLUSH_INTERVAL_MS = 250;

/**
 * Receivers' status reports (POST /device/status): every receiver reports each minute and whenever it
 * starts or stops playing, so a national fleet sends hundreds a second (an emergency: one from each
 * receiver within a second or two). The latest report of each speaker is kept and written together with
 * the others four times a second (one statement per 500), as last contacts are (SeenSpeakers).
 */
@Injectable()
export class DeviceStatuses implements OnApplicationShutdown {
  private readonly logger = new Logger(DeviceStatuses.name);
  private pending = new Map<string, { status: DeviceStatusReport; at: Date }>();
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly speakers: SpeakersRepository, private readonly seenSpeakers: SeenSpeakers, private readonly clock: Clock) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async report(caller: AuthDevice, status: DeviceStatusReport): Promise<void> {
    const at = this.clock.now();
    this.pending.set(caller.speakerId, { status, at });
    await this.seenSpeakers.seen(caller.speakerId, at);
  }

  flush(): Promise<void> {
    if (this.flushing || !this.pending.size) return this.flushing ?? Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.speakers
      .recordStatuses([...batch].map(([id, report]) => ({ id, ...report })))
      .catch((error: Error) => {
        for (const [id, report] of batch) if (!this.pending.has(id)) this.pending.set(id, report);
        this.logger.warn(`could not record ${batch.size} receivers' status: ${error.message}`);
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }
}
