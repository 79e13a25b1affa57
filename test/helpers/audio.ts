/**
 * Test audio fixtures and an independent loudness meter. These shell out to the ffmpeg/ffprobe
 * CLIs directly (never through MediaRepository), so tests do not trust the code under test to
 * check itself.
 */
import { execFile } from 'node:child_process';
import { rename, unlink, writeFile } from 'node:fs/promises';

export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'flac';

const FFMPEG = process.env.FFMPEG_PATH || 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH || 'ffprobe';

const ENCODE: Record<AudioFormat, string[]> = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '4', '-f', 'ogg'],
  flac: ['-c:a', 'flac', '-sample_fmt', 's16', '-f', 'flac'],
};

function run(binary: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${binary} ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve({ stdout, stderr });
    });
  });
}

export function ffmpegCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(FFMPEG, ['-hide_banner', '-nostdin', '-nostats', '-y', ...args]);
}

export interface CliLoudness {
  integratedLufs: number;
  truePeakDbtp: number;
  loudnessRange: number;
}

/** EBU R128 of a file via `ffmpeg -af ebur128=peak=true` (first audio stream, all channels). */
export async function measureLufs(path: string): Promise<CliLoudness> {
  const { stderr } = await ffmpegCli(['-v', 'info', '-i', path, '-map', '0:a:0', '-af', 'ebur128=peak=true:framelog=verbose', '-f', 'null', '-']);
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) throw new Error(`no ebur128 summary for ${path}`);
  const block = stderr.slice(at);
  const value = (re: RegExp) => {
    const m = re.exec(block);
    if (!m) throw new Error(`ebur128 summary without ${re} for ${path}`);
    return m[1] === '-inf' ? -Infinity : Number(m[1]);
  };
  return {
    integratedLufs: value(/\bI:\s+(\S+) LUFS/),
    truePeakDbtp: value(/True peak:\s+Peak:\s+(\S+) dBFS/),
    loudnessRange: value(/\bLRA:\s+(\S+) LU\b/),
  };
}

export interface CliProbe {
  formatName: string;
  durationSec: number;
  audio: { codec: string; channels: number; sampleRate: number; bitRate: number }[];
  video: { codec: string }[];
}

/** ffprobe -of json, independently of MediaRepository.probe. */
export async function probeCli(path: string): Promise<CliProbe> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-of', 'json', '-show_format', '-show_streams', path]);
  const json = JSON.parse(stdout) as {
    format: { format_name: string; duration?: string; bit_rate?: string };
    streams: { codec_type: string; codec_name: string; channels?: number; sample_rate?: string; bit_rate?: string }[];
  };
  return {
    formatName: json.format.format_name,
    durationSec: Number(json.format.duration ?? 0),
    audio: json.streams
      .filter((s) => s.codec_type === 'audio')
      .map((s) => ({
        codec: s.codec_name,
        channels: s.channels ?? 0,
        sampleRate: Number(s.sample_rate ?? 0),
        bitRate: Number(s.bit_rate ?? json.format.bit_rate ?? 0),
      })),
    video: json.streams.filter((s) => s.codec_type === 'video').map((s) => ({ codec: s.codec_name })),
  };
}

export interface SpeechLikeOptions {
  seconds: number;
  /** Integrated loudness to hit (±0.5 LU, checked). Default -23. */
  lufs?: number;
  /** Two partly-correlated channels (a common part plus a per-channel part). Default mono. */
  stereo?: boolean;
  /** Default 48000. */
  sampleRate?: number;
  format: AudioFormat;
  /** Noise seed, for distinct fixtures. */
  seed?: number;
  /**
   * Add full-scale 2 ms bursts every 1.7 s (handling noise, plosives): a very high peak-to-loudness
   * ratio, so a quiet recording still peaks near 0 dBFS.
   */
  clicks?: boolean;
}

/**
 * A speech-like signal: pink noise band-limited to the voice band (120 Hz – 3.8 kHz), with a
 * ~4.3 Hz syllable envelope and a pause of 0.6 s every 2.9 s, at the requested integrated
 * loudness. Loud targets clip in the integer formats (e.g. -8 LUFS peaks at 0 dBFS), and the
 * gain is iterated on the encoded file itself until it is within 0.5 LU of the target.
 */
