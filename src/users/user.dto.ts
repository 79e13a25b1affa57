import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-policy.js';
import { PageOf } from '../openapi/page.dto.js';
import { ROLES, UserEntity, type Role } from './user.entity.js';

const PASSWORD_RULE = `at least ${MIN_PASSWORD_LENGTH} characters, not a common password`;

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9_.-]+$' }) @IsString() @Length(3, 64) @Matches(/^[a-z0-9_.-]+$/, { message: 'username may hold lower-case letters, digits and _.- only' })
  username: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, description: PASSWORD_RULE }) @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  password: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'required except for admins' }) @IsOptional() @IsUUID()
  areaId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null only for admins (no area: everywhere)' })
  @ValidateIf((_, value) => value !== undefined && value !== null) @IsUUID('all', { message: 'areaId must be a UUID or null' })
  areaId?: string | null;

  @ApiPropertyOptional({ description: 'a disabled user cannot sign in and its tokens stop working; false enables it again' })
  @IsOptional() @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, description: PASSWORD_RULE }) @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  password: string;
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
  @ApiProperty({ description: 'disabled users cannot sign in; they stay for the audit trail' })
  disabled: boolean;
  @ApiProperty({ description: 'signs in with a one-time code (TOTP) besides the password' })
  totpEnabled: boolean;

  static of(user: UserEntity): UserDto {
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId, disabled: user.disabled, totpEnabled: !!user.totpEnabledAt };
  }
}

/** The signed-in user, as login and /auth/me show it. */
export class SessionUserDto extends UserDto {
  @ApiProperty({ description: 'LOA_REQUIRE_TOTP binds this role and no second factor is on: until one is enrolled only GET /auth/me, POST /auth/password and the /auth/totp routes answer (others 403)' })
  mustEnrolTotp: boolean;
}

export class UserPageDto extends PageOf(UserDto) {}
