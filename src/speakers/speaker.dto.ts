import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { iso } from '../common/iso.js';
import { SpeakerEntity } from './speaker.entity.js';

export class CreateSpeakerDto {
  @ApiProperty({ example: 'Cụm loa thôn Tà Xùa' }) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty() @IsUUID()
  communeId: string;

  @ApiPropertyOptional({ example: 'Nhà văn hoá thôn' }) @IsOptional() @IsString() @Length(0, 500)
  location?: string;
}

export class UpdateSpeakerDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'moving a speaker (commune merge) keeps its history' }) @IsOptional() @IsUUID()
  communeId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 500)
  location?: string;
}

export class ListSpeakersQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  communeId?: string;
}

export class SpeakerDto {
  id: string;
  name: string;
  communeId: string;
  location: string | null;
  lastSeenAt: string | null;
  online: boolean;
  createdAt: string | null;

  static of(speaker: SpeakerEntity, now: Date, offlineSec: number): SpeakerDto {
    const online = !!speaker.lastSeenAt && now.getTime() - speaker.lastSeenAt.getTime() <= offlineSec * 1000;
    return { id: speaker.id, name: speaker.name, communeId: speaker.communeId, location: speaker.location, lastSeenAt: iso(speaker.lastSeenAt), online, createdAt: iso(speaker.createdAt) };
  }
}
