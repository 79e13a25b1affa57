import { readFileSync, statSync } from 'node:fs';
import type { ReceiverConfig } from './options.js';

/** Reading the file again when the server refuses the token at most this often. */
const RELOAD_EVERY_MS = 5000;

/**
 * The device token, from its file or the environment. The file is read again when it changes, and
 * when the server refuses the token (rotated): installing the new token in the file is enough, no
 * restart needed.
 */
export class TokenSource {
  private token: string;
  private readAt = 0;
  private fileChangedAt = 0;

  constructor(private readonly source: ReceiverConfig['token']) {
    this.token = this.read();
  }

  current(): string {
    if ('file' in this.source) {
      const changedAt = statSync(this.source.file, { throwIfNoEntry: false })?.mtimeMs ?? this.fileChangedAt;
      if (changedAt !== this.fileChangedAt) {
        this.fileChangedAt = changedAt;
        this.readAt = 0;
        this.reload();
      }
    }
    return this.token;
  }

  /** Reads the file again; true if the token changed. */
  reload(): boolean {
    if (!('file' in this.source) || Date.now() - this.readAt < RELOAD_EVERY_MS) return false;
    try {
      const token = this.read();
      const changed = token !== this.token;
      this.token = token;
      return changed;
    } catch {
      return false; // keeps the old one; the next refusal tries again
    }
  }

  /** Whether other users can read the token file (it should be mode 600). */
  exposed(): string | null {
    if (!('file' in this.source)) return null;
    const mode = statSync(this.source.file).mode & 0o777;
    return mode & 0o077 ? `the token file ${this.source.file} is readable by other users (mode ${mode.toString(8)}): chmod 600 ${this.source.file}` : null;
  }

  private read(): string {
    this.readAt = Date.now();
    if ('file' in this.source) this.fileChangedAt = statSync(this.source.file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (!('file' in this.source)) return this.source.value.trim();
    let text: string;
    try {
      text = readFileSync(this.source.file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the token file ${this.source.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const token = text.trim();
    if (!token) throw new Error(`the token file ${this.source.file} is empty: put the speaker's device token in it`);
    return token;
  }
}
