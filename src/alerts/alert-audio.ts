import { createHash } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import { BadRequestException, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AudioError } from '../common/audio-error.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { MediaRepository } from '../media/media.repository.js';
import { SegmentRenderer } from '../segments/segment-renderer.js';
import type { SegmentEntity } from '../segments/segment.entity.js';
import { SegmentsRepository, type TranscodeResult } from '../segments/segments.repository.js';
import { MAX_SPEECH_CHARS } from '../speech/speech.dto.js';
import { SpeechService } from '../speech/speech.service.js';
import { AudioStorage } from '../storage/audio-storage.js';
import { CapError, type CapInfo, type CapResource } from './cap/cap-parser.js';
import { FetchError, HttpFetcher } from './http-fetcher.js';

/** The attention signal is one segment for every alert, made on first use. */
export const ATTENTION_SIGNAL_ID = '00000000-0000-4000-8000-0000a1e27000';
const RESOURCE_TIMEOUT_MS = 10_000;

/** Whose the alert's audio is: the segment serves the poster's area (SPEC §1), and nothing airs it after the alert expires. */
export interface AlertAudioOwner {
  userId: string | null;
  areaId: string | null;
  areaPath: string;
  title: string;
  expires: Date | null;
}

/**
 * An alert's audio as ready, approved segments, made in the request (an alert cannot wait for a queue):
 * an audio `<resource>` (inline `derefUri`, or `uri` fetched within limits), else speech made from the
 * info's headline, description and instruction in its language; each through the broadcast loudness chain.
 */
@Injectable()
export class AlertAudio {
  private signal?: Promise<SegmentEntity>;

  constructor(
    private readonly segments: SegmentsRepository,
    private readonly renderer: SegmentRenderer,
    private readonly speech: SpeechService,
    private readonly media: MediaRepository,
    private readonly storage: AudioStorage,
    private readonly fetcher: HttpFetcher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The ~2 s attention signal played before every alert (made once per installation). */
  attentionSignal(): Promise<SegmentEntity> {
    this.signal ??= this.makeSignal().catch((error: unknown) => {
      this.signal = undefined;
      throw error;
    });
    return this.signal;
  }

  /** Checks what the info would play without making anything: CapError when nothing is playable. */
  async check(info: CapInfo): Promise<void> {
    if (audioResource(info)) return;
    await this.speechFor(info);
  }

  async forInfo(info: CapInfo, owner: AlertAudioOwner): Promise<SegmentEntity> {
    const id = newId();
    const resource = audioResource(info);
    const path = resource ? `${info.path}/resource[${info.resources.indexOf(resource) + 1}]` : info.path;
    try {
      if (resource) {
        const bytes = await this.resourceBytes(resource, path);
        await writeFile(this.storage.sourcePath(id), bytes);
        const result = await this.renderer.render(id);
        return await this.insert(id, owner, info, result, { source: 'upload', originalName: resource.resourceDesc.slice(0, 255), sha256: sha256(bytes), sourceBytes: bytes.length });
      }
      const { text, voice, spokenText } = await this.speechFor(info);
      await this.speech.synthesise(spokenText, voice, this.storage.sourcePath(id));
      const result = await this.renderer.render(id);
      return await this.insert(id, owner, info, result, {
        source: 'speech', originalName: '', sha256: sha256(Buffer.from(`${voice.id}\n${text}`)), sourceBytes: Buffer.byteLength(text), text, voice: voice.id, spokenText,
      });
    } catch (error) {
      await this.storage.removeSegmentFiles(id);
      if (error instanceof AudioError) throw new CapError(path, `nothing playable: ${error.message}`);
      throw error;
    }
  }

  private async speechFor(info: CapInfo) {
    const text = [info.headline, info.description, info.instruction].filter(Boolean).join('\n');
    if (!text) throw new CapError(info.path, 'nothing playable: no audio <resource>, and no headline, description or instruction to read');
    if (text.length > MAX_SPEECH_CHARS) throw new CapError(info.path, `headline, description and instruction hold ${text.length} characters; at most ${MAX_SPEECH_CHARS} are read`);
    try {
      const plan = await this.speech.plan({ text, language: info.language });
      return { text, ...plan };
    } catch (error) {
      if (error instanceof BadRequestException) throw new CapError(`${info.path}/language`, `nothing playable: no audio <resource>, and no voice reads ${info.language}`);
      throw error;
    }
  }

  private async resourceBytes(resource: CapResource, path: string): Promise<Buffer> {
    const maxBytes = this.config.LOA_ALERT_MAX_MB * 1024 * 1024;
    let bytes: Buffer;
    if (resource.derefUri) {
      const base64 = resource.derefUri.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4) throw new CapError(`${path}/derefUri`, 'is not base64');
      bytes = Buffer.from(base64, 'base64');
    } else if (resource.uri) {
      try {
        bytes = (await this.fetcher.fetch(resource.uri, { maxBytes, timeoutMs: RESOURCE_TIMEOUT_MS })).body;
      } catch (error) {
        if (error instanceof FetchError) throw new CapError(`${path}/uri`, error.message);
        throw error;
      }
    } else {
      throw new CapError(path, 'an audio resource needs a derefUri or a uri');
    }
    if (!bytes.length) throw new CapError(path, 'the audio is empty');
    // CAP 1.2: <digest> is the SHA-1 of the resource.
    if (resource.digest && createHash('sha1').update(bytes).digest('hex') !== resource.digest.toLowerCase()) {
      throw new CapError(`${path}/digest`, 'does not match the SHA-1 of the audio');
    }
    return bytes;
  }

