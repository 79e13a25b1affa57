import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { UserDto } from '../users/user.dto.js';

export class LoginDto {
  @ApiProperty() @IsString() @Length(1, 64)
  username: string;

  @ApiProperty() @IsString() @Length(1, 200)
  password: string;
}

export interface LoginResult {
  accessToken: string;
  user: UserDto;
}
