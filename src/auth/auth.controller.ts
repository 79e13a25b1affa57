import { Body, Controller, Delete, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SessionUserDto } from '../users/user.dto.js';
import { AccountService } from './account.service.js';
import type { AuthUser } from './auth-user.js';
import { ChangePasswordDto, ConfirmPasswordDto, ConfirmTotpDto, LoginDto, RemoveTotpDto, SessionDto, TotpEnrolmentDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, EnrolmentRoute, Public } from './decorators.js';

const LIMITED = 'too many failed attempts from this address or for this username: try again after Retry-After seconds';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService, private readonly account: AccountService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ description: 'wrong username or password (also for a disabled user); with `totpRequired: true` when the password is right and a one-time code is needed, or the code was wrong' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  login(@Body() dto: LoginDto, @Ip() ip: string) {
    return this.auth.login(dto, ip);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Get('me')
  @ApiOkResponse({ type: SessionUserDto })
  me(@CurrentUser() user: AuthUser) {
    return this.auth.me(user);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto, description: 'changed; every other token of this user stops working, this answer carries a fresh one' })
  @ApiBadRequestResponse({ description: 'newPassword too short, common, or used recently' })
  @ApiUnauthorizedResponse({ description: 'wrong current password' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @Ip() ip: string) {
    return this.account.changePassword(user, dto, ip);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Post('totp')
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'step 1 of 2: scan the URI as a QR code, keep the recovery codes (shown only now), then confirm with a first code' })
  @ApiUnauthorizedResponse({ description: 'wrong password' })
  @ApiConflictResponse({ description: 'a second factor is already on' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  startTotp(@CurrentUser() user: AuthUser, @Body() dto: ConfirmPasswordDto, @Ip() ip: string) {
    return this.account.startTotp(user, dto.password, ip);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto, description: 'step 2 of 2: the second factor is on; other tokens stop working, this answer carries a fresh one' })
  @ApiBadRequestResponse({ description: 'not the current code' })
  @ApiConflictResponse({ description: 'no enrolment started, or already on' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  confirmTotp(@CurrentUser() user: AuthUser, @Body() dto: ConfirmTotpDto, @Ip() ip: string) {
    return this.account.confirmTotp(user, dto.code, ip);
  }

  @ApiBearerAuth()
  @Delete('totp')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto, description: 'the second factor is off; other tokens stop working, this answer carries a fresh one' })
  @ApiUnauthorizedResponse({ description: 'wrong password or code' })
  @ApiForbiddenResponse({ description: 'LOA_REQUIRE_TOTP binds this role' })
  @ApiConflictResponse({ description: 'no second factor is on' })
  @ApiTooManyRequestsResponse({ description: LIMITED })
  removeTotp(@CurrentUser() user: AuthUser, @Body() dto: RemoveTotpDto, @Ip() ip: string) {
    return this.account.removeTotp(user, dto, ip);
  }
}
