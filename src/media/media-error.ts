import { AudioError } from '../common/audio-error.js';

/** Raised for anything wrong with the media itself (ffmpeg's stderr tail as `detail`). */
export class MediaError extends AudioError {
  override readonly name = 'MediaError';
}

export function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** ffmpeg/ffprobe missing, not executable, or killed by a signal (OOM killer, shutdown). */
export function isToolFailure(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e && (e.code === 'ENOENT' || e.code === 'EACCES')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /spawn \S+ (ENOENT|EACCES)|Cannot find ff(mpeg|probe)|killed with signal/i.test(message);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A short, human-readable reason from ffmpeg's stderr. */
export function describeFfmpegFailure(stderr: string): string {
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
