import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageOf } from '../openapi/page.dto.js';
import { ROLES, UserEntity, type Role } from './user.entity.js';

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9_.-]+$' }) @IsString() @Length(3, 64) @Matches(/^[a-z0-9_.-]+$/, { message: 'username may hold lower-case letters, digits and _.- only' })
  username: string;

  @ApiProperty({ minLength: 8, maxLength: 200 }) @IsString() @Length(8, 200)
  password: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'required except for admins' }) @IsOptional() @IsUUID()
  areaId?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  username: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the area subtree the user acts in (null: an admin everywhere)' })
  areaId: string | null;

  static of(user: UserEntity): UserDto {
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId };
  }
}

export class UserPageDto extends PageOf(UserDto) {}
