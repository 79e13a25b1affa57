import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ffmpegCli,
  makeNonAudio,
  makeSilence,
  makeSpeechLike,
  makeVideoWithoutAudio,
  measureLufs,
  probeCli,
} from '../../test/helpers/audio.js';
import { ATTENTION_SIGNAL_SEC, MediaError, MediaRepository, parseEbur128 } from './media.repository.js';

/** Real ffmpeg, no mocks: every loudness claim is re-measured with the CLI helper. */
const SLOW = 120_000;
const TARGET = -16;
const TOLERANCE = 1.5;
const MAX_TP = -1;

describe('MediaRepository (real ffmpeg)', () => {
  const media = new MediaRepository();
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-media-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectBroadcastRendition(path: string, seconds: number) {
    const probed = await probeCli(path);
    expect(probed.formatName).toBe('mp3');
    expect(probed.video).toHaveLength(0);
    expect(probed.audio).toHaveLength(1);
    expect(probed.audio[0]).toMatchObject({ codec: 'mp3', channels: 1, sampleRate: 44100 });
    expect(Math.abs(probed.audio[0].bitRate - 64000)).toBeLessThanOrEqual(1000);
    expect(Math.abs(probed.durationSec - seconds)).toBeLessThan(0.2);
    const loud = await measureLufs(path);
    expect(Math.abs(loud.integratedLufs - TARGET)).toBeLessThanOrEqual(TOLERANCE);
    expect(loud.truePeakDbtp).toBeLessThanOrEqual(MAX_TP);
    return loud;
  }

  async function leftovers(): Promise<string[]> {
    return (await readdir(dir)).filter((f) => f.includes('.part'));
  }

  it(
    'renders a quiet stereo 48 kHz WAV (-31 LUFS) to mono 44.1 kHz 64k MP3 at -16 LUFS, TP <= -1 dBTP',
    async () => {
      const src = join(dir, 'quiet.wav');
      const fixture = await makeSpeechLike(src, { seconds: 30, lufs: -31, stereo: true, format: 'wav' });
      expect(Math.abs(fixture.integratedLufs - -31)).toBeLessThanOrEqual(0.5);
      expect((await probeCli(src)).audio[0]).toMatchObject({ channels: 2, sampleRate: 48000 });

      const m = await media.measureLoudness(src);
      expect(Math.abs(m.integratedLufs - fixture.integratedLufs)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(m.truePeakDbtp - fixture.truePeakDbtp)).toBeLessThanOrEqual(0.1);
      expect(m.loudnessRange).toEqual(expect.any(Number));
      // Partly uncorrelated channels: the mono downmix is quieter than the stereo source.
      expect(m.downmixLufs).toBeLessThan(m.integratedLufs - 0.2);

      const dest = join(dir, 'out', 'quiet.mp3');
      const r = await media.renderBroadcast(src, dest, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp, downmixLufs: m.downmixLufs });
      const cli = await expectBroadcastRendition(dest, 30);
      // What the adapter reports is what an independent meter reads on the file.
      expect(Math.abs(r.integratedLufs - cli.integratedLufs)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(r.truePeakDbtp - cli.truePeakDbtp)).toBeLessThanOrEqual(0.1);
      expect(r.sizeBytes).toBe((await stat(dest)).size);
      expect(Math.abs(r.durationSec - 30)).toBeLessThan(0.2);
      expect(await leftovers()).toEqual([]);
    },
    SLOW,
  );

  it(
    'tames a loud, clipped source (-8 LUFS, peaks at 0 dBFS)',
    async () => {
      const src = join(dir, 'loud.wav');
      const fixture = await makeSpeechLike(src, { seconds: 20, lufs: -8, stereo: true, format: 'wav', seed: 3 });
      expect(fixture.truePeakDbtp).toBeGreaterThan(-0.5);

      const m = await media.measureLoudness(src);
      const dest = join(dir, 'loud.mp3');
      const r = await media.renderBroadcast(src, dest, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp, downmixLufs: m.downmixLufs });
      await expectBroadcastRendition(dest, 20);
      expect(r.truePeakDbtp).toBeLessThanOrEqual(MAX_TP);
    },
    SLOW,
  );

  it(
    'handles a quiet recording with full-scale clicks (very high peak-to-loudness ratio)',
    async () => {
      const src = join(dir, 'clicks.wav');
      const fixture = await makeSpeechLike(src, { seconds: 20, lufs: -30, format: 'wav', clicks: true, seed: 4 });
      expect(fixture.truePeakDbtp).toBeGreaterThan(-1);
      const m = await media.measureLoudness(src);
      const dest = join(dir, 'clicks.mp3');
      const r = await media.renderBroadcast(src, dest, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp, downmixLufs: m.downmixLufs });
      await expectBroadcastRendition(dest, 20);
    },
    SLOW,
  );

  it(
    'measures the downmix itself when the caller does not pass downmixLufs',
    async () => {
      const src = join(dir, 'stereo.flac');
      await makeSpeechLike(src, { seconds: 15, lufs: -24, stereo: true, format: 'flac', seed: 5 });
      const m = await media.measureLoudness(src);
      const dest = join(dir, 'stereo.mp3');
      await media.renderBroadcast(src, dest, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp });
      await expectBroadcastRendition(dest, 15);
    },
    SLOW,
  );

  it(
    'renders a mono 22.05 kHz MP3 source',
    async () => {
      const src = join(dir, 'mono.mp3');
      await makeSpeechLike(src, { seconds: 15, lufs: -20, sampleRate: 22050, format: 'mp3', seed: 9 });
      const m = await media.measureLoudness(src);
      expect(m.downmixLufs).toBe(m.integratedLufs);
      const dest = join(dir, 'mono-out.mp3');
      await media.renderBroadcast(src, dest, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp, downmixLufs: m.downmixLufs });
      await expectBroadcastRendition(dest, 15);
    },
    SLOW,
  );

  it(
    'probes mp3, ogg and flac inputs',
    async () => {
      const cases = [
        { format: 'mp3', formatName: 'mp3', codec: 'mp3', stereo: true, rate: 44100 },
        { format: 'ogg', formatName: 'ogg', codec: 'vorbis', stereo: false, rate: 48000 },
        { format: 'flac', formatName: 'flac', codec: 'flac', stereo: true, rate: 32000 },
      ] as const;
      for (const c of cases) {
        const path = join(dir, `probe.${c.format}`);
        await makeSpeechLike(path, { seconds: 4, format: c.format, stereo: c.stereo, sampleRate: c.rate });
        const p = await media.probe(path);
        expect(p).toMatchObject({ formatName: c.formatName, codec: c.codec, audioStreams: 1, channels: c.stereo ? 2 : 1, sampleRate: c.rate });
        expect(Math.abs(p.durationSec - 4)).toBeLessThan(0.1);
        expect(p.bitRate).toBeGreaterThan(8000);
        if (c.format === 'mp3') expect(Math.abs((p.bitRate ?? 0) - 128000)).toBeLessThanOrEqual(1000);
        expect(await media.isAudio(path)).toBe(true);
      }
    },
    SLOW,
  );

  it('isAudio is false for a text file named .mp3, a zero-length file, PNG bytes and random bytes, and fast', async () => {
    for (const kind of ['text', 'empty', 'png', 'random'] as const) {
      const path = join(dir, `${kind}.mp3`);
      await makeNonAudio(path, kind);
      expect(await media.isAudio(path)).toBe(false);
    }
  });

  // Speed belongs to the benchmarks, not here: a busy CI machine must not fail a correct sniff.
  it('generates the attention signal of alerts: about 2 s of sound that renders like any source', async () => {
    const wav = join(dir, 'chime.wav');
    await media.attentionSignal(wav);
    const probed = await probeCli(wav);
    expect(Math.abs(probed.durationSec - ATTENTION_SIGNAL_SEC)).toBeLessThan(0.05);
    const loudness = await media.measureLoudness(wav);
    const mp3 = join(dir, 'chime.mp3');
    await media.renderBroadcast(wav, mp3, { sourceLufs: loudness.integratedLufs, sourceTruePeak: loudness.truePeakDbtp, downmixLufs: loudness.downmixLufs });
    await expectBroadcastRendition(mp3, ATTENTION_SIGNAL_SEC);
  });

  it('isAudio is true for a real recording', async () => {
    const path = join(dir, 'real.wav');
    await makeSpeechLike(path, { seconds: 3, format: 'wav' });
    expect(await media.isAudio(path)).toBe(true);
  });

  it('probe throws a MediaError for non-audio and missing files', async () => {
    const text = join(dir, 'notes.mp3');
    await makeNonAudio(text, 'text');
    await expect(media.probe(text)).rejects.toThrow(MediaError);
    await expect(media.probe(text)).rejects.toThrow('not a readable audio file');
    await expect(media.probe(join(dir, 'missing.wav'))).rejects.toThrow(MediaError);
    await expect(media.measureLoudness(text)).rejects.toThrow(MediaError);
  });

  it('rejects a video without an audio stream with "no audio stream"', async () => {
    const path = join(dir, 'video.mp4');
    await makeVideoWithoutAudio(path);
    expect((await probeCli(path)).video).toHaveLength(1);
    await expect(media.probe(path)).rejects.toThrow(new MediaError('no audio stream'));
    expect(await media.isAudio(path)).toBe(false);
    await expect(media.measureLoudness(path)).rejects.toThrow('no audio stream');
  });

  it('refuses to measure or render silence', async () => {
    const path = join(dir, 'silence.wav');
    await makeSilence(path, { seconds: 3, format: 'wav', stereo: true });
    expect(await media.isAudio(path)).toBe(true);
    await expect(media.measureLoudness(path)).rejects.toThrow(/silent audio/);
    await expect(media.renderBroadcast(path, join(dir, 's.mp3'), { sourceLufs: -70, sourceTruePeak: -Infinity })).rejects.toThrow(/silent audio/);
    expect(await readdir(dir)).toEqual(['silence.wav']);
  });

  it('refuses a stereo file whose channels cancel out in the mono downmix', async () => {
    const path = join(dir, 'antiphase.wav');
    await ffmpegCli(['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t)|-0.3*sin(2*PI*440*t):s=48000:d=3', '-c:a', 'pcm_s16le', path]);
    expect((await measureLufs(path)).integratedLufs).toBeGreaterThan(-20);
    await expect(media.measureLoudness(path)).rejects.toThrow(/channels cancel out/);
  });

  it(
    'leaves no partial or final file when rendering fails',
    async () => {
      // Unreadable input: ffmpeg fails before writing anything useful.
      const text = join(dir, 'notes.mp3');
      await makeNonAudio(text, 'text');
      const dest = join(dir, 'out.mp3');
      await expect(media.renderBroadcast(text, dest, { sourceLufs: -20, sourceTruePeak: -3, downmixLufs: -20 })).rejects.toThrow(MediaError);
      expect(await readdir(dir)).toEqual(['notes.mp3']);

      // Impossible bounds: both render passes write a complete file that fails verification.
      const src = join(dir, 'speech.wav');
      await makeSpeechLike(src, { seconds: 5, lufs: -20, format: 'wav' });
      await expect(
        media.renderBroadcast(src, dest, { sourceLufs: -20, sourceTruePeak: -3, downmixLufs: -20, maxTruePeakDbtp: -30 }),
      ).rejects.toThrow(/could not normalise loudness/);
      expect((await readdir(dir)).sort()).toEqual(['notes.mp3', 'speech.wav']);
    },
    SLOW,
  );

  it('reports the ffmpeg version', async () => {
    expect(await media.ffmpegVersion()).toMatch(/\d+\.\d+/);
  });

  it('records the exact commands it issues', async () => {
    const path = join(dir, 'a.wav');
    await makeSpeechLike(path, { seconds: 2, format: 'wav' });
    const seen: { args: string[]; commandLine?: string }[] = [];
    media.setCommandObserver((c) => seen.push(c));
    try {
      await media.measureLoudness(path);
    } finally {
      media.setCommandObserver(undefined);
    }
    expect(seen).toHaveLength(2); // ffprobe, then one ffmpeg measurement pass
    expect(seen[1].commandLine).toBe(`ffmpeg ${seen[1].args.join(' ')}`);
  });
});

describe('parseEbur128', () => {
  it('keeps the last summary per filter and reads -inf peaks', () => {
    const stderr = [
      '[Parsed_ebur128_0 @ 0x1] Summary:',
      '  Integrated loudness:', '    I:         -70.0 LUFS', '  True peak:', '    Peak:       -inf dBFS',
      '[Parsed_ebur128_0 @ 0x2] Summary:',
      '',
      '  Integrated loudness:', '    I:         -23.4 LUFS', '    Threshold: -33.9 LUFS', '',
      '  Loudness range:', '    LRA:         6.5 LU', '    Threshold: -43.9 LUFS', '',
      '  True peak:', '    Peak:       -2.1 dBFS',
      '[Parsed_ebur128_2 @ 0x3] Summary:',
      '  Integrated loudness:', '    I:         -26.0 LUFS', '  Loudness range:', '    LRA:         0.0 LU',
      '  Sample peak:', '    Peak:       -inf dBFS',
    ].join('\n');
    const s = parseEbur128(stderr);
    expect(s).toEqual([
      { integrated: -23.4, lra: 6.5, truePeak: -2.1, samplePeak: undefined },
      { integrated: -26, lra: 0, truePeak: undefined, samplePeak: -Infinity },
    ]);
  });
});