  private async insert(id: string, owner: AlertAudioOwner, info: CapInfo, rendered: TranscodeResult, origin: Partial<SegmentEntity>): Promise<SegmentEntity> {
    const fields = { id, title: owner.title.slice(0, 300), topic: 'alert', language: info.language, areaId: owner.areaId, areaPath: owner.areaPath, validUntil: owner.expires, ...origin };
    const segment = readySegment(fields, owner.userId, rendered, this.clock.now());
    await this.segments.insert(segment);
    return segment;
  }

  private async makeSignal(): Promise<SegmentEntity> {
    const existing = await this.segments.get(ATTENTION_SIGNAL_ID);
    const renditionThere = await access(this.storage.renditionPath(ATTENTION_SIGNAL_ID)).then(() => true, () => false);
    if (existing?.status === 'ready' && renditionThere) return existing;
    await this.media.attentionSignal(this.storage.sourcePath(ATTENTION_SIGNAL_ID));
    const result = await this.renderer.render(ATTENTION_SIGNAL_ID);
    if (existing) return existing;
    const signal = readySegment(
      { id: ATTENTION_SIGNAL_ID, title: 'Tín hiệu cảnh báo (attention signal)', topic: 'alert-signal', language: 'und', areaId: null, areaPath: '/', validUntil: null, sha256: sha256(Buffer.from('loa attention signal 1')) },
      null, result, this.clock.now(),
    );
    try {
      await this.segments.insert(signal);
      return signal;
    } catch (error) {
      // Another process made it at the same moment.
      if (error instanceof QueryFailedError) return (await this.segments.get(ATTENTION_SIGNAL_ID))!;
      throw error;
    }
  }
}

type SegmentFields = Pick<SegmentEntity, 'id' | 'title' | 'topic' | 'language' | 'areaId' | 'areaPath' | 'validUntil'> & Partial<SegmentEntity>;

/** A segment made here, ready and approved at once: an alert's audio is the warning centre's word, not reviewed (SPEC §11). */
function readySegment(fields: SegmentFields, madeBy: string | null, rendered: TranscodeResult, now: Date): SegmentEntity {
  return {
    status: 'ready', error: null, uploadedBy: madeBy, originalName: '', source: 'upload', text: null, voice: null, spokenText: null, sha256: '', liveSha256: null, sourceBytes: 0,
    ...rendered, approved: true, approvedBy: madeBy, approvedAt: now, validFrom: null, createdAt: now, updatedAt: now, retiredAt: null, ...fields,
  };
}

const audioResource = (info: CapInfo): CapResource | undefined => info.resources.find((r) => /^audio\//i.test(r.mimeType));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
