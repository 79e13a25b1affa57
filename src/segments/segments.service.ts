import { InjectQueue } from '@nestjs/bullmq';
import { BadRequestException, ConflictException, Injectable, Logger, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { AreasRepository } from '../areas/areas.repository.js';
import type { AuthUser } from '../auth/auth-user.js';
import { forbiddenUnless, inScope, notFoundUnless, onBranch } from '../auth/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { Page } from '../common/pagination.js';
import { validationPipe } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { MediaRepository } from '../media/media.repository.js';
import { JOB_OPTIONS, JobName, QueueName } from '../queue/queue.constants.js';
import { AudioStorage, removeFile } from '../storage/audio-storage.js';
import { receiveUpload } from '../storage/multipart-upload.js';
import { SpeechService } from '../speech/speech.service.js';
import { ListSegmentsQuery, SegmentDto, SpeechSegmentDto, UploadSegmentFields } from './segment.dto.js';
import type { SegmentEntity } from './segment.entity.js';
import { SegmentsRepository } from './segments.repository.js';

export interface TranscodeJob {
  segmentId: string;
}

/** The multipart field that carries the audio. */
export const FILE_FIELD = 'file';

@Injectable()
export class SegmentsService {
  private readonly logger = new Logger(SegmentsService.name);
  private readonly validateFields = validationPipe();

  constructor(
    private readonly segments: SegmentsRepository,
    private readonly areas: AreasRepository,
    private readonly storage: AudioStorage,
    private readonly media: MediaRepository,
    private readonly speech: SpeechService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Transcode) private readonly queue: Queue<TranscodeJob>,
  ) {}

  /**
   * Receives an upload (streamed to disk), refuses duplicates (409) and non-audio (415), and
   * queues the segment for transcoding. Answers while it is `processing`.
   */
  async upload(user: AuthUser, req: IncomingMessage): Promise<SegmentDto> {
    const upload = await receiveUpload(req, { dir: this.storage.incomingDir, fileField: FILE_FIELD, maxFileBytes: this.config.LOA_MAX_UPLOAD_MB * 1024 * 1024 });
    try {
      const fields = (await this.validateFields.transform(upload.fields, { type: 'body', metatype: UploadSegmentFields })) as UploadSegmentFields;
      const validity = checkedValidity(fields);
      await this.refuseDuplicate(upload.file.sha256);
      if (!(await this.media.isAudio(upload.file.path))) {
        throw new UnsupportedMediaTypeException(`${FILE_FIELD}: ${upload.file.originalName} is not an audio file ffmpeg can read`);
      }
      const { file } = upload;
      const segment = await this.insert(user, fields, validity, { originalName: file.originalName, sha256: file.sha256, sourceBytes: file.sizeBytes });
      await this.storage.keepAsSource(upload.file.path, segment.id);
      await this.audit.record({
        action: 'segment.upload',
        resourceId: segment.id,
        details: { title: segment.title, topic: segment.topic, language: segment.language, sha256: segment.sha256, sizeBytes: segment.sourceBytes, originalName: segment.originalName },
      });
      await this.enqueueTranscode(segment.id).catch((error: Error) =>
        // The segment is saved: the worker's sweep queues it once Redis answers again.
        this.logger.warn(`segment ${segment.id} not queued yet: ${error.message}`),
      );
      return SegmentDto.of(segment);
    } finally {
      await removeFile(upload.file.path); // gone already when kept as the source
    }
  }

  /**
   * A bulletin typed as text (SPEC §10): the voice and the text as it will be read are settled now
   * (400 for an unknown language or voice), a segment with the same voice and text answers 409, and
   * the transcode queue synthesises it and runs the upload's loudness chain.
   */
  async createSpeech(user: AuthUser, dto: SpeechSegmentDto): Promise<SegmentDto> {
    const validity = checkedValidity(dto);
    const { voice, spokenText } = await this.speech.plan(dto);
    const key = speechKey(voice.id, dto.text);
    await this.refuseDuplicate(key);
    const segment = await this.insert(user, dto, validity, {
      originalName: '', sha256: key, sourceBytes: Buffer.byteLength(dto.text), source: 'speech', text: dto.text, voice: voice.id, spokenText,
    });
    await this.audit.record({
      action: 'segment.speech',
      resourceId: segment.id,
      details: { title: segment.title, topic: segment.topic, language: segment.language, voice: voice.id, characters: dto.text.length, sha256: key },
    });
    await this.enqueueTranscode(segment.id).catch((error: Error) => this.logger.warn(`segment ${segment.id} not queued yet: ${error.message}`));
    return SegmentDto.of(segment);
  }

  async list(user: AuthUser, query: ListSegmentsQuery): Promise<Page<SegmentDto>> {
    const [rows, total] = await this.segments.list({ areaPath: user.areaPath, status: query.status, topic: query.topic, language: query.language, approved: query.approved, limit: query.limit, offset: query.offset });
    return { items: rows.map(SegmentDto.of), total };
  }

  async get(user: AuthUser, id: string): Promise<SegmentDto> {
    return SegmentDto.of(await this.visible(user, id));
  }

  /** Only a `ready` segment can be approved (409 otherwise); approving twice changes nothing. */
  async approve(user: AuthUser, id: string): Promise<SegmentDto> {
    const segment = await this.writable(user, id);
    if (segment.approved && segment.status === 'ready') return SegmentDto.of(segment);
    if (!(await this.segments.approve(id, user.id, this.clock.now()))) {
      const current = (await this.segments.get(id)) ?? segment;
      throw new ConflictException(`segment is ${current.status}: only a ready segment can be approved`);
    }
    await this.audit.record({ action: 'segment.approve', resourceId: id, details: { title: segment.title } });
    return SegmentDto.of((await this.segments.get(id))!);
  }

  /**
   * Withdraws a segment: it can no longer be scheduled, and broadcasts that would still play it are
   * skipped when they come due. Its audio stays, for the history of what aired. Retiring twice changes nothing.
   */
  async retire(user: AuthUser, id: string): Promise<SegmentDto> {
    const segment = await this.writable(user, id);
    if (await this.segments.retire(id, this.clock.now())) {
      await this.storage.removeSource(id);
      await this.audit.record({ action: 'segment.retire', resourceId: id, details: { title: segment.title, previousStatus: segment.status } });
    }
    return SegmentDto.of((await this.segments.get(id))!);
  }

  async sendAudio(user: AuthUser, id: string, request: IncomingMessage, reply: FastifyReply): Promise<void> {
    const segment = await this.visible(user, id);
    notFoundUnless(!!segment.renditionSha256, 'audio of this segment');
    await this.storage.sendRendition(request, reply, id);
  }

  /** Idempotent: the job id is the segment id. */
  async enqueueTranscode(segmentId: string): Promise<void> {
    await this.queue.add(JobName.TranscodeSegment, { segmentId }, { ...JOB_OPTIONS[JobName.TranscodeSegment], jobId: segmentId });
  }

  /** Ends processing in `failed` with a reason for the uploader, and removes its files (no orphans). */
  async failProcessing(segmentId: string, reason: string): Promise<void> {
    if (await this.segments.markFailed(segmentId, reason, this.clock.now())) await this.storage.removeSegmentFiles(segmentId);
  }

  /** A segment on the caller's branch (its subtree or above it), else 404. */
  async visible(user: AuthUser, id: string): Promise<SegmentEntity> {
    const segment = await this.segments.get(id);
    notFoundUnless(!!segment && onBranch(user, segment.areaPath), 'segment');
    return segment!;
  }

  /** A segment the caller may change: in its own subtree. One from above is visible, but not theirs (403). */
  private async writable(user: AuthUser, id: string): Promise<SegmentEntity> {
    const segment = await this.visible(user, id);
    forbiddenUnless(inScope(user, segment.areaPath), 'this segment belongs to an area above yours');
    return segment;
  }

  private async refuseDuplicate(sha256: string): Promise<void> {
    const existing = await this.segments.findLive(sha256);
    if (existing) throw duplicate(existing.id);
  }

  private async insert(user: AuthUser, fields: Pick<UploadSegmentFields, 'title' | 'topic' | 'language'>, validity: Validity, origin: Origin): Promise<SegmentEntity> {
    const now = this.clock.now();
    const areaPath = user.areaId ? await this.areas.pathOf(user.areaId) : null;
    const segment: SegmentEntity = {
      id: newId(),
      title: fields.title,
      topic: fields.topic,
      language: fields.language,
      status: 'processing',
      error: null,
      areaId: user.areaId,
      areaPath: areaPath ?? '/',
      uploadedBy: user.id,
      originalName: origin.originalName,
      sha256: origin.sha256,
      liveSha256: origin.sha256,
      sourceBytes: origin.sourceBytes,
      source: origin.source ?? 'upload',
      text: origin.text ?? null,
      voice: origin.voice ?? null,
      spokenText: origin.spokenText ?? null,
      durationSec: null,
      loudnessLufs: null,
      renditionLufs: null,
      renditionTruePeakDb: null,
      renditionSha256: null,
      renditionBytes: 0,
      approved: false,
      approvedBy: null,
      approvedAt: null,
      ...validity,
      createdAt: now,
      updatedAt: now,
      retiredAt: null,
    };
    try {
      await this.segments.insert(segment);
    } catch (error) {
      // The same file uploaded twice at once: the unique index on liveSha256 lets one through.
      const winner = error instanceof QueryFailedError ? await this.segments.findLive(segment.sha256) : null;
      if (winner) throw duplicate(winner.id);
      throw error;
    }
    return segment;
  }
}

