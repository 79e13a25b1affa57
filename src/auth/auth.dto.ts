import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-policy.js';
import { SessionUserDto } from '../users/user.dto.js';

const CODE_RULE = /^(\d{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$/;
const CODE_MESSAGE = 'totp must be the 6-digit code of your authenticator app, or a recovery code (xxxxx-xxxxx)';

export class LoginDto {
  @ApiProperty({ minLength: 1, maxLength: 64 }) @IsString() @Length(1, 64)
  username: string;

  @ApiProperty({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  password: string;

  @ApiPropertyOptional({ description: 'for users with a second factor: the current 6-digit code, or an unused recovery code (each works once)', example: '123456' })
  @IsOptional() @IsString() @Matches(CODE_RULE, { message: CODE_MESSAGE })
  totp?: string;
}

export class LoginResult {
  @ApiProperty({ description: 'send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;
  @ApiProperty({ type: SessionUserDto })
  user: SessionUserDto;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  currentPassword: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, description: `at least ${MIN_PASSWORD_LENGTH} characters, not a common password, none of your last ones` })
  @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  newPassword: string;
}

export class ConfirmPasswordDto {
  @ApiProperty({ description: 'your password again: a stolen token alone cannot change your second factor' }) @IsString() @Length(1, MAX_PASSWORD_LENGTH)
  password: string;
}

export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', description: 'the code your authenticator app shows now' }) @IsString() @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class RemoveTotpDto extends ConfirmPasswordDto {
  @ApiProperty({ description: 'a current code, or an unused recovery code' }) @IsString() @Matches(CODE_RULE, { message: CODE_MESSAGE })
  totp: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'base32 secret, to type into an authenticator app' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/Loa:yty-operator?secret=...&issuer=Loa', description: 'the same, for a QR code' }) otpauthUri: string;
  @ApiProperty({ type: [String], description: 'shown only now: each signs in once in place of a code' }) recoveryCodes: string[];
}
