import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SpeakersRepository } from '../speakers/speakers.repository.js';

/** How often the refreshed last contacts of receivers already known here are written, together. */
const FLUSH_INTERVAL_MS = 1000;

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
  private pending = new Map<string, Date>();
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly speakers: SpeakersRepository, private readonly config: AppConfig) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async seen(speakerId: string, at: Date): Promise<void> {
    const last = this.takenAt.get(speakerId);
    if (last !== undefined && at.getTime() - last < this.refreshIntervalMs()) return;
    this.takenAt.set(speakerId, at.getTime());
    if (last !== undefined) {
      this.pending.set(speakerId, at);
      return;
    }
    try {
      await this.speakers.markSeen([{ id: speakerId, at }]);
    } catch (error) {
      this.takenAt.delete(speakerId); // the next poll tries again; the receiver still gets its queue
      this.logger.warn(`could not mark speaker ${speakerId} seen: ${(error as Error).message}`);
    }
  }

  /** Writes the refreshes taken since the last flush, in one statement. */
  flush(): Promise<void> {
    if (this.flushing || !this.pending.size) return this.flushing ?? Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.speakers
      .markSeen([...batch].map(([id, at]) => ({ id, at })))
      .catch((error: Error) => {
        for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at); // kept for the next flush
        this.logger.warn(`could not record ${batch.size} receivers' last contact: ${error.message}`);
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private refreshIntervalMs(): number {
    // A tenth of the offline threshold: `online` stays truthful with a margin.
    return Math.min(30_000, this.config.LOA_SPEAKER_OFFLINE_SEC * 100);
  }
}
