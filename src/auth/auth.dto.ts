import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { UserDto } from '../users/user.dto.js';

export class LoginDto {
  @ApiProperty({ minLength: 1, maxLength: 64 }) @IsString() @Length(1, 64)
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200)
  password: string;
}

export class LoginResult {
  @ApiProperty({ description: 'send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;
  @ApiProperty({ type: UserDto })
  user: UserDto;
}
