/**
 * Transcode benchmark (SPEC §3 broadcast rendition).
 *
 *   npm run bench transcode          (bench/run.ts calls run())
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/transcode.bench.js [--seconds=600] [--rounds=2] [--keep]
 *
 * Generates a speech-like stereo 48 kHz WAV (default 10 minutes, about -28 LUFS), then times:
 *   (a) MediaRepository.measureLoudness + renderBroadcast (measure + render + verify), through fluent-ffmpeg;
 *   (b) the very same ffmpeg/ffprobe argv, replayed straight from child_process (adapter overhead);
 *   (c) the classic two-pass loudnorm recipe to the same mono 44.1 kHz 64k MP3.
 * Every output is re-measured with the CLI (test/helpers/audio.ts), independently of the adapter.
 * Targets are per core: run() executes the measurement in a child process under `taskset -c 0`
 * when taskset is available (set LOA_BENCH_NO_PIN=1 to run unpinned, in-process).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { MediaRepository, type MediaCommand } from '../src/media/media.repository.js';
import { makeSpeechLike, measureLufs, probeCli, type CliLoudness } from '../test/helpers/audio.js';
import { runWhenMain } from './direct.js';

const TARGETS = { realtime: 60, oursOverRaw: 1.1, lufs: -16, tolerance: 1.5, maxTp: -1 };

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}

/** Entry point for bench/run.ts. */
export async function run(): Promise<void> {
  if (process.env.LOA_BENCH_PINNED === '1' || process.env.LOA_BENCH_NO_PIN === '1' || spawnSync('taskset', ['-c', '0', 'true']).status !== 0) {
    return main();
  }
  const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
  await new Promise<void>((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, fileURLToPath(import.meta.url), ...options], {
      stdio: 'inherit',
      env: { ...process.env, LOA_BENCH_PINNED: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`transcode bench failed (${signal ?? `exit ${code}`})`))));
  });
}

