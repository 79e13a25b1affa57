import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { AppConfig } from '../config/app-config.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';

/**
 * Keeps each speaker's lastSeenAt truthful without a database write per poll. A speaker's first
 * poll seen by this process is written at once (an operator waiting for a newly installed receiver
 * sees it come online); after that, at most one refresh per speaker every tenth of the offline
 * threshold (at most 30 s), and those refreshes are written together once a second: a fleet of
 * thousands polling every few seconds costs one statement a second, not hundreds of commits.
 */
@Injectable()
export class SeenSpeakers implements OnApplicationShutdown {
  private readonly logger = new Logger(SeenSpeakers.name);
  /** When each speaker's contact was last taken for writing. */
  private readonly takenAt = new Map<string, number>();
  private readonly refreshes = new WriteBehind<Date>(
    (batch) => this.speakers.markSeen(batch.map(([id, at]) => ({ id, at }))),
    this.logger,
    "receivers' last contact",
  );

  constructor(private readonly speakers: SpeakersRepository, private readonly config: AppConfig) {}

  async seen(speakerId: string, at: Date): Promise<void> {
    const last = this.takenAt.get(speakerId);
    if (last !== undefined && at.getTime() - last < this.refreshIntervalMs()) return;
    this.takenAt.set(speakerId, at.getTime());
    if (last !== undefined) {
      this.refreshes.set(speakerId, at);
      return;
    }
    try {
      await this.speakers.markSeen([{ id: speakerId, at }]);
    } catch (error) {
      this.takenAt.delete(speakerId); // the next poll tries again; the receiver still gets its queue
      this.logger.warn(`could not mark speaker ${speakerId} seen: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): Promise<void> {
    return this.refreshes.close();
  }

  private refreshIntervalMs(): number {
    // A tenth of the offline threshold: `online` stays truthful with a margin.
    return Math.min(30_000, this.config.LOA_SPEAKER_OFFLINE_SEC * 100);
  }
}
