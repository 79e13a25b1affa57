import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import send from '@fastify/send';
import { Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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
   * Streams a segment's rendition as audio/mpeg with HTTP Range (200 or 206, 416 for an
   * unsatisfiable range) and ETag/Last-Modified (304). 404 when the file is not there.
   */
  async sendRendition(request: IncomingMessage, reply: FastifyReply, segmentId: string): Promise<void> {
    const path = this.renditionPath(segmentId);
    if (!(await stat(path).catch(() => null))?.isFile()) throw new NotFoundException('the audio of this segment is not available');
    const { statusCode, headers, stream, type } = await send(request, path, { acceptRanges: true, maxAge: 3_600_000 });
    if (type === 'error') {
      // `send` built an HTML error page; answer in the API's JSON instead, keeping `Content-Range: bytes */size` of a 416.
      stream.destroy();
      if (statusCode >= 500) this.logger.warn(`sending ${path}: status ${statusCode}`);
      const contentRange = headers['Content-Range'];
      if (contentRange) reply.header('Content-Range', contentRange);
      const message = statusCode === 416 ? 'requested range not satisfiable' : 'could not read the audio file';
      await reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode], message });
      return;
    }
    await reply
      .code(statusCode)
      .headers({ ...headers, 'Content-Type': 'audio/mpeg', 'Cache-Control': 'private, max-age=3600' })
      .send(stream);
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export const removeFile = (path: string): Promise<void> => rm(path, { force: true });
