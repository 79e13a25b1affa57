import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { assertNotSilent, DOWNMIX_SILENT } from './ebur128.js';
import type { FfmpegRunner } from './ffmpeg-runner.js';
import { DOWNMIX } from './loudness.js';
import { MediaError } from './media-error.js';
import { assertAbsolute, type MediaProbe } from './probe.js';

export interface RenderOptions {
  /** Source integrated loudness from `measureLoudness` (LUFS). */
  sourceLufs: number;
  /**
   * Source true peak from `measureLoudness` (dBTP). Decides whether the limiter will bite and
   * its loudness loss must be measured first; pass -Infinity/NaN if unknown (then it always is).
   */
  sourceTruePeak: number;
  /**
   * `measureLoudness(...).downmixLufs`. Optional: when absent and the source has more than one
   * channel, renderBroadcast measures the downmix itself (one extra, cheap decode pass).
   */
  downmixLufs?: number;
  /** Integrated loudness target, LUFS. Default -16 (the broadcast standard; ±1.5 LU accepted). */
  targetLufs?: number;
  /** True-peak ceiling, dBTP. Default -1. */
  maxTruePeakDbtp?: number;
}

export interface RenderResult {
  /** Duration of the written MP3 (seconds). */
  durationSec: number;
  /** Integrated loudness measured on the written MP3 (LUFS). */
  integratedLufs: number;
  /** True peak measured on the written MP3 (dBTP). */
  truePeakDbtp: number;
  sizeBytes: number;
  /** Render passes used: 1, or 2 when a corrective pass was needed. */
  passes: number;
  /** Gain (dB) and sample-peak limit (dBFS) of the accepted pass, for logs. */
  gainDb: number;
  limitDbfs: number;
}

export const BROADCAST_FORMAT = {
  sampleRate: 44100,
  channels: 1,
  bitrateKbps: 64,
  codec: 'mp3',
  targetLufs: -16,
  toleranceLu: 1.5,
  maxTruePeakDbtp: -1,
} as const;

/** Sample-peak limit below the true-peak ceiling: covers inter-sample and MP3-coding overshoot. */
const LIMITER_MARGIN_DB = 2.5;
/**
 * libmp3lame at 64 kbit/s reads 0.4-0.5 LU quieter than its input on speech and speech-like
 * noise (measured with ebur128 on flite speech and on the test fixtures; also at 128k). The
 * limiter can only take loudness away too, so the first pass aims this much above the target.
 */
const CODEC_LOSS_COMPENSATION_DB = 0.4;
/** Second probe point of the limiter pre-pass, dB above the first. */
const PROBE_STEP_DB = 3;
/** Floor for the measured loudness-per-gain slope (keeps the gain extrapolation bounded). */
const MIN_SLOPE = 0.25;
/** Upper bound of (mono downmix peak - loudest source channel peak): swr's 1/√2 per channel. */
const DOWNMIX_PEAK_HEADROOM_DB = 3.02;
/** Extra margin when a corrective pass lowers the limit after a measured overshoot. */
const CORRECTION_MARGIN_DB = 0.5;
/** alimiter's `limit` range is [0.0625, 1]. */
const MIN_LIMIT_DBFS = 20 * Math.log10(0.0625);

/** Stage three: the broadcast rendition (gain, limiter, MP3), verified on the encoded file. */
export class BroadcastRenderer {
  constructor(
    private readonly runner: FfmpegRunner,
    private readonly prober: MediaProbe,
  ) {}