function exec(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 256 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${binary} failed: ${err.message}\n${stderr.slice(-1500)}`));
      else resolve(stderr);
    });
  });
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds used so far by this process plus its reaped children (Linux /proc), or NaN. */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  try {
    // Fields after the ")" of the command name: state is field 3; cutime and cstime are 16 and 17.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (own.user + own.system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Wall and CPU time (CPU: unaffected by other load on the machine, what "per core" means). */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number }> {
  const started = performance.now();
  const cpu0 = cpuSeconds();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000, cpu: cpuSeconds() - cpu0 };
}

interface Row {
  label: string;
  seconds: number;
  cpu: number;
  out?: CliLoudness;
  note?: string;
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 600);
  const rounds = Math.max(1, arg('rounds', 2));
  const pinned = process.env.LOA_BENCH_PINNED === '1';
  const dir = await mkdtemp(join(tmpdir(), 'loa-bench-'));
  const media = new MediaRepository();
  try {
    console.log(`Loa transcode bench — ${pinned ? 'pinned to CPU 0 (taskset -c 0)' : `NOT pinned (${cpus().length} CPUs)`}; ffmpeg ${await media.ffmpegVersion()}`);
    const src = join(dir, 'speech.wav');
    process.stdout.write(`generating ${seconds} s speech-like stereo 48 kHz WAV at -28 LUFS ... `);
    const source = await makeSpeechLike(src, { seconds, lufs: -28, stereo: true, sampleRate: 48000, format: 'wav' });
    console.log(`${source.integratedLufs} LUFS, ${source.truePeakDbtp} dBTP, ${((await stat(src)).size / 1e6).toFixed(0)} MB`);

    // Warm-up (not timed): fluent-ffmpeg's one-off capability probes, page cache.
    const warm = join(dir, 'warm.wav');
    await makeSpeechLike(warm, { seconds: 2, stereo: true, format: 'wav' });
    const w = await media.measureLoudness(warm);
    await media.renderBroadcast(warm, join(dir, 'warm.mp3'), { sourceLufs: w.integratedLufs, sourceTruePeak: w.truePeakDbtp, downmixLufs: w.downmixLufs });
    await exec('ffmpeg', ['-v', 'error', '-i', src, '-f', 'null', '-']);

    const oursOut = join(dir, 'ours.mp3');
    const rawOut = join(dir, 'raw.mp3');
    type Best = { seconds: number; cpu: number };
    const better = (a: Best | undefined, b: Best) => (!a || b.seconds < a.seconds ? b : a);
    let ours: (Best & { commands: MediaCommand[]; passes: number }) | undefined;
    let raw: Best | undefined;
    for (let round = 0; round < rounds; round++) {
      const commands: MediaCommand[] = [];
      media.setCommandObserver((c) => commands.push(c));
      const a = await timed(async () => {
        const m = await media.measureLoudness(src);
        return media.renderBroadcast(src, oursOut, { sourceLufs: m.integratedLufs, sourceTruePeak: m.truePeakDbtp, downmixLufs: m.downmixLufs });
      });
      media.setCommandObserver(undefined);
      if (!ours || a.seconds < ours.seconds) ours = { seconds: a.seconds, cpu: a.cpu, commands, passes: a.value.passes };

      // (b) the same argv, minus Node/fluent-ffmpeg. The adapter's temp file becomes rawOut.
      const tmp = commands.find((c) => c.args.at(-1)?.endsWith('.part'))?.args.at(-1);
      if (!tmp) throw new Error('no render command recorded');
      raw = better(raw, await timed(async () => {
        for (const c of commands) await exec(c.binary, c.args.map((x) => (x === tmp ? rawOut : x)));
      }));
    }
    if (!ours || !raw) throw new Error('no rounds');
    const exact = ours.commands.every((c) => c.commandLine === undefined || c.commandLine === `ffmpeg ${c.args.join(' ')}`);

    // (c) classic two-pass loudnorm (downmixed first, so it normalises what is broadcast).
    const lnOut = join(dir, 'loudnorm.mp3');
    const ln = await timed(async () => {
      const base = 'aformat=sample_fmts=fltp:channel_layouts=mono,loudnorm=I=-16:TP=-1.5:LRA=11';
      const pass1 = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-i', src, '-map', '0:a:0', '-af', `${base}:print_format=json`, '-f', 'null', '-']);
      const json = JSON.parse(pass1.slice(pass1.lastIndexOf('{'), pass1.lastIndexOf('}') + 1)) as Record<string, string>;
      const measured =
        `measured_I=${json.input_i}:measured_TP=${json.input_tp}:measured_LRA=${json.input_lra}` +
        `:measured_thresh=${json.input_thresh}:offset=${json.target_offset}:linear=true`;
      await exec('ffmpeg', [
        '-hide_banner', '-nostdin', '-nostats', '-y', '-i', src, '-map', '0:a:0',
        '-af', `${base}:${measured},aresample=44100`,
        '-c:a', 'libmp3lame', '-b:a', '64k', '-ar', '44100', '-ac', '1', '-f', 'mp3', lnOut,
      ]);
    });

    const rows: Row[] = [
      { label: '(a) MediaRepository (fluent-ffmpeg)', ...ours, out: await measureLufs(oursOut), note: `${ours.commands.length} processes, ${ours.passes} render pass(es)` },
      { label: '(b) raw ffmpeg CLI, identical argv', ...raw, out: await measureLufs(rawOut), note: exact ? 'argv verified against fluent-ffmpeg' : 'WARNING: argv mismatch' },
      { label: '(c) two-pass loudnorm (classic)', seconds: ln.seconds, cpu: ln.cpu, out: await measureLufs(lnOut), note: 'I=-16:TP=-1.5:LRA=11, linear=true' },
    ];
    const fmt = await probeCli(oursOut);
    const rt = (s: number) => seconds / s;
    const ok = (b: boolean) => (b ? 'PASS' : 'FAIL');
    const inSpec = (o?: CliLoudness) => !!o && Math.abs(o.integratedLufs - TARGETS.lufs) <= TARGETS.tolerance && o.truePeakDbtp <= TARGETS.maxTp;
    const pad = (x: string, n: number) => x.padEnd(n);
    const lpad = (x: string, n: number) => x.padStart(n);

    console.log(`\naudio ${seconds} s; (a)/(b) best of ${rounds} round(s); output target -16 ±1.5 LUFS, <= -1 dBTP, measured on the MP3 by the CLI`);
    console.log('x realtime = audio seconds / wall seconds; CPU-x = audio seconds / CPU seconds (this process + children; immune to other load)\n');
    console.log(`${pad('', 38)}${lpad('wall s', 8)}${lpad('x realtime', 12)}${lpad('CPU s', 8)}${lpad('CPU-x', 8)}${lpad('LUFS', 8)}${lpad('dBTP', 7)}${lpad('in spec', 9)}  notes`);
    for (const r of rows) {
      console.log(
        `${pad(r.label, 38)}${lpad(r.seconds.toFixed(2), 8)}${lpad(`${rt(r.seconds).toFixed(1)}x`, 12)}${lpad(r.cpu.toFixed(2), 8)}${lpad(`${rt(r.cpu).toFixed(1)}x`, 8)}` +
          `${lpad(String(r.out?.integratedLufs), 8)}${lpad(String(r.out?.truePeakDbtp), 7)}${lpad(ok(inSpec(r.out)), 9)}  ${r.note ?? ''}`,
      );
    }
    const ratio = ours.seconds / raw.seconds;
    console.log('');
    console.log(`realtime factor (a), wall     ${lpad(rt(ours.seconds).toFixed(1), 6)}x   target >= ${TARGETS.realtime}x   ${ok(rt(ours.seconds) >= TARGETS.realtime)}${pinned ? '' : '  (unpinned: not the single-core figure)'}`);
    console.log(`realtime factor (a), CPU      ${lpad(rt(ours.cpu).toFixed(1), 6)}x   target >= ${TARGETS.realtime}x   ${ok(rt(ours.cpu) >= TARGETS.realtime)}`);
    console.log(`adapter overhead (a)/(b) wall ${lpad(ratio.toFixed(3), 6)}    target <= ${TARGETS.oursOverRaw}   ${ok(ratio <= TARGETS.oursOverRaw)}   (CPU ${(ours.cpu / raw.cpu).toFixed(3)})`);
    console.log(`two-pass loudnorm / (a)       ${lpad((ln.seconds / ours.seconds).toFixed(1), 6)}x slower (wall), ${(ln.cpu / ours.cpu).toFixed(1)}x (CPU)`);
    console.log(`rendition (a)                 ${fmt.formatName}, ${fmt.audio[0]?.codec}, ${fmt.audio[0]?.channels} ch, ${fmt.audio[0]?.sampleRate} Hz, ${Math.round((fmt.audio[0]?.bitRate ?? 0) / 1000)} kbit/s, ${fmt.durationSec.toFixed(2)} s`);
    console.log(`load average at the end       ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on CPU 0 inflates wall times)`);
    console.log('\ncommands issued by (a):');
    for (const c of ours.commands) console.log(`  ${c.binary} ${c.args.map((x) => (/[\s'|;,()[\]]/.test(x) ? `'${x}'` : x)).join(' ')}`);
  } finally {
    if (!process.argv.includes('--keep')) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

runWhenMain(import.meta.url, run);
