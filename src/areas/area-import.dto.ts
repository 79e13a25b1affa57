import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { AreaImportProgress, AreaImportResult } from './area-import.service.js';

export class StartAreaImportDto {
  @ApiPropertyOptional({ example: '15', description: 'official code of one province to load; all 34 when absent' })
  @IsOptional() @Matches(/^\d{2}$/, { message: 'province must be an official two-digit province code, e.g. 15' })
  province?: string;
}

export class AreaImportProgressDto implements AreaImportProgress {
  @ApiProperty({ type: 'integer' }) provincesDone: number;
  @ApiProperty({ type: 'integer' }) provincesTotal: number;
  @ApiProperty({ type: 'integer' }) communesDone: number;
  @ApiProperty({ type: 'integer' }) communesTotal: number;
}

export class AreaImportCountsDto {
  @ApiProperty({ type: 'integer' }) added: number;
  @ApiProperty({ type: 'integer' }) renamed: number;
  @ApiProperty({ type: 'integer' }) unchanged: number;
}

export class AreaImportSkipDto {
  @ApiProperty() code: string;
  @ApiProperty() reason: string;
}

export class AreaImportResultDto implements AreaImportResult {
  @ApiProperty({ type: AreaImportCountsDto }) provinces: AreaImportCountsDto;
  @ApiProperty({ type: AreaImportCountsDto }) communes: AreaImportCountsDto;
  @ApiProperty({ type: [AreaImportSkipDto], description: 'official codes already used by an area of another kind: left alone' }) skipped: AreaImportSkipDto[];
}

export const AREA_IMPORT_STATES = ['waiting', 'active', 'completed', 'failed'] as const;
export type AreaImportState = (typeof AREA_IMPORT_STATES)[number];

/** One run of the national import, as the console follows it. */
export class AreaImportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AREA_IMPORT_STATES, enumName: 'AreaImportState' }) state: AreaImportState;
  @ApiProperty({ nullable: true, type: String, description: 'the one province loaded, or null for the whole country' }) province: string | null;
  @ApiProperty({ type: AreaImportProgressDto, nullable: true }) progress: AreaImportProgressDto | null;
  @ApiProperty({ type: AreaImportResultDto, nullable: true }) result: AreaImportResultDto | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
}
