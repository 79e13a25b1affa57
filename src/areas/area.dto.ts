import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { PageOf } from '../openapi/page.dto.js';
import { AREA_KINDS, AreaEntity, type AreaKind } from './area.entity.js';

export class CreateAreaDto {
  @ApiProperty({ example: 'Xã Tà Xùa' }) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'VN-YB-TX', description: 'unique administrative code' }) @IsString() @Length(1, 64) @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'code may hold letters, digits and _.- only' })
  code: string;

  @ApiProperty({ enum: AREA_KINDS, enumName: 'AreaKind' }) @IsIn(AREA_KINDS)
  kind: AreaKind;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 24 * 60, description: 'cap on a normal broadcast, in minutes, for every commune below' }) @IsOptional() @IsInt() @Min(1) @Max(24 * 60)
  maxBroadcastMinutes?: number;
}

export class ListAreasQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ enum: AREA_KINDS, enumName: 'AreaKind' }) @IsOptional() @IsIn(AREA_KINDS)
  kind?: AreaKind;
}

export class AreaDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  code: string;
  @ApiProperty({ enum: AREA_KINDS, enumName: 'AreaKind' })
  kind: AreaKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  parentId: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'cap on a normal broadcast, in minutes, for every commune below' })
  maxBroadcastMinutes: number | null;

  static of(area: AreaEntity): AreaDto {
    return { id: area.id, name: area.name, code: area.code, kind: area.kind, parentId: area.parentId, maxBroadcastMinutes: area.maxBroadcastMinutes };
  }
}

export class AreaPageDto extends PageOf(AreaDto) {}
