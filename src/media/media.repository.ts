import { Injectable } from '@nestjs/common';
import { SignalGenerator } from './attention-signal.js';
import { BroadcastRenderer, type RenderOptions, type RenderResult } from './broadcast-render.js';
import { FfmpegRunner, type MediaCommand } from './ffmpeg-runner.js';
import { LoudnessMeter, type LoudnessResult } from './loudness.js';
import { MediaProbe, type ProbeResult } from './probe.js';

export { ATTENTION_SIGNAL_SEC } from './attention-signal.js';
export { BROADCAST_FORMAT, type RenderOptions, type RenderResult } from './broadcast-render.js';
export { parseEbur128, type Ebur128Summary } from './ebur128.js';
export type { MediaCommand } from './ffmpeg-runner.js';
export type { LoudnessResult } from './loudness.js';
export { MediaError } from './media-error.js';
export type { ProbeResult } from './probe.js';

/**
 * The media adapter: the only code in Loa that runs ffmpeg/ffprobe (through fluent-ffmpeg, which is
 * archived upstream — `FfmpegRunner` is what to replace; nothing outside this folder imports it).
 * One class per stage: probe (`MediaProbe`), measure (`LoudnessMeter`), render (`BroadcastRenderer`),
 * and the generated attention signal of alerts (`SignalGenerator`).
 *
 * Broadcast rendition (SPEC §3): mono, 44.1 kHz, MP3 CBR 64 kbit/s (libmp3lame), -16 LUFS
 * integrated (±1.5 LU), true peak <= -1 dBTP, both measured on the encoded MP3 with
 * ffmpeg's EBU R128 meter (`ebur128=peak=true`).
 *
 * Normalisation is one linear gain plus a sample-peak limiter with a true-peak margin — not
 * two-pass `loudnorm`, whose 192 kHz internal resampling makes it about twice as slow overall:
 *   1. measure the source (as-is, reported as the segment's loudness) and, in the same decode
 *      pass, the mono downmix exactly as the render will produce it (a stereo→mono downmix
 *      changes loudness by 0 to -3 dB depending on how correlated the channels are);
 *   2. render: downmix → 44.1 kHz → volume=(target + 0.4 - downmixLufs) dB → alimiter at
 *      (maxTruePeak - 2.5 dB) sample peak → libmp3lame. The +0.4 dB makes up the loudness the
 *      64k MP3 encoder loses. When the source's peaks say the limiter will bite, a cheap
 *      pre-pass (same chain at that gain and 3 dB above, no encoder, ebur128 without true
 *      peak) measures the loudness the limiter takes away and how it grows with gain, and the
 *      gain makes it up along that slope;
 *   3. verify: measure the encoded MP3 itself; if out of bounds, one corrective pass (gain
 *      corrected by the measured error, limit lowered by the measured codec/inter-sample
 *      overshoot) and a second verification; still out of bounds → MediaError.
 *
 * Errors meant for people (upload 415, segment `error`) are `MediaError`s with a plain message;
 * the ffmpeg/ffprobe stderr tail, when there is one, is in `MediaError.detail` (for logs).
 */
@Injectable()
export class MediaRepository {
  private readonly runner = new FfmpegRunner();
  private readonly prober = new MediaProbe(this.runner);
  private readonly meter = new LoudnessMeter(this.runner, this.prober);
  private readonly renderer = new BroadcastRenderer(this.runner, this.prober);
  private readonly signals = new SignalGenerator(this.runner);

  /** Benchmark/diagnostic hook: called with the exact argv of every ffmpeg/ffprobe run. */
  setCommandObserver(observer: ((command: MediaCommand) => void) | undefined): void {
    this.runner.setCommandObserver(observer);
  }

  /** e.g. "5.1.9-0+deb12u1" — for the health check (cached for a minute); MediaError if ffmpeg cannot run. */
  ffmpegVersion(): Promise<string> {
    return this.runner.ffmpegVersion();
  }

  /** Container/stream facts. Throws MediaError for unreadable files and files without audio. */
  probe(path: string): Promise<ProbeResult> {
    return this.prober.probe(path);
  }

  /** Upload-time content sniff (one ffprobe, ~50 ms): true only if there is a usable audio stream. */
  isAudio(path: string): Promise<boolean> {
    return this.prober.isAudio(path);
  }

  /** EBU R128 of the source and of its mono downmix, in one decode; MediaError("silent audio") for silence. */
  measureLoudness(path: string): Promise<LoudnessResult> {
    return this.meter.measureLoudness(path);
  }

  /** Writes the broadcast rendition of `src` to `dest` and returns what was measured on the written MP3. */
  renderBroadcast(src: string, dest: string, opts: RenderOptions): Promise<RenderResult> {
    return this.renderer.renderBroadcast(src, dest, opts);
  }

  /** Writes the ~2 s attention signal played before an alert (a WAV, to be rendered like any source). */
  attentionSignal(dest: string): Promise<void> {
    return this.signals.attentionSignal(dest);
  }
}
