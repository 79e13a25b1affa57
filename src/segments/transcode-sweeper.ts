import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { AudioStorage } from '../storage/audio-storage.js';
import { SegmentsRepository } from './segments.repository.js';
import { SegmentsService } from './segments.service.js';

const SWEEP_INTERVAL_MS = 60_000;

export interface SweepResult {
  requeued: number;
  reaped: number;
  partialsRemoved: number;
}

/**
 * The database is the source of truth for what still needs transcoding: at start-up and every
 * minute, each worker process re-queues every `processing` segment (idempotent: the job id is the
 * segment id), so a segment survives a Redis that lost its contents or an upload whose enqueue
 * failed. Segments processing longer than LOA_PROCESSING_TIMEOUT_SEC are reaped to `failed`, and
 * partial files that crashed uploads and renders left behind are removed.
 */
@Injectable()
export class TranscodeSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TranscodeSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly segments: SegmentsRepository,
    private readonly segmentsService: SegmentsService,
    private readonly storage: AudioStorage,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepInBackground();
    this.timer = setInterval(() => this.sweepInBackground(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<SweepResult> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.LOA_PROCESSING_TIMEOUT_SEC * 1000);
    const result: SweepResult = { requeued: 0, reaped: 0, partialsRemoved: 0 };
    for (const segment of await this.segments.processing()) {
      if (segment.createdAt < cutoff) {
        await this.segmentsService.failProcessing(segment.id, `processing did not finish within ${this.config.LOA_PROCESSING_TIMEOUT_SEC} s; please upload it again`);
        result.reaped++;
      } else {
        await this.segmentsService.enqueueTranscode(segment.id);
        result.requeued++;
      }
    }
    result.partialsRemoved = await this.storage.removeStalePartials(cutoff);
    if (result.reaped || result.partialsRemoved) this.logger.warn(`transcode sweep: ${JSON.stringify(result)}`);
    return result;
  }

  /** One sweep at a time; a failure (Redis or the database away) waits for the next minute. */
  private sweepInBackground(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: Error) => this.logger.warn(`transcode sweep failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }
}
