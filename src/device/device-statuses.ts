import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AuthDevice } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';
import type { DeviceStatusReport } from './device-status.dto.js';
import { WriteBehind } from '../common/write-behind.js';
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
  private readonly statuses = new WriteBehind<{ status: DeviceStatusReport; at: Date }>(
    (batch) => this.speakers.recordStatuses(batch.map(([id, report]) => ({ id, ...report }))),
    new Logger(DeviceStatuses.name),
    "receivers' status",
    FLUSH_INTERVAL_MS,
  );

  constructor(private readonly speakers: SpeakersRepository, private readonly seenSpeakers: SeenSpeakers, private readonly clock: Clock) {}

  async report(caller: AuthDevice, status: DeviceStatusReport): Promise<void> {
    const at = this.clock.now();
    this.statuses.set(caller.speakerId, { status, at });
    await this.seenSpeakers.seen(caller.speakerId, at);
  }

  onApplicationShutdown(): Promise<void> {
    return this.statuses.close();
  }
}
