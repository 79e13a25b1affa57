import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { PARTIAL_SUFFIX, removeFile } from './audio-storage.js';

export interface ReceivedFile {
  /** A `.part` file in the incoming directory: the caller moves it into place or removes it. */
  path: string;
  originalName: string;
  sizeBytes: number;
  sha256: string;
}

export interface ReceivedUpload {
  /** Every text field, by name (the last value wins when a name repeats). */
  fields: Record<string, string>;
  file: ReceivedFile;
}

export interface UploadLimits {
  /** Where the file is written while it arrives. */
  dir: string;
  /** The one file field accepted. */
  fileField: string;
  maxFileBytes: number;
}

/**
 * How long a request may take: Node's default (5 minutes) ends an upload at the size limit over a
 * 1 Mbit/s link (a district office on 4G), which needs 8 s per MB. Never shorter than the default.
 */
export function uploadRequestTimeoutMs(maxUploadMb: number): number {
  return Math.max(300, maxUploadMb * 8) * 1000;
}

/** Room for the text fields and part headers around the file, in a request's declared length. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 32;

/**
 * Receives a multipart/form-data request with one file, streaming the file to disk while hashing
 * it: memory use does not depend on the file's size. The whole request is read before answering
 * (also when the file is too large: the rest is discarded, not stored), so clients get their 413
 * instead of a reset connection; only a request that declares an oversized length up front is
 * refused unread.
 * Throws 415 (not multipart), 413 (file over the limit), 400 (malformed or interrupted, no file,
 * a second file, an oversized field); no file is left behind then.
 */
export async function receiveUpload(req: IncomingMessage, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!/^multipart\/form-data\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeException(`send multipart/form-data with the audio in the "${limits.fileField}" field`);
  }
  const tooLarge = () => new PayloadTooLargeException(`the file is larger than the ${formatMegabytes(limits.maxFileBytes)} limit`);
  if (Number(req.headers['content-length']) > limits.maxFileBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge();

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8', // Vietnamese file names
      limits: { fileSize: limits.maxFileBytes, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
    });
  } catch (error) {
    throw new BadRequestException(`malformed multipart request: ${(error as Error).message}`);
  }

  const fields: Record<string, string> = {};
  let problem: HttpException | undefined;
  const reject = (error: HttpException) => (problem ??= error);
  let saving: { path: string; originalName: string; done: Promise<{ sizeBytes: number; sha256: string }> } | undefined;

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) reject(new BadRequestException(`${name}: longer than ${MAX_FIELD_BYTES} bytes`));
    fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== limits.fileField) {
      reject(new BadRequestException(`unexpected file field "${name}": send the audio as "${limits.fileField}"`));
      stream.resume();
      return;
    }
    stream.on('limit', () => reject(tooLarge()));
    const path = join(limits.dir, `${randomUUID()}${PARTIAL_SUFFIX}`);
    saving = { path, originalName: basename(info.filename || 'upload').slice(0, 255), done: saveHashed(stream, path) };
  });
  parser.on('filesLimit', () => reject(new BadRequestException(`send exactly one file, in the "${limits.fileField}" field`)));
  parser.on('fieldsLimit', () => reject(new BadRequestException(`too many fields (at most ${MAX_FIELDS})`)));

  try {
    await pipeline(req, parser);
    const saved = saving && (await saving.done);
    if (problem) throw problem;
    if (!saving || !saved) throw new BadRequestException(`${limits.fileField}: an audio file is required`);
    return { fields, file: { path: saving.path, originalName: saving.originalName, ...saved } };
  } catch (error) {
    if (saving) {
      saving.done.catch(() => undefined);
      await removeFile(saving.path);
    }
    if (error instanceof HttpException) throw error;
    // Client went away, or the body is not valid multipart: nothing was kept.
    throw new BadRequestException(`upload interrupted or malformed: ${(error as Error).message}`);
  }
}

/**
 * Writes `stream` to `path` and hashes it on the way. On a write error (disk full) the rest of the
 * stream is still drained: busboy waits for each file to be consumed before it reads on.
 */
function saveHashed(stream: Readable, path: string): Promise<{ sizeBytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const out = createWriteStream(path, { flags: 'wx' });
    let sizeBytes = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      out.destroy();
      stream.removeAllListeners('data');
      stream.resume();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      sizeBytes += chunk.length;
      if (!out.write(chunk)) {
        stream.pause();
        out.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => out.end());
    stream.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => resolve({ sizeBytes, sha256: hash.digest('hex') }));
  });
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