export async function makeSpeechLike(path: string, opts: SpeechLikeOptions): Promise<CliLoudness> {
  const rate = opts.sampleRate ?? 48000;
  const target = opts.lufs ?? -23;
  const seed = opts.seed ?? 7;
  const raw = `${path}.raw.wav`;
  const envelope = `volume='(0.15+0.85*pow(0.5+0.5*sin(2*PI*4.3*t),2))*if(lt(mod(t,2.9),2.3),1,0.03)':eval=frame`;
  const voice = `highpass=f=120,lowpass=f=3800,${envelope}`;
  const graph = opts.stereo
    ? `anoisesrc=r=${rate}:c=pink:seed=${seed}:a=0.5:d=${opts.seconds}[a];` +
      `anoisesrc=r=${rate}:c=pink:seed=${seed + 1000}:a=0.5:d=${opts.seconds}[b];` +
      `[a][b]amerge=inputs=2,pan=stereo|c0=0.8*c0+0.45*c1|c1=0.8*c0-0.45*c1,${voice}`
    : `anoisesrc=r=${rate}:c=pink:seed=${seed}:a=0.5:d=${opts.seconds},${voice}`;
  try {
    await ffmpegCli(['-v', 'error', '-filter_complex', graph, '-c:a', 'pcm_f32le', raw]);
    let gain = target - (await measureLufs(raw)).integratedLufs;
    const tmp = `${path}.tmp`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const level = `volume=${gain.toFixed(2)}dB`;
      const shape = opts.clicks
        ? ['-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t,1.7),0.002),0.99*sin(2*PI*1000*t),0)':s=${rate}:d=${opts.seconds}`,
           '-filter_complex', `[0:a]${level}[s];[1:a]aformat=channel_layouts=${opts.stereo ? 'stereo' : 'mono'}[c];[s][c]amix=inputs=2:normalize=0:duration=first`]
        : ['-af', level];
      await ffmpegCli(['-v', 'error', '-i', raw, ...shape, ...ENCODE[opts.format], tmp]);
      const measured = await measureLufs(tmp);
      const error = target - measured.integratedLufs;
      if (Math.abs(error) <= 0.3) {
        await rename(tmp, path);
        return measured;
      }
      gain += error * (attempt === 0 ? 1 : 1.5); // clipping flattens the response to gain
    }
    throw new Error(`makeSpeechLike: could not reach ${target} LUFS for ${path}`);
  } finally {
    await unlink(raw).catch(() => undefined);
    await unlink(`${path}.tmp`).catch(() => undefined);
  }
}

/** Digital silence (anullsrc). */
export async function makeSilence(path: string, opts: { seconds: number; format: AudioFormat; sampleRate?: number; stereo?: boolean }): Promise<void> {
  const layout = opts.stereo ? 'stereo' : 'mono';
  await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', `anullsrc=r=${opts.sampleRate ?? 48000}:cl=${layout}`, '-t', String(opts.seconds), ...ENCODE[opts.format], path]);
}

export type NonAudioKind = 'text' | 'empty' | 'png' | 'random';

/** Files that must not pass as audio whatever their name (e.g. `notes.mp3`). */
export async function makeNonAudio(path: string, kind: NonAudioKind): Promise<void> {
  switch (kind) {
    case 'empty':
      return writeFile(path, Buffer.alloc(0));
    case 'text':
      return writeFile(path, 'Thông báo: họp tổ dân phố lúc 19 giờ tối thứ Sáu.\n'.repeat(200));
    case 'png': {
      // A real 1x1 PNG followed by padding, so the image demuxer recognises it.
      const png = Buffer.from(
        '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d8b3a60000000049454e44ae426082',
        'hex',
      );
      return writeFile(path, Buffer.concat([png, Buffer.alloc(4096)]));
    }
    case 'random': {
      let x = 0x2545f491;
      const bytes = Buffer.alloc(64 * 1024, 0).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
      return writeFile(path, bytes);
    }
  }
}

/** A video-only MP4 (ffmpeg testsrc, no audio stream). Prefers libx264, falls back to mpeg4. */
export async function makeVideoWithoutAudio(path: string, seconds = 2): Promise<void> {
  const { stdout } = await run(FFMPEG, ['-hide_banner', '-encoders']);
  const codec = /\blibx264\b/.test(stdout) ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] : ['-c:v', 'mpeg4'];
  await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10:duration=${seconds}`, '-an', ...codec, '-f', 'mp4', path]);
}
