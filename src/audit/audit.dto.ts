import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { IsInstant, iso } from '../common/iso.js';
import { PageQuery } from '../common/pagination.js';
import type { AuditEntryEntity } from './audit-entry.entity.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'entries by this user (404 when outside your area)' }) @IsOptional() @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ example: 'segment.approve' }) @IsOptional() @Length(1, 64) @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like <resource>.<verb>, e.g. segment.approve' })
  action?: string;

  @ApiPropertyOptional({ example: 'segment' }) @IsOptional() @Length(1, 32) @Matches(/^[a-z_]+$/, { message: 'resource must be a lower-case noun, e.g. segment' })
  resource?: string;

  @ApiPropertyOptional({ description: 'entries at or after this instant' }) @IsOptional() @IsInstant('from')
  from?: string;

  @ApiPropertyOptional({ description: 'entries before this instant' }) @IsOptional() @IsInstant('to')
  to?: string;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'by seq: newest first, or oldest first (stable paging while entries are appended)' })
  @IsOptional() @IsIn(['desc', 'asc'], { message: 'order must be asc or desc' })
  order: 'asc' | 'desc' = 'desc';
}

export class AuditEntryDto {
  seq: number;
  at: string;
  userId: string | null;
  action: string;
  resource: string;
  resourceId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  hash: string;

  static of(entry: AuditEntryEntity): AuditEntryDto {
    return {
      seq: entry.seq, at: iso(entry.at)!, userId: entry.userId, action: entry.action, resource: entry.resource,
      resourceId: entry.resourceId, details: entry.details, ip: entry.ip, hash: entry.hash,
    };
  }
}

export interface AuditVerification {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** The first entry that does not chain (edited, or the seq of a missing one); null when ok. */
  firstBadSeq: number | null;
  /** Hash of the last entry: note it elsewhere, and a later rewrite of the whole tail shows (see ChainVerifier). */
  headHash: string;
}