type Validity = Pick<SegmentEntity, 'validFrom' | 'validUntil'>;
/** Where a new segment's audio comes from: the upload's file facts, or a spoken bulletin's text and voice. */
type Origin = Pick<SegmentEntity, 'originalName' | 'sha256' | 'sourceBytes'> & Partial<Pick<SegmentEntity, 'source' | 'text' | 'voice' | 'spokenText'>>;

/** A spoken bulletin's duplicate key: the same text read by the same voice is the same audio. */
const speechKey = (voiceId: string, text: string) => createHash('sha256').update(`speech\n${voiceId}\n${text.normalize('NFC').trim()}`).digest('hex');

function checkedValidity(fields: Pick<UploadSegmentFields, 'validFrom' | 'validUntil'>): Validity {
  const validFrom = fields.validFrom ? new Date(fields.validFrom) : null;
  const validUntil = fields.validUntil ? new Date(fields.validUntil) : null;
  if (validFrom && validUntil && validUntil <= validFrom) throw new BadRequestException('validUntil must be after validFrom');
  return { validFrom, validUntil };
}

function duplicate(existingId: string): ConflictException {
  return new ConflictException({ statusCode: 409, error: 'Conflict', message: `this audio (or this text read by this voice) is already segment ${existingId}`, existingId });
}
