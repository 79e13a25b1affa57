import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UserDto } from '../users/user.dto.js';
import type { AuthUser } from './auth-user.js';
import { LoginDto } from './auth.dto.js';
import { LoginRateLimited } from './login-rate-limit.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, Public } from './decorators.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @LoginRateLimited()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto) {
    return this.auth.login(dto);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser): UserDto {
    return { id: user.id, username: user.username, role: user.role, areaId: user.areaId };
  }
}
