import { basename } from 'node:path';
import { parse } from 'shell-quote';

/**
 * LOA_TTS_COMMAND: a local text-to-speech engine's command line, e.g.
 *   piper --model /opt/piper/vi_VN-vais1000-medium.onnx --output_file {out}
 * `{out}` (required) is the audio file it must write; `{text_file}` is a UTF-8 file holding the text,
 * and without it the text goes to the engine's standard input. The template is split into arguments
 * once, shell-style quoting allowed, and run without a shell: the text only ever travels in a file or
 * on stdin, never on a command line.
 */
export interface CommandTemplate {
  program: string;
  args: string[];
  /** The text is in {text_file}; otherwise on stdin. */
  readsTextFile: boolean;
  /** A voice id made from the program's name, e.g. "piper". */
  voiceId: string;
}

export const OUT = '{out}';
export const TEXT_FILE = '{text_file}';

export class CommandTemplateError extends Error {}

export function parseCommandTemplate(template: string): CommandTemplate {
  // Keep $NAME as written: nothing is expanded, as no shell will run it.
  const tokens = parse(template, (name: string) => `$${name}`);
  const words: string[] = [];
  for (const token of tokens) {
    if (typeof token !== 'string') {
      const what = 'pattern' in token ? 'a pattern' : 'comment' in token ? 'a comment' : `"${token.op}"`;
      throw new CommandTemplateError(`has ${what}: it runs without a shell, so pipes, redirections and globs are not available (write a script and name it)`);
    }
    words.push(token);
  }
  if (!words.length) throw new CommandTemplateError('is empty');
  if (!words.some((w) => w.includes(OUT))) throw new CommandTemplateError(`must contain ${OUT}, the audio file the engine writes`);
  const [program, ...args] = words;
  if (program.includes('{')) throw new CommandTemplateError('must start with the program to run, not a placeholder');
  const voiceId = basename(program).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'command';
  return { program, args, readsTextFile: words.some((w) => w.includes(TEXT_FILE)), voiceId };
}

/** The argument vector with the placeholders filled in. */
export function commandArgs(template: CommandTemplate, paths: { out: string; textFile: string }): string[] {
  return template.args.map((arg) => arg.replaceAll(OUT, paths.out).replaceAll(TEXT_FILE, paths.textFile));
}
