import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsInstant, iso } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { SpeechTextFields } from '../speech/speech.dto.js';
import { SEGMENT_SOURCES, SEGMENT_STATUSES, SegmentEntity, type SegmentSource, type SegmentStatus } from './segment.entity.js';

/** The text fields of a multipart upload (the audio itself is the `file` field). */
export class UploadSegmentFields {
  @ApiProperty({ example: 'Thông báo đóng BHXH tự nguyện năm 2025' }) @IsString() @Length(1, 300)
  title: string;

  @ApiProperty({ example: 'social-insurance', description: 'free tag, used to group reports' }) @IsString() @Length(1, 100)
  topic: string;

  @ApiProperty({ example: 'vi', description: 'BCP-47 language tag: vi, hmn, tay, th, km, ...' })
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP-47 tag such as vi, hmn, tay or km' })
  language: string;

  @ApiPropertyOptional({ example: '2025-07-01T00:00:00+07:00', description: 'not to be aired before' }) @IsOptional() @IsInstant('validFrom')
  validFrom?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59+07:00', description: 'announces a policy that changes then: must stop airing' })
  @IsOptional() @IsInstant('validUntil')
  validUntil?: string;
}

/** POST /segments/speech: a bulletin typed as text, read by a voice (SPEC §10). */
export class SpeechSegmentDto extends SpeechTextFields {
  @ApiProperty({ example: 'Mức đóng BHXH tự nguyện từ 01/7/2025' }) @IsString() @Length(1, 300)
  title: string;

  @ApiProperty({ example: 'social-insurance', description: 'free tag, used to group reports' }) @IsString() @Length(1, 100)
  topic: string;

  @ApiPropertyOptional({ example: '2025-07-01T00:00:00+07:00', description: 'not to be aired before' }) @IsOptional() @IsInstant('validFrom')
  validFrom?: string;

  @ApiPropertyOptional({ example: '2025-12-31T23:59:59+07:00', description: 'announces a policy that changes then: must stop airing' })
  @IsOptional() @IsInstant('validUntil')
  validUntil?: string;
}

export class ListSegmentsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SEGMENT_STATUSES, enumName: 'SegmentStatus' }) @IsOptional() @IsIn(SEGMENT_STATUSES, { message: `status must be one of ${SEGMENT_STATUSES.join(', ')}` })
  status?: SegmentStatus;

  @ApiPropertyOptional({ example: 'social-insurance' }) @IsOptional() @IsString() @Length(1, 100)
  topic?: string;

  @ApiPropertyOptional({ example: 'hmn' }) @IsOptional() @IsString() @Length(1, 35)
  language?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'only approved (true) or unapproved (false) segments' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'approved must be true or false' })
  approved?: boolean;
}

export class SegmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ example: 'social-insurance' })
  topic: string;
  @ApiProperty({ example: 'vi' })
  language: string;
  @ApiProperty({ enum: SEGMENT_STATUSES, enumName: 'SegmentStatus' })
  status: SegmentStatus;
  @ApiProperty({ type: String, nullable: true, description: 'why processing failed, in words for the uploader' })
  error: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'duration of the broadcast rendition' })
  durationSec: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'integrated loudness of the uploaded source (EBU R128); the rendition is at -16 LUFS' })
  loudnessLufs: number | null;
  @ApiProperty({ description: 'sha256 of the uploaded source file (of the voice and text for a spoken bulletin): the duplicate key' })
  sha256: string;
  @ApiProperty({ enum: SEGMENT_SOURCES, enumName: 'SegmentSource', description: '`upload`, or `speech` for a bulletin typed as text (SPEC §10)' })
  source: SegmentSource;
  @ApiProperty({ type: String, nullable: true, description: "a spoken bulletin's text as written (null for uploads)" })
  text: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the voice that reads it (GET /speech/voices)' })
  voice: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the text exactly as the voice reads it' })
  spokenText: string | null;
  @ApiProperty()
  approved: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  validFrom: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  validUntil: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: "the uploader's area: the segment serves its whole subtree (null: uploaded by an admin without an area, serves everywhere)" })
  areaId: string | null;
  @ApiProperty({ description: 'the uploaded file name' })
  originalName: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  approvedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retiredAt: string | null;

  static of(segment: SegmentEntity): SegmentDto {
    return {
      id: segment.id,
      title: segment.title,
      topic: segment.topic,
      language: segment.language,
      status: segment.status,
      error: segment.error,
      durationSec: segment.durationSec,
      loudnessLufs: segment.loudnessLufs,
      sha256: segment.sha256,
      source: segment.source,
      text: segment.text,
      voice: segment.voice,
      spokenText: segment.spokenText,
      approved: !!segment.approved,
      validFrom: iso(segment.validFrom),
      validUntil: iso(segment.validUntil),
      createdAt: iso(segment.createdAt)!,
      areaId: segment.areaId,
      originalName: segment.originalName,
      approvedAt: iso(segment.approvedAt),
      retiredAt: iso(segment.retiredAt),
    };
  }
}

export class SegmentPageDto extends PageOf(SegmentDto) {}
