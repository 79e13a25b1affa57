import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MediaError, MediaRepository } from '../media/media.repository.js';
import { AudioStorage, sha256File } from '../storage/audio-storage.js';
import type { TranscodeResult } from './segments.repository.js';

/**
 * A segment's source file into its broadcast rendition (SPEC §3): probe, duration limit, loudness,
 * render. Run by the transcode queue for uploads and spoken bulletins, and in the request for alerts.
 */
@Injectable()
export class SegmentRenderer {
  constructor(
    private readonly media: MediaRepository,
    private readonly storage: AudioStorage,
    private readonly config: AppConfig,
  ) {}

  async render(segmentId: string): Promise<TranscodeResult> {
    const source = this.storage.sourcePath(segmentId);
    const probed = await this.media.probe(source);
    if (!(probed.durationSec > 0)) throw new MediaError('the audio has no duration');
    const maxSec = this.config.LOA_MAX_SEGMENT_SEC;
    if (probed.durationSec > maxSec) {
      throw new MediaError(`the audio lasts ${formatDuration(probed.durationSec)}; a segment may last at most ${formatDuration(maxSec)}`);
    }
    const loudness = await this.media.measureLoudness(source);
    const rendition = this.storage.renditionPath(segmentId);
    const rendered = await this.media.renderBroadcast(source, rendition, {
      sourceLufs: loudness.integratedLufs,
      sourceTruePeak: loudness.truePeakDbtp,
      downmixLufs: loudness.downmixLufs,
    });
    return {
      durationSec: Math.round(rendered.durationSec * 1000) / 1000,
      loudnessLufs: loudness.integratedLufs,
      renditionLufs: rendered.integratedLufs,
      renditionTruePeakDb: rendered.truePeakDbtp,
      renditionSha256: await sha256File(rendition),
      renditionBytes: rendered.sizeBytes,
    };
  }
}

/** 95 → "1 min 35 s", 1800.4 → "30 min 0.4 s" (tenths, so an overrun never reads as the limit itself). */
export function formatDuration(totalSec: number): string {
  const tenths = Math.round(totalSec * 10);
  const [hours, minutes, seconds] = [Math.floor(tenths / 36_000), Math.floor((tenths % 36_000) / 600), (tenths % 600) / 10];
  const parts = [hours && `${hours} h`, minutes && `${minutes} min`, (seconds || (!hours && !minutes)) && `${seconds} s`];
  return parts.filter(Boolean).join(' ');
}
