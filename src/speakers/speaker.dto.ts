import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { iso } from '../common/iso.js';
import { PRIORITIES, type Priority } from '../schedules/schedule.entity.js';
import { BEHIND_REASONS, behindReasons, CLOCK_BEHIND_MS, CONNECTIONS, connectionOf, OUTBOX_BEHIND, type BehindReason, type Connection } from './receiver-health.js';
import { SpeakerEntity } from './speaker.entity.js';

export class CreateSpeakerDto {
  @ApiProperty({ example: 'Cụm loa thôn Tà Xùa', minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ format: 'uuid' }) @IsUUID()
  communeId: string;

  @ApiPropertyOptional({ example: 'Nhà văn hoá thôn', maxLength: 500 }) @IsOptional() @IsString() @Length(0, 500)
  location?: string;
}

export class UpdateSpeakerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'moving a speaker (commune merge) keeps its history' }) @IsOptional() @IsUUID()
  communeId?: string;

  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(0, 500)
  location?: string;
}

/** Listed by name in natural order (Vietnamese collation, numbers by value: "Loa 2" before "Loa 10"). */
export class ListSpeakersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  communeId?: string;

  @ApiPropertyOptional({ description: 'part of the name or location (letter case and Vietnamese marks ignored: thon dong finds Thôn Đông)', minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only receivers seen within LOA_SPEAKER_OFFLINE_SEC (true), or only the others (false)' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'online must be true or false' })
  online?: 'true' | 'false';
}

export class PlayingNowDto {
  @ApiProperty({ format: 'uuid' })
  broadcastId: string;
  @ApiProperty({ enum: PRIORITIES, enumName: 'Priority' })
  priority: Priority;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
}

/** The last status a receiver reported (POST /device/status), with when. */
export class ReceiverStatusDto {
  @ApiProperty({ example: 'loa-receiver linux-arm64' })
  agent: string;
  @ApiProperty({ example: '0.1.0' })
  version: string;
  @ApiProperty({ type: PlayingNowDto, nullable: true, description: 'what it was playing when it reported' })
  playing: PlayingNowDto | null;
  @ApiProperty({ type: 'integer' })
  cacheBytes: number;
  @ApiProperty({ type: 'integer', nullable: true })
  freeBytes: number | null;
  @ApiProperty({ type: 'integer', description: 'receipts waiting to be accepted by the server' })
  outbox: number;
  @ApiProperty({ description: 'server clock minus receiver clock, as the receiver estimates it' })
  clockOffsetMs: number;
  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;
  @ApiProperty({ format: 'date-time' })
  reportedAt: string;
}

export class SpeakerDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ format: 'uuid' })
  communeId: string;
  @ApiProperty({ type: String, nullable: true })
  location: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'last contact of its receiver' })
  lastSeenAt: string | null;
  @ApiProperty({ description: 'seen within LOA_SPEAKER_OFFLINE_SEC' })
  online: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  createdAt: string | null;
  @ApiProperty({ type: ReceiverStatusDto, nullable: true, description: 'the last status its receiver reported; null before the first' })
  status: ReceiverStatusDto | null;
  @ApiProperty({ enum: CONNECTIONS, enumName: 'ReceiverConnection', description: 'push: an event stream is open now (any api process); polling: seen lately without one; offline: not seen within LOA_SPEAKER_OFFLINE_SEC' })
  connection: Connection;
  @ApiProperty({
    enum: BEHIND_REASONS, enumName: 'BehindReason', isArray: true,
    description: `why the receiver needs a look: offline; outbox (more than ${OUTBOX_BEHIND} receipts waiting); clock (more than ${CLOCK_BEHIND_MS} ms off); version (older than the newest reported)`,
  })
  behind: BehindReason[];

  static of(speaker: SpeakerEntity, now: Date, offlineSec: number, streaming: boolean, newestVersion: string | null): SpeakerDto {
    const online = !!speaker.lastSeenAt && now.getTime() - speaker.lastSeenAt.getTime() <= offlineSec * 1000;
    const status = speaker.status && speaker.statusReportedAt ? { ...speaker.status, lastError: speaker.status.lastError ?? null, reportedAt: iso(speaker.statusReportedAt)! } : null;
    return {
      id: speaker.id, name: speaker.name, communeId: speaker.communeId, location: speaker.location, lastSeenAt: iso(speaker.lastSeenAt), online, createdAt: iso(speaker.createdAt),
      status, connection: connectionOf(online, streaming), behind: behindReasons(online, speaker.status, newestVersion),
    };
  }
}

export class SpeakerPageDto extends PageOf(SpeakerDto) {}

export class DeviceTokenDto {
  @ApiProperty({ description: "the speaker's device token: shown only here, stored hashed" })
  deviceToken: string;
}

export class NewSpeakerDto extends SpeakerDto {
  @ApiProperty({ description: "the speaker's device token: shown only here, stored hashed" })
  deviceToken: string;
}
