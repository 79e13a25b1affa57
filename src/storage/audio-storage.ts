import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config.js';

/** Files still being written (uploads in progress, renders in progress) end in this. */
export const PARTIAL_SUFFIX = '.part';

/**
 * Where audio lives, under LOA_AUDIO_DIR:
 *   incoming/<random>.part   uploads being received (removed or moved when the request ends)
 *   sources/<segmentId>      the uploaded file, as sent
 *   renditions/<segmentId>.mp3  the broadcast rendition (partial renders: .<name>.<random>.part)
 * Every path derives from a segment id, so the database holds no file names.
 */
@Injectable()
export class AudioStorage implements OnModuleInit {
  private readonly logger = new Logger(AudioStorage.name);
  /** Absolute: ffmpeg runs with its own idea of the working directory. */
  readonly root: string;
  readonly incomingDir: string;
  private readonly sourcesDir: string;
  private readonly renditionsDir: string;

  constructor(config: AppConfig) {
    this.root = resolve(config.LOA_AUDIO_DIR);
    this.incomingDir = join(this.root, 'incoming');
    this.sourcesDir = join(this.root, 'sources');
    this.renditionsDir = join(this.root, 'renditions');
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.incomingDir, this.sourcesDir, this.renditionsDir].map((dir) => mkdir(dir, { recursive: true })));
  }

  sourcePath(segmentId: string): string {
    return join(this.sourcesDir, segmentId);
  }

  renditionPath(segmentId: string): string {
    return join(this.renditionsDir, `${segmentId}.mp3`);
  }

  /** Moves a received upload into place as a segment's source (same file system: a rename). */
  async keepAsSource(uploadPath: string, segmentId: string): Promise<void> {
    await rename(uploadPath, this.sourcePath(segmentId));
  }

  /** A retired segment keeps only its rendition: the record of what aired, no longer the source to re-encode. */
  async removeSource(segmentId: string): Promise<void> {
    await removeFile(this.sourcePath(segmentId));
  }

  async removeSegmentFiles(segmentId: string): Promise<void> {
    await Promise.all([removeFile(this.sourcePath(segmentId)), removeFile(this.renditionPath(segmentId))]);
  }

  /**
   * Removes partial files (interrupted uploads, renders of a crashed worker) not written to since
   * `before`. Live ones are written continuously, so their mtime stays recent.
   */
  async removeStalePartials(before: Date): Promise<number> {
    let removed = 0;
    for (const dir of [this.incomingDir, this.renditionsDir]) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.endsWith(PARTIAL_SUFFIX)) continue;
        const path = join(dir, name);
        const info = await stat(path).catch(() => null);
        if (info && info.mtime < before) {
          await removeFile(path);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Streams a segment's rendition as audio/mpeg with HTTP Range support (200 or 206, 416 for an
   * unsatisfiable range), through express' `send`. 404 when the file is not there.
   */
  async sendRendition(res: Response, segmentId: string): Promise<void> {
    const path = this.renditionPath(segmentId);
    if (!(await stat(path).catch(() => null))?.isFile()) throw new NotFoundException('the audio of this segment is not available');
    await new Promise<void>((done) => {
      res.sendFile(path, { acceptRanges: true, headers: { 'Content-Type': 'audio/mpeg', 'Cache-Control': 'private, max-age=3600' } }, (error?: SendError) => {
        done();
        if (!error || error.code === 'ECONNABORTED') return; // the client went away mid-download: routine
        const status = error.status ?? 500;
        if (!res.headersSent) {
          // `send` leaves its error responses (416 with `Content-Range: bytes */size`, ...) to the caller.
          res.set(error.headers ?? {});
          res.status(status).json({ statusCode: status, error: STATUS_CODES[status], message: status === 416 ? 'requested range not satisfiable' : 'could not read the audio file' });
        }
        if (status >= 500) this.logger.warn(`sending ${path}: ${error.message}`);
      });
    });
  }
}

/** What express' res.sendFile reports: an fs error, or an http-errors error from `send`. */
type SendError = Error & { code?: string; status?: number; headers?: Record<string, string> };

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export const removeFile = (path: string): Promise<void> => rm(path, { force: true });
