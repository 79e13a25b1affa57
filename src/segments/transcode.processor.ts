import { access } from 'node:fs/promises';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AudioError } from '../common/audio-error.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { QueueName } from '../queue/queue.constants.js';
import { SpeechService } from '../speech/speech.service.js';
import { AudioStorage, removeFile } from '../storage/audio-storage.js';
import { SegmentRenderer } from './segment-renderer.js';
import type { SegmentEntity } from './segment.entity.js';
import { SegmentsRepository, type TranscodeResult } from './segments.repository.js';
import { SegmentsService, type TranscodeJob } from './segments.service.js';

export type TranscodeOutcome = 'ready' | 'failed' | 'skipped';

/**
 * Queue `transcode` (SPEC §3): probe, measure, render the broadcast rendition, record it; a spoken
 * bulletin (SPEC §10) is first synthesised into its source file.
 * Something wrong with the audio (an AudioError: a MediaError, or a SpeechError for the text) fails the segment at once with the reason; any
 * other error (database, disk, a crash) is retried by BullMQ with backoff, and only the last
 * attempt fails the segment. A worker that dies mid-job leaves a stalled job that BullMQ hands to
 * another worker.
 */
@Processor(QueueName.Transcode)
export class TranscodeProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TranscodeProcessor.name);

  constructor(
    private readonly segments: SegmentsRepository,
    private readonly segmentsService: SegmentsService,
    private readonly storage: AudioStorage,
    private readonly renderer: SegmentRenderer,
    private readonly speech: SpeechService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.LOA_TRANSCODE_CONCURRENCY;
  }

  async process(job: Job<TranscodeJob>): Promise<TranscodeOutcome> {
    const { segmentId } = job.data;
    const segment = await this.segments.get(segmentId);
    // Retired meanwhile, reaped, or a duplicate job: nothing to do.
    if (segment?.status !== 'processing') return 'skipped';
    try {
      const result = await this.transcode(segment);
      if (await this.segments.markReady(segmentId, result, this.clock.now())) return 'ready';
      await removeFile(this.storage.renditionPath(segmentId)); // retired or reaped while we worked
      return 'skipped';
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const ofTheAudio = error instanceof AudioError;
      if (!ofTheAudio && !lastAttempt) throw error;
      const reason = ofTheAudio ? error.message : 'audio processing failed repeatedly (internal error; see the worker log)';
      this.logger.warn(`segment ${segmentId} failed: ${(error as Error).message}${ofTheAudio && error.detail ? `\n${error.detail}` : ''}`);
      await this.segmentsService.failProcessing(segmentId, reason);
      return 'failed';
    }
  }

  private async transcode(segment: SegmentEntity): Promise<TranscodeResult> {
    const segmentId = segment.id;
    const source = this.storage.sourcePath(segmentId);
    if (segment.source === 'speech') await this.synthesise(segment, source);
    // Not a MediaError: the upload inserts the row just before it moves the file into place, and a
    // sweep may queue the job in between. The retry (after 5 s) finds it.
    await access(source).catch(() => {
      throw new Error(`source file ${source} is missing`);
    });
    return this.renderer.render(segmentId);
  }

  /** A spoken bulletin's source is its synthesised speech (made once: a retried job finds it). */
  private async synthesise(segment: SegmentEntity, source: string): Promise<void> {
    if (await access(source).then(() => true, () => false)) return;
    const voice = await this.speech.storedVoice(segment.voice!);
    await this.speech.synthesise(segment.spokenText!, voice, source);
  }
}