  /**
   * Writes the broadcast rendition of `src` to `dest` (temp file beside it, renamed on success,
   * removed on failure) and returns what was measured on the written MP3.
   */
  async renderBroadcast(src: string, dest: string, opts: RenderOptions): Promise<RenderResult> {
    assertAbsolute(src);
    assertAbsolute(dest);
    const target = opts.targetLufs ?? BROADCAST_FORMAT.targetLufs;
    const maxTp = opts.maxTruePeakDbtp ?? BROADCAST_FORMAT.maxTruePeakDbtp;
    const tolerance = BROADCAST_FORMAT.toleranceLu;
    if (![opts.sourceLufs, target, maxTp].every(Number.isFinite)) {
      throw new MediaError('invalid loudness parameters');
    }
    assertNotSilent(opts.sourceLufs);

    let downmixLufs = opts.downmixLufs;
    if (downmixLufs === undefined) {
      const { channels } = await this.prober.probe(src);
      if (channels > 1) {
        const [downmix] = await this.runner.ebur128(src, `${DOWNMIX},ebur128=framelog=verbose`);
        if (!downmix) throw new MediaError('loudness measurement failed', 'no ebur128 summary in ffmpeg output');
        downmixLufs = downmix.integrated;
      } else {
        downmixLufs = opts.sourceLufs;
      }
    }
    if (!Number.isFinite(downmixLufs)) throw new MediaError('invalid loudness parameters');
    assertNotSilent(downmixLufs, DOWNMIX_SILENT);

    await mkdir(dirname(dest), { recursive: true });
    const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.part`);
    // Aim the pre-encode signal at target + expected codec loss.
    const preEncodeTarget = target + CODEC_LOSS_COMPENSATION_DB;
    let gainDb = preEncodeTarget - downmixLufs;
    let limitDbfs = Math.max(MIN_LIMIT_DBFS, maxTp - LIMITER_MARGIN_DB);
    // d(output loudness)/d(gain): 1 while the limiter idles, less and less the harder it works.
    let slope = 1;
    // A downmix peaks at most 3 dB above its loudest channel (in-phase channels, 1/√2 each).
    const peakBound = Number.isFinite(opts.sourceTruePeak) ? opts.sourceTruePeak + DOWNMIX_PEAK_HEADROOM_DB : Infinity;
    if (peakBound + gainDb > limitDbfs) {
      // The limiter will bite and take loudness away. Measure how much, at this gain and one
      // step above (one cheap pass: no encoder, no true-peak oversampling), and make it up
      // along that slope, so that the first render usually lands on target.
      const [at, above] = await this.limitedLoudness(src, [gainDb, gainDb + PROBE_STEP_DB], limitDbfs);
      slope = Math.min(1, Math.max(MIN_SLOPE, (above - at) / PROBE_STEP_DB));
      gainDb += Math.max(0, preEncodeTarget - at) / slope;
    }
    try {
      for (let pass = 1; ; pass++) {
        await this.render(src, tmp, gainDb, limitDbfs);
        const [out] = await this.runner.ebur128(tmp, 'ebur128=peak=true:framelog=verbose');
        if (!out || out.truePeak === undefined) {
          throw new MediaError('loudness verification failed', 'no ebur128 summary in ffmpeg output');
        }
        const loudnessOk = Math.abs(out.integrated - target) <= tolerance;
        const peakOk = out.truePeak <= maxTp;
        if (loudnessOk && peakOk) {
          const probed = await this.prober.probe(tmp);
          if (probed.codec !== BROADCAST_FORMAT.codec || probed.channels !== 1 || probed.sampleRate !== BROADCAST_FORMAT.sampleRate) {
            throw new MediaError('rendition has the wrong format', JSON.stringify(probed));
          }
          const { size } = await stat(tmp);
          await rename(tmp, dest);
          return {
            durationSec: probed.durationSec,
            integratedLufs: out.integrated,
            truePeakDbtp: out.truePeak,
            sizeBytes: size,
            passes: pass,
            gainDb: round2(gainDb),
            limitDbfs: round2(limitDbfs),
          };
        }
        if (pass >= 2) {
          throw new MediaError(
            `could not normalise loudness: rendition measured ${out.integrated} LUFS, ${out.truePeak} dBTP ` +
              `(wanted ${target} ±${tolerance} LUFS, at most ${maxTp} dBTP)`,
          );
        }
        // Corrective pass. The limiter holds sample peaks at limitDbfs; what the meter sees
        // above it is inter-sample + codec overshoot, assumed to stay the same at the new level.
        const overshoot = out.truePeak - limitDbfs;
        limitDbfs = Math.max(MIN_LIMIT_DBFS, Math.min(limitDbfs, maxTp - overshoot - CORRECTION_MARGIN_DB));
        gainDb += (target - out.integrated) / slope;
      }
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /** The rendition's signal chain before the encoder: downmix → 44.1 kHz → gain → limiter. */
  private static gainAndLimit(gainDb: number, limitDbfs: number): string {
    const limit = Math.min(1, 10 ** (limitDbfs / 20));
    return `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(5)}:attack=5:release=50:level=false:latency=true`;
  }

  /** Integrated loudness of the pre-encoder signal at each gain, all from one decode pass. */
  private async limitedLoudness(src: string, gains: number[], limitDbfs: number): Promise<number[]> {
    const labels = gains.map((_, i) => `[p${i}]`);
    const branches = gains.map(
      (g, i) => `${labels[i]}${BroadcastRenderer.gainAndLimit(g, limitDbfs)},ebur128=framelog=verbose${i < gains.length - 1 ? ',anullsink' : ''}`,
    );
    const chain = `${DOWNMIX},aresample=${BROADCAST_FORMAT.sampleRate},asplit=${gains.length}${labels.join('')};${branches.join(';')}`;
    const summaries = await this.runner.ebur128(src, chain);
    if (summaries.length !== gains.length) throw new MediaError('loudness measurement failed', 'missing ebur128 summaries in ffmpeg output');
    return summaries.map((s) => s.integrated);
  }

  private render(src: string, out: string, gainDb: number, limitDbfs: number): Promise<string> {
    const filter = `${DOWNMIX},aresample=${BROADCAST_FORMAT.sampleRate},${BroadcastRenderer.gainAndLimit(gainDb, limitDbfs)}`;
    return this.runner.ffmpeg(
      src,
      ['-hide_banner', '-nostdin', '-nostats', '-v', 'error'],
      [
        '-map', '0:a:0', '-map_metadata', '-1', '-vn', '-sn', '-dn',
        '-af', filter,
        // LAME's algorithm quality 5 instead of 3: inaudible at 64 kbit/s speech on horn loudspeakers, ~10% less CPU.
        '-c:a', 'libmp3lame', '-b:a', `${BROADCAST_FORMAT.bitrateKbps}k`, '-compression_level', '5',
        '-ar', String(BROADCAST_FORMAT.sampleRate), '-ac', String(BROADCAST_FORMAT.channels),
        '-f', 'mp3',
      ],
      out,
    );
  }

}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
