import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import type { FfprobeData } from 'fluent-ffmpeg';

/**
 * The media adapter: the only code in Loa that runs ffmpeg/ffprobe (through fluent-ffmpeg,
 * which is archived upstream — replace this folder to swap it out; nothing else imports it).
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

/** Raised for anything wrong with the media itself; `message` is fit to show to a user. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    message: string,
    /** Tool output (stderr tail) for logs; not for end users. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface ProbeResult {
  /** ffprobe's format_name, e.g. 'mp3', 'wav', 'ogg', 'flac', 'mov,mp4,m4a,3gp,3g2,mj2'. */
  formatName: string;
  /** Container duration (or the first audio stream's) in seconds; 0 when unknown. */
  durationSec: number;
  /** Number of audio streams (>= 1, otherwise probe throws "no audio stream"). */
  audioStreams: number;
  /** The first audio stream's codec (the one every other method reads), e.g. 'mp3', 'pcm_s16le'. */
  codec: string;
  channels: number;
  sampleRate: number;
  /** Bits per second of the first audio stream, else of the container; null when unknown. */
  bitRate: number | null;
}

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

/** One external command as issued (for benchmarks/diagnostics; see `setCommandObserver`). */
export interface MediaCommand {
  binary: string;
  args: string[];
  /** fluent-ffmpeg's own rendering of the command line ('ffmpeg ' + args joined by spaces), when it reports one. */
  commandLine?: string;
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
/** ebur128 reports -70 LUFS (its absolute gate) when nothing passes the gate. */
const SILENCE_LUFS = -70;
/** alimiter's `limit` range is [0.0625, 1]. */
const MIN_LIMIT_DBFS = 20 * Math.log10(0.0625);
/** No single ffmpeg run may take longer (a 30-minute segment needs well under a minute). */
const FFMPEG_TIMEOUT_SEC = 3600;

const DOWNMIX = 'aformat=sample_fmts=fltp:channel_layouts=mono';

@Injectable()
export class MediaRepository {
  private readonly ffmpegPath = process.env.FFMPEG_PATH || 'ffmpeg';
  private readonly ffprobePath = process.env.FFPROBE_PATH || 'ffprobe';
  private observer?: (command: MediaCommand) => void;
  private version?: { value: Promise<string>; at: number };

  /** Benchmark/diagnostic hook: called with the exact argv of every ffmpeg/ffprobe run. */
  setCommandObserver(observer: ((command: MediaCommand) => void) | undefined): void {
    this.observer = observer;
  }

  /**
   * e.g. "5.1.9-0+deb12u1" — for the health check (runs `ffmpeg -version`, cached for a minute).
   * Rejects with MediaError("ffmpeg is not available") if ffmpeg cannot be run.
   */
  ffmpegVersion(): Promise<string> {
    if (this.version && Date.now() - this.version.at < 60_000) return this.version.value;
    const value = new Promise<string>((resolve, reject) => {
      execFile(this.ffmpegPath, ['-hide_banner', '-version'], { timeout: 10_000 }, (err, stdout) => {
        if (err) return reject(new MediaError('ffmpeg is not available', err.message));
        const m = /^ffmpeg version (\S+)/m.exec(stdout);
        resolve(m ? m[1] : stdout.split('\n')[0].trim());
      });
    });
    const entry = { value, at: Date.now() };
    this.version = entry;
    value.catch(() => {
      if (this.version === entry) this.version = undefined; // do not cache a failure
    });
    return value;
  }

  /** Container/stream facts. Throws MediaError for unreadable files and files without audio. */
  async probe(path: string): Promise<ProbeResult> {
    assertAbsolute(path);
    let data: FfprobeData;
    try {
      data = await this.ffprobe(path);
    } catch (err) {
      if (isToolFailure(err)) throw new Error(`ffprobe could not run: ${errorText(err)}`);
      throw new MediaError('not a readable audio file', errorText(err));
    }
    const audio = (data.streams ?? []).filter((s) => s.codec_type === 'audio');
    if (audio.length === 0) throw new MediaError('no audio stream');
    const first = audio[0];
    const codec = typeof first.codec_name === 'string' ? first.codec_name : '';
    const channels = num(first.channels) ?? 0;
    const sampleRate = num(first.sample_rate) ?? 0;
    if (!codec || codec === 'unknown' || channels < 1 || sampleRate < 1) {
      throw new MediaError('not a readable audio file', `unusable audio stream: codec=${codec} channels=${channels} rate=${sampleRate}`);
    }
    return {
      formatName: String(data.format?.format_name ?? ''),
      durationSec: num(data.format?.duration) ?? num(first.duration) ?? 0,
      audioStreams: audio.length,
      codec,
      channels,
      sampleRate,
      bitRate: num(first.bit_rate) ?? num(data.format?.bit_rate) ?? null,
    };
  }

