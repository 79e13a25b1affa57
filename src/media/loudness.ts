import { assertNotSilent, DOWNMIX_SILENT } from './ebur128.js';
import type { FfmpegRunner } from './ffmpeg-runner.js';
import { MediaError } from './media-error.js';
import { assertAbsolute, type MediaProbe } from './probe.js';

export interface LoudnessResult {
  /** EBU R128 integrated loudness of the source as-is (all channels), LUFS. */
  integratedLufs: number;
  /** EBU R128 true peak of the source as-is, dBTP. */
  truePeakDbtp: number;
  /** EBU R128 loudness range, LU. */
  loudnessRange?: number;
  /**
   * Integrated loudness (LUFS) of the mono downmix the rendition is made from; equals
   * `integratedLufs` for mono sources. Pass it on to `renderBroadcast` to spare it a pass.
   */
  downmixLufs: number;
}

/** The rendition's mono downmix, as every stage makes it. */
export const DOWNMIX = 'aformat=sample_fmts=fltp:channel_layouts=mono';

/** Stage two: EBU R128 loudness of a source. */
export class LoudnessMeter {
  constructor(
    private readonly runner: FfmpegRunner,
    private readonly prober: MediaProbe,
  ) {}

  /**
   * EBU R128 measurement of the source (`ebur128=peak=true`), plus the loudness of its mono
   * downmix in the same decode pass.
   * Silence: throws MediaError("silent audio") when the integrated loudness is at ebur128's
   * -70 LUFS floor (nothing passes the absolute gate: digital silence, or audio shorter than
   * one 400 ms gating block) — such a file cannot be normalised and should fail the upload.
   */
  async measureLoudness(path: string): Promise<LoudnessResult> {
    assertAbsolute(path);
    const { channels } = await this.prober.probe(path);
    const chain = channels > 1 ? `ebur128=peak=true:framelog=verbose,${DOWNMIX},ebur128=framelog=verbose` : 'ebur128=peak=true:framelog=verbose';
    const summaries = await this.runner.ebur128(path, chain);
    const source = summaries[0];
    const downmix = channels > 1 ? summaries[1] : source;
    if (!source || !downmix || source.truePeak === undefined) {
      throw new MediaError('loudness measurement failed', 'no ebur128 summary in ffmpeg output');
    }
    assertNotSilent(source.integrated);
    assertNotSilent(downmix.integrated, DOWNMIX_SILENT);
    return {
      integratedLufs: source.integrated,
      truePeakDbtp: source.truePeak,
      loudnessRange: source.lra,
      downmixLufs: downmix.integrated,
    };
  }

}
