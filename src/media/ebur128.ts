import { MediaError } from './media-error.js';

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

/** ebur128 reports -70 LUFS (its absolute gate) when nothing passes the gate. */
const SILENCE_LUFS = -70;
const SILENT = 'silent audio: no sound above the -70 LUFS gate (or shorter than 0.4 s)';
export const DOWNMIX_SILENT = 'silent audio once mixed to mono: the channels cancel out (one is phase-inverted)';

export function assertNotSilent(lufs: number, message = SILENT): void {
  if (!(lufs > SILENCE_LUFS + 0.05)) throw new MediaError(message);
}
