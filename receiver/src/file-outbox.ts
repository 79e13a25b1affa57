import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutboxRecord, OutboxStore } from './protocol/outbox.js';

/**
 * The outbox journal as a file of JSON lines: each append is written and fdatasync'd before it
 * resolves, so a receipt the agent counted is on the disk even after a power cut. A torn last
 * line (power lost mid-write) is left out on reading, and the first compaction drops it.
 */
export class FileOutboxStore implements OutboxStore {
  private handle: FileHandle | null = null;

  constructor(private readonly path: string) {}

  async load(): Promise<OutboxRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: OutboxRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(line) as OutboxRecord);
      } catch {
        // a torn write: only ever the last line, which was never acknowledged as written
      }
    }
    return records;
  }

  async append(records: OutboxRecord[]): Promise<void> {
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await this.handle.datasync();
  }

  async rewrite(records: OutboxRecord[]): Promise<void> {
    const aside = `${this.path}.new`;
    const file = await open(aside, 'w');
    try {
      await file.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await file.sync();
    } finally {
      await file.close();
    }
    await this.handle?.close();
    this.handle = null;
    await rename(aside, this.path);
    await syncDirectory(dirname(this.path));
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}

/** Makes a rename in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const outboxPath = (dataDir: string) => join(dataDir, 'outbox.jsonl');
