import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ROLES, UserEntity, type Role } from './user.entity.js';

export class CreateUserDto {
  @ApiProperty() @IsString() @Length(3, 64) @Matches(/^[a-z0-9_.-]+$/, { message: 'username may hold lower-case letters, digits and _.- only' })
  username: string;

  @ApiProperty({ minLength: 8 }) @IsString() @Length(8, 200)
  password: string;

  @ApiProperty({ enum: ROLES }) @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ description: 'required except for admins' }) @IsOptional() @IsUUID()
  areaId?: string;
}

export class UserDto {
  id: string;
  username: string;
  role: Role;
  areaId: string | null;

  static of(user: UserEntity): UserDto {
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId };
  }
}
