import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceApiError, type DeviceApi } from './protocol/api.js';
import { evictionsFor, type CachedEntry } from './protocol/cache-budget.js';
import { CacheFull, ChecksumMismatch, type AudioCache } from './protocol/downloads.js';
import type { QueueSegment } from './protocol/types.js';
import { syncDirectory } from './file-outbox.js';

/**
 * Broadcast audio on the box's disk, within a byte bound. A download goes to `<id>.part`, resumes
 * from where it stopped (Range), and becomes `<id>.mp3` only once its sha256 matches the queue's:
 * a file under its final name is always whole and verified, even after a power cut.
 */
export class DiskCache implements AudioCache {
  private readonly entries = new Map<string, CachedEntry & { verified: boolean }>();
  private clock = 0;

  private constructor(private readonly dir: string, private readonly api: DeviceApi, private readonly boundBytes: number) {}

  static async open(dir: string, api: DeviceApi, boundBytes: number): Promise<DiskCache> {
    const cache = new DiskCache(dir, api, boundBytes);
    await mkdir(dir, { recursive: true });
    const files = await readdir(dir);
    const found = await Promise.all(files.map(async (name) => ({ name, info: await stat(join(dir, name)) })));
    for (const { name, info } of found.sort((a, b) => a.info.mtimeMs - b.info.mtimeMs)) {
      const match = /^(.+)\.(mp3|part)$/.exec(name);
      if (!match) continue;
      const existing = cache.entries.get(match[1]);
      cache.entries.set(match[1], { id: match[1], bytes: info.size + (existing?.bytes ?? 0), usedAt: ++cache.clock, verified: match[2] === 'mp3' || !!existing?.verified });
    }
    return cache;
  }

  has(segment: QueueSegment): boolean {
    return this.entries.get(segment.id)?.verified ?? false;
  }

  bytes(): number {
    let sum = 0;
    for (const entry of this.entries.values()) sum += entry.bytes;
    return sum;
  }

  /** The verified file of a segment, marked as just used. */
  path(segment: QueueSegment): string {
    const entry = this.entries.get(segment.id);
    if (entry) entry.usedAt = ++this.clock;
    return this.file(segment.id, 'mp3');
  }

  async fetch(segment: QueueSegment, keep: Set<string>, essential: boolean, signal: AbortSignal): Promise<void> {
    const part = this.file(segment.id, 'part');
    const from = await stat(part).then((s) => s.size, () => 0);
    let response: Response;
    try {
      response = await this.api.audio(segment.url, from, signal);
    } catch (error) {
      if (from > 0 && error instanceof DeviceApiError && error.status === 416) {
        await this.drop(segment.id); // the partial copy is not a prefix of this file: start over
        return this.fetch(segment, keep, essential, signal);
      }
      throw error;
    }
    const resumed = from > 0 && response.status === 206;
    const length = Number(response.headers.get('content-length') ?? NaN);
    await this.makeRoom(segment.id, Number.isFinite(length) ? length : segment.durationSec * 8000, keep, essential, response);

    const hash = createHash('sha256');
    if (resumed) await hashFile(part, hash);
    const entry = { id: segment.id, bytes: resumed ? from : 0, usedAt: ++this.clock, verified: false };
    this.entries.set(segment.id, entry);
    const file = await open(part, resumed ? 'a' : 'w');
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        await file.write(chunk);
        entry.bytes += chunk.byteLength;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    const actual = hash.digest('hex');
    if (segment.sha256 && actual !== segment.sha256) {
      await this.drop(segment.id);
      throw new ChecksumMismatch(segment, actual);
    }
    await rename(part, this.file(segment.id, 'mp3'));
    await syncDirectory(this.dir);
    entry.verified = true;
  }

  /** Drops least-recently-used audio not in `keep` until `bytes` more fit; CacheFull if they cannot and the segment can wait. */
  private async makeRoom(id: string, bytes: number, keep: Set<string>, essential: boolean, response: Response): Promise<void> {
    const others = [...this.entries.values()].filter((e) => e.id !== id);
    const held = this.entries.get(id)?.bytes ?? 0;
    const evict = evictionsFor(others, this.boundBytes - held, bytes, keep);
    if (evict === null && !essential) {
      await response.body?.cancel();
      throw new CacheFull(`${bytes} more bytes would take the cache over its ${this.boundBytes} bytes, and all it holds is still queued`);
    }
    const victims = evict ?? others.filter((e) => !keep.has(e.id)).map((e) => e.id);
    for (const victim of victims) await this.drop(victim);
  }

  private async drop(id: string): Promise<void> {
    this.entries.delete(id);
    for (const kind of ['mp3', 'part'] as const) await unlink(this.file(id, kind)).catch(() => undefined);
  }

  private file(id: string, kind: 'mp3' | 'part'): string {
    // Segment ids are UUIDs; anything else is kept out of the path.
    return join(this.dir, `${id.replace(/[^A-Za-z0-9-]/g, '_')}.${kind}`);
  }
}

function hashFile(path: string, hash: Hash): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve())
      .on('error', reject);
  });
}
