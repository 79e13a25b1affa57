import type { FfmpegRunner } from './ffmpeg-runner.js';
import { assertAbsolute } from './probe.js';

/** How long the attention signal before an alert lasts (SPEC §11: "a short attention signal"). */
export const ATTENTION_SIGNAL_SEC = 2;

/**
 * Three struck-bell tones rising a fifth and a sixth (660, 880, 1100 Hz, each with its octave, decaying),
 * the public-address chime people know means "listen": made by ffmpeg, so the repository holds no audio.
 */
const CHIME =
  "aevalsrc='(sin(2*PI*F*t)+0.3*sin(4*PI*F*t))*0.45*exp(-4*mod(t,0.62))*lt(t,1.86)':s=44100:d=" + ATTENTION_SIGNAL_SEC;
const FREQUENCY = 'if(lt(t,0.62),660,if(lt(t,1.24),880,1100))';

/** Stage zero for alerts: the attention signal as a WAV file. */
export class SignalGenerator {
  constructor(private readonly runner: FfmpegRunner) {}

  async attentionSignal(dest: string): Promise<void> {
    assertAbsolute(dest);
    await this.runner.ffmpeg(CHIME.replaceAll('F', `(${FREQUENCY})`), ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-f', 'lavfi'], ['-c:a', 'pcm_s16le', '-f', 'wav'], dest);
  }
}
