import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { AREA_KINDS, AreaEntity, type AreaKind } from './area.entity.js';

export class CreateAreaDto {
  @ApiProperty({ example: 'Xã Tà Xùa' }) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'VN-YB-TX', description: 'unique administrative code' }) @IsString() @Length(1, 64) @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'code may hold letters, digits and _.- only' })
  code: string;

  @ApiProperty({ enum: AREA_KINDS }) @IsIn(AREA_KINDS)
  kind: AreaKind;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ description: 'cap on a normal broadcast, in minutes, for every commune below' }) @IsOptional() @IsInt() @Min(1) @Max(24 * 60)
  maxBroadcastMinutes?: number;
}

export class ListAreasQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ enum: AREA_KINDS }) @IsOptional() @IsIn(AREA_KINDS)
  kind?: AreaKind;
}

export class AreaDto {
  id: string;
  name: string;
  code: string;
  kind: AreaKind;
  parentId: string | null;
  maxBroadcastMinutes: number | null;

  static of(area: AreaEntity): AreaDto {
    return { id: area.id, name: area.name, code: area.code, kind: area.kind, parentId: area.parentId, maxBroadcastMinutes: area.maxBroadcastMinutes };
  }
}
