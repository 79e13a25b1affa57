import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AuthDevice } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';
import type { DeviceStatusReport } from './device-status.dto.js';
import { WriteBehind } from '../common/write-behind.js';
import { SeenSpeakers } from './seen-speakers.js';

/**
 * Receivers' status reports (POST /device/status): every receiver reports each minute, so a national
 * fleet sends hundreds a second. The latest report of each speaker is kept and written together with
 * the others once a second (one statement per 500), as last contacts are (SeenSpeakers).
 */
@Injectable()
export class DeviceStatuses implements OnApplicationShutdown {
  private readonly statuses = new WriteBehind<{ status: DeviceStatusReport; at: Date }>(
    (batch) => this.speakers.recordStatuses(batch.map(([id, report]) => ({ id, ...report }))),
    new Logger(DeviceStatuses.name),
    "receivers' status",
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
