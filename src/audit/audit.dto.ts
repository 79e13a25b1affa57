import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { IsInstant, iso } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import type { AuditEntryEntity } from './audit-entry.entity.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'entries by this user (404 when outside your area)' }) @IsOptional() @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ example: 'segment.approve' }) @IsOptional() @Length(1, 64) @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like <resource>.<verb>, e.g. segment.approve' })
  action?: string;

  @ApiPropertyOptional({ example: 'segment' }) @IsOptional() @Length(1, 32) @Matches(/^[a-z_]+$/, { message: 'resource must be a lower-case noun, e.g. segment' })
  resource?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'entries at or after this instant' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'entries before this instant' }) @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'by seq: newest first, or oldest first (stable paging while entries are appended)' })
  @IsOptional() @IsIn(['desc', 'asc'], { message: 'order must be asc or desc' })
  order: 'asc' | 'desc' = 'desc';
}

export class AuditEntryDto {
  @ApiProperty({ type: 'integer', description: 'position in the hash chain' })
  seq: number;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'who did it (null: the system, or a failed login)' })
  userId: string | null;
  @ApiProperty({ example: 'segment.approve', description: '<resource>.<verb>' })
  action: string;
  @ApiProperty({ example: 'segment' })
  resource: string;
  @ApiProperty({ type: String, nullable: true })
  resourceId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, description: 'client address' })
  ip: string | null;
  @ApiProperty({ description: 'sha256 over the previous hash and this entry' })
  hash: string;

  static of(entry: AuditEntryEntity): AuditEntryDto {
    return {
      seq: entry.seq, at: iso(entry.at)!, userId: entry.userId, action: entry.action, resource: entry.resource,
      resourceId: entry.resourceId, details: entry.details, ip: entry.ip, hash: entry.hash,
    };
  }
}

export class AuditEntryPageDto extends PageOf(AuditEntryDto) {}

export class AuditVerification {
  @ApiProperty()
  ok: boolean;
  @ApiProperty({ type: 'integer', description: 'entries read' })
  entries: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the first entry that does not chain (edited, or the seq of a missing one); null when ok' })
  firstBadSeq: number | null;
  @ApiProperty({ description: 'hash of the last entry: note it elsewhere, and a later rewrite of the whole tail shows (see ChainVerifier)' })
  headHash: string;
}
