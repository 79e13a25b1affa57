import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AudioError } from '../common/audio-error.js';
import { AppConfig } from '../config/app-config.js';
import { commandArgs, parseCommandTemplate, type CommandTemplate } from './command-template.js';

export type SpeechEngineName = 'espeak-ng' | 'command';

export interface Voice {
  /** What `voice` takes: an espeak-ng voice name (`vi`, `vi-vn-x-central`, ...) or the command's name. */
  id: string;
  /** BCP-47 language it reads. */
  language: string;
  name: string;
  engine: SpeechEngineName;
}

/** The engine failed on this text (not a fault of the machine): `message` is fit for the segment's `error`. */
export class SpeechError extends AudioError {
  override readonly name = 'SpeechError';
}

/** Languages Loa's built-in engine reads (and its normaliser knows). */
const ESPEAK_LANGUAGES = ['vi'];
/** Loudspeaker horns echo across a village: announcers read slower than conversation (espeak-ng's default is 175). */
const ESPEAK_WORDS_PER_MINUTE = '150';
/** A neural engine on a small server may need minutes for 5,000 characters; espeak-ng needs well under one second. */
const SYNTHESIS_TIMEOUT_MS = 300_000;

/**
 * The speech adapter: the only code in Loa that runs a text-to-speech engine. Built in: Debian's
 * espeak-ng with its Vietnamese voices; LOA_TTS_COMMAND adds one more local engine. Both are run
 * without a shell and get the text on stdin or in a file, never on a command line.
 */
@Injectable()
export class SpeechEngine {
  private readonly espeak = process.env.ESPEAK_NG_PATH || 'espeak-ng';
  private readonly command?: CommandTemplate;
  private readonly commandLanguage: string;
  private espeakVoices?: Promise<Voice[]>;

  constructor(config: AppConfig) {
    this.command = config.LOA_TTS_COMMAND ? parseCommandTemplate(config.LOA_TTS_COMMAND) : undefined;
    this.commandLanguage = config.LOA_TTS_COMMAND_LANGUAGE;
  }

  /** The configured engine's voice first (it was set up to be preferred), then espeak-ng's. */
  async voices(): Promise<Voice[]> {
    const own: Voice[] = this.command
      ? [{ id: this.command.voiceId, language: this.commandLanguage, name: `${basename(this.command.program)} (LOA_TTS_COMMAND)`, engine: 'command' }]
      : [];
    return [...own, ...(await this.listEspeakVoices()).filter((v) => !own.some((o) => o.id === v.id))];
  }

  /** Writes `text` read by `voice` as a WAV file at `out` (temp file beside it, renamed when complete). */
  async synthesise(text: string, voice: Voice, out: string): Promise<void> {
    if (!isAbsolute(out)) throw new Error(`speech output path must be absolute: ${out}`);
    await mkdir(dirname(out), { recursive: true });
    const partial = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.part`);
    const textFile = `${partial}.txt`;
    try {
      if (voice.engine === 'espeak-ng') {
        await run(this.espeak, ['-v', voice.id, '-s', ESPEAK_WORDS_PER_MINUTE, '-w', partial, '--stdin'], text);
      } else {
        const template = this.command!;
        if (template.readsTextFile) await writeFile(textFile, text, 'utf8');
        await run(template.program, commandArgs(template, { out: partial, textFile }), template.readsTextFile ? '' : text);
      }
      const written = await stat(partial).catch(() => null);
      if (!written?.size) throw new SpeechError(`the ${voice.engine} engine wrote no audio`);
      await rename(partial, out);
    } finally {
      await Promise.all([rm(partial, { force: true }), rm(textFile, { force: true })]);
    }
  }

  /** Parses `espeak-ng --voices=<lang>`: "Pty Language Age/Gender VoiceName File Other". Cached; empty when espeak-ng is missing. */
  private listEspeakVoices(): Promise<Voice[]> {
    this.espeakVoices ??= Promise.all(
      ESPEAK_LANGUAGES.map(async (language) => {
        const stdout = await run(this.espeak, [`--voices=${language}`], '').catch(() => '');
        return stdout
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/))
          .filter((cols) => cols.length >= 5 && cols[1].toLowerCase().startsWith(language))
          .map((cols): Voice => ({ id: cols[1], language, name: cols[3].replace(/_/g, ' '), engine: 'espeak-ng' }));
      }),
    ).then((lists) => lists.flat());
    return this.espeakVoices;
  }
}

/** Runs a program without a shell, `input` on stdin; resolves to stdout. */
function run(program: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: SYNTHESIS_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-1_000_000)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', (error) => reject(new Error(`${program} could not run: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      // Killed (timeout, shutdown): not the text's fault, so the caller may retry.
      if (signal) return reject(new Error(`${program} was stopped (${signal})`));
      reject(new SpeechError(`the speech engine failed (exit code ${code})`, stderr.trim()));
    });
    child.stdin.on('error', () => undefined); // an engine that exits without reading its input
    child.stdin.end(input, 'utf8');
  });
}
