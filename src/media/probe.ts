import { isAbsolute } from 'node:path';
import type { FfprobeData } from 'fluent-ffmpeg';
import type { FfmpegRunner } from './ffmpeg-runner.js';
import { errorText, isToolFailure, MediaError } from './media-error.js';

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

/** Stage one: what a file is (ffprobe). */
export class MediaProbe {
  constructor(private readonly runner: FfmpegRunner) {}

  /** Container/stream facts. Throws MediaError for unreadable files and files without audio. */
  async probe(path: string): Promise<ProbeResult> {
    assertAbsolute(path);
    let data: FfprobeData;
    try {
      data = await this.runner.ffprobe(path);
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

}

export function assertAbsolute(path: string): void {
  if (typeof path !== 'string' || !isAbsolute(path)) throw new Error(`media path must be absolute: ${String(path)}`);
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
