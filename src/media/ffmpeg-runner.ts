import { execFile } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import type { FfprobeData } from 'fluent-ffmpeg';
import { parseEbur128, type Ebur128Summary } from './ebur128.js';
import { describeFfmpegFailure, isToolFailure, MediaError, tail } from './media-error.js';

/** One external command as issued (for benchmarks/diagnostics; see `setCommandObserver`). */
export interface MediaCommand {
  binary: string;
  args: string[];
  /** fluent-ffmpeg's own rendering of the command line ('ffmpeg ' + args joined by spaces), when it reports one. */
  commandLine?: string;
}

/** No single ffmpeg run may take longer (a 30-minute segment needs well under a minute). */
const FFMPEG_TIMEOUT_SEC = 3600;

/** Runs ffmpeg and ffprobe through fluent-ffmpeg (archived upstream: this class is what to replace). */
export class FfmpegRunner {
  private readonly ffmpegPath = process.env.FFMPEG_PATH || 'ffmpeg';
  private readonly ffprobePath = process.env.FFPROBE_PATH || 'ffprobe';
  private observer?: (command: MediaCommand) => void;
  private version?: { value: Promise<string>; at: number };

  setCommandObserver(observer: ((command: MediaCommand) => void) | undefined): void {
    this.observer = observer;
  }

  /** e.g. "5.1.9-0+deb12u1" (`ffmpeg -version`, cached for a minute); MediaError if ffmpeg cannot run. */
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

  /** Runs an ebur128 filter chain over the first audio stream; summaries in filter order. */
  async ebur128(path: string, chain: string): Promise<Ebur128Summary[]> {
    const stderr = await this.ffmpeg(
      path,
      ['-hide_banner', '-nostdin', '-nostats', '-v', 'info'],
      ['-map', '0:a:0', '-vn', '-sn', '-dn', '-af', chain, '-f', 'null'],
      '-',
    );
    return parseEbur128(stderr);
  }

  /** fluent-ffmpeg issues: <inputOptions> -i <src> -y <outputOptions> <target>. Resolves to stderr. */
  ffmpeg(src: string, inputOptions: string[], outputOptions: string[], target: string): Promise<string> {
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

  ffprobe(path: string): Promise<FfprobeData> {
    const options = ['-hide_banner', '-v', 'error'];
    this.observer?.({ binary: this.ffprobePath, args: ['-show_streams', '-show_format', ...options, path] });
    return new Promise<FfprobeData>((resolve, reject) => {
      ffmpeg(path)
        .setFfprobePath(this.ffprobePath)
        .ffprobe(options, (err: unknown, data: FfprobeData) => (err ? reject(err) : resolve(data)));
    });
  }
}