  /**
   * Upload-time content sniff (one ffprobe, ~50 ms): true only if there is a usable audio stream.
   * Rejects (plain Error, not false) when ffprobe itself cannot run.
   */
  async isAudio(path: string): Promise<boolean> {
    try {
      await this.probe(path);
      return true;
    } catch (err) {
      if (err instanceof MediaError) return false;
      throw err;
    }
  }

  /**
   * EBU R128 measurement of the source (`ebur128=peak=true`), plus the loudness of its mono
   * downmix in the same decode pass.
   * Silence: throws MediaError("silent audio") when the integrated loudness is at ebur128's
   * -70 LUFS floor (nothing passes the absolute gate: digital silence, or audio shorter than
   * one 400 ms gating block) — such a file cannot be normalised and should fail the upload.
   */
  async measureLoudness(path: string): Promise<LoudnessResult> {
    assertAbsolute(path);
    const { channels } = await this.probe(path);
    const chain = channels > 1 ? `ebur128=peak=true:framelog=verbose,${DOWNMIX},ebur128=framelog=verbose` : 'ebur128=peak=true:framelog=verbose';
    const summaries = await this.ebur128(path, chain);
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
      const { channels } = await this.probe(src);
      if (channels > 1) {
        const [downmix] = await this.ebur128(src, `${DOWNMIX},ebur128=framelog=verbose`);
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
        const [out] = await this.ebur128(tmp, 'ebur128=peak=true:framelog=verbose');
        if (!out || out.truePeak === undefined) {
          throw new MediaError('loudness verification failed', 'no ebur128 summary in ffmpeg output');
        }
        const loudnessOk = Math.abs(out.integrated - target) <= tolerance;
        const peakOk = out.truePeak <= maxTp;
        if (loudnessOk && peakOk) {
          const probed = await this.probe(tmp);
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

  // ── ffmpeg plumbing ──────────────────────────────────────────────────────────────────────

  /** The rendition's signal chain before the encoder: downmix → 44.1 kHz → gain → limiter. */
  private static gainAndLimit(gainDb: number, limitDbfs: number): string {
    const limit = Math.min(1, 10 ** (limitDbfs / 20));
    return `volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(5)}:attack=5:release=50:level=false:latency=true`;
  }

  /** Integrated loudness of the pre-encoder signal at each gain, all from one decode pass. */
  private async limitedLoudness(src: string, gains: number[], limitDbfs: number): Promise<number[]> {
    const labels = gains.map((_, i) => `[p${i}]`);
    const branches = gains.map(
      (g, i) => `${labels[i]}${MediaRepository.gainAndLimit(g, limitDbfs)},ebur128=framelog=verbose${i < gains.length - 1 ? ',anullsink' : ''}`,
    );
    const chain = `${DOWNMIX},aresample=${BROADCAST_FORMAT.sampleRate},asplit=${gains.length}${labels.join('')};${branches.join(';')}`;
    const summaries = await this.ebur128(src, chain);
    if (summaries.length !== gains.length) throw new MediaError('loudness measurement failed', 'missing ebur128 summaries in ffmpeg output');
    return summaries.map((s) => s.integrated);
  }

  private render(src: string, out: string, gainDb: number, limitDbfs: number): Promise<string> {
    const filter = `${DOWNMIX},aresample=${BROADCAST_FORMAT.sampleRate},${MediaRepository.gainAndLimit(gainDb, limitDbfs)}`;
    return this.ffmpeg(
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

  /** Runs an ebur128 filter chain over the first audio stream; summaries in filter order. */
  private async ebur128(path: string, chain: string): Promise<Ebur128Summary[]> {
    const stderr = await this.ffmpeg(
      path,
      ['-hide_banner', '-nostdin', '-nostats', '-v', 'info'],
      ['-map', '0:a:0', '-vn', '-sn', '-dn', '-af', chain, '-f', 'null'],
      '-',
    );
    return parseEbur128(stderr);
  }

  /** fluent-ffmpeg issues: <inputOptions> -i <src> -y <outputOptions> <target>. Resolves to stderr. */
  private ffmpeg(src: string, inputOptions: string[], outputOptions: string[], target: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const args = [...inputOptions, '-i', src, '-y', ...outputOptions, target];
      // Several arguments per call: fluent-ffmpeg then never splits an argument on a space.
      const command = ffmpeg({ stdoutLines: 0, timeout: FFMPEG_TIMEOUT_SEC })
        .setFfmpegPath(this.ffmpegPath)
        .input(src)
        .inputOptions(...inputOptions)
        .output(target)
        .outputOptions(...outputOptions)
        .on('start', (commandLine: string) => this.observer?.({ binary: this.ffmpegPath, args, commandLine }))
        .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
          const output = `${err.message}\n${tail(stderr ?? '')}`;
          // Not the media's fault (ffmpeg missing, process killed): a plain Error, so a job retries.
          if (isToolFailure(err)) reject(new Error(`ffmpeg could not run: ${output}`));
          else reject(new MediaError(describeFfmpegFailure(output), output));
        })
        .on('end', (_stdout: string | null, stderr: string | null) => resolve(stderr ?? ''));
      command.run();
    });
  }

  private ffprobe(path: string): Promise<FfprobeData> {
    const options = ['-hide_banner', '-v', 'error'];
    this.observer?.({ binary: this.ffprobePath, args: ['-show_streams', '-show_format', ...options, path] });
    return new Promise<FfprobeData>((resolve, reject) => {
      ffmpeg(path)
        .setFfprobePath(this.ffprobePath)
        .ffprobe(options, (err: unknown, data: FfprobeData) => (err ? reject(err) : resolve(data)));
    });
  }
}

// ── helpers (exported for tests) ─────────────────────────────────────────────────────────────

export interface Ebur128Summary {
  integrated: number;
  lra?: number;
  truePeak?: number;
  samplePeak?: number;
}

/**
 * Parses the `Summary:` blocks ebur128 prints when its filter graph is torn down, in the order of
 * the filters in the graph (`Parsed_ebur128_<n>`). ffmpeg may configure a graph twice and print
 * an early empty summary, so the last block for each filter wins.
 */
export function parseEbur128(stderr: string): Ebur128Summary[] {
  const result = new Map<number, Ebur128Summary>();
  const header = /\[Parsed_ebur128_(\d+) @ [^\]]*\] Summary:/g;
  const heads = [...stderr.matchAll(header)];
  heads.forEach((h, i) => {
    const block = stderr.slice(h.index + h[0].length, i + 1 < heads.length ? heads[i + 1].index : undefined);
    const integrated = dbValue(/\bI:\s+(\S+) LUFS/.exec(block)?.[1]);
    if (integrated === undefined) return;
    const lra = dbValue(/\bLRA:\s+(\S+) LU\b/.exec(block)?.[1]);
    const truePeak = dbValue(/True peak:\s+Peak:\s+(\S+) dBFS/.exec(block)?.[1]);
    const samplePeak = dbValue(/Sample peak:\s+Peak:\s+(\S+) dBFS/.exec(block)?.[1]);
    result.set(Number(h[1]), { integrated, lra, truePeak, samplePeak });
  });
  return [...result.entries()].sort(([a], [b]) => a - b).map(([, summary]) => summary);
}

function dbValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^\+?inf$/i.test(text)) return Infinity;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

const SILENT = 'silent audio: no sound above the -70 LUFS gate (or shorter than 0.4 s)';
const DOWNMIX_SILENT = 'silent audio once mixed to mono: the channels cancel out (one is phase-inverted)';

function assertNotSilent(lufs: number, message = SILENT): void {
  if (!(lufs > SILENCE_LUFS + 0.05)) throw new MediaError(message);
}

function assertAbsolute(path: string): void {
  if (typeof path !== 'string' || !isAbsolute(path)) throw new Error(`media path must be absolute: ${String(path)}`);
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** ffmpeg/ffprobe missing, not executable, or killed by a signal (OOM killer, shutdown). */
function isToolFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && (e.code === 'ENOENT' || e.code === 'EACCES')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /spawn \S+ (ENOENT|EACCES)|Cannot find ff(mpeg|probe)|killed with signal/i.test(message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A short, human-readable reason from ffmpeg's stderr. */
function describeFfmpegFailure(stderr: string): string {
  if (/No such file or directory/i.test(stderr)) return 'audio file not found';
  if (/Invalid data found|could not find codec parameters|Error while decoding|Invalid argument/i.test(stderr)) {
    return 'not a readable audio file';
  }
  if (/matches no streams|does not contain any stream/i.test(stderr)) return 'no audio stream';
  if (/No space left on device/i.test(stderr)) return 'no space left on device';
  if (/Permission denied/i.test(stderr)) return 'permission denied writing audio';
  if (/timeout/i.test(stderr)) return 'audio processing timed out';
  return 'audio processing failed';
}
