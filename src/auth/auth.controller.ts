import { Body, Controller, Delete, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { CodeRequiredErrorDto, TooManyAttemptsErrorDto } from '../openapi/error.dto.js';
import { SessionUserDto } from '../users/user.dto.js';
import { AccountService } from './account.service.js';
import type { AuthUser } from './auth-user.js';
import { ChangePasswordDto, ConfirmPasswordDto, ConfirmTotpDto, LoginDto, LoginResult, RemoveTotpDto, TotpEnrolmentDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { CurrentUser, EnrolmentRoute, Public } from './decorators.js';

const LIMITED = { status: 429, type: TooManyAttemptsErrorDto, description: 'too many failed attempts from this address or for this username: try again after Retry-After seconds' };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService, private readonly account: AccountService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResult })
  @ApiErrors(
    { status: 401, type: CodeRequiredErrorDto, description: 'wrong username or password (a disabled user gets the same answer); with `totpRequired: true` when the password is right and a one-time code is needed, or the code was wrong' },
    LIMITED,
  )
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
  @ApiOkResponse({ type: LoginResult, description: 'changed; every other token of this user stops working, this answer carries a fresh one' })
  @ApiErrors({ status: 400, description: 'newPassword too short, common, or used recently' }, { status: 401, description: 'no token, or a wrong current password' }, LIMITED)
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @Ip() ip: string) {
    return this.account.changePassword(user, dto, ip);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Post('totp')
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'step 1 of 2: scan the URI as a QR code, keep the recovery codes (shown only now), then confirm with a first code' })
  @ApiErrors({ status: 401, description: 'no token, or a wrong password' }, { status: 409, description: 'a second factor is already on' }, LIMITED)
  startTotp(@CurrentUser() user: AuthUser, @Body() dto: ConfirmPasswordDto, @Ip() ip: string) {
    return this.account.startTotp(user, dto.password, ip);
  }

  @ApiBearerAuth()
  @EnrolmentRoute()
  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResult, description: 'step 2 of 2: the second factor is on; other tokens stop working, this answer carries a fresh one' })
  @ApiErrors({ status: 400, description: 'not the current code of this enrolment' }, { status: 409, description: 'no enrolment started, or already on' }, LIMITED)
  confirmTotp(@CurrentUser() user: AuthUser, @Body() dto: ConfirmTotpDto, @Ip() ip: string) {
    return this.account.confirmTotp(user, dto.code, ip);
  }

  @ApiBearerAuth()
  @Delete('totp')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResult, description: 'the second factor is off; other tokens stop working, this answer carries a fresh one' })
  @ApiErrors(
    { status: 401, type: CodeRequiredErrorDto, description: 'no token, or a wrong password or code' },
    { status: 403, description: 'LOA_REQUIRE_TOTP binds this role' },
    { status: 409, description: 'no second factor is on' },
    LIMITED,
  )
  removeTotp(@CurrentUser() user: AuthUser, @Body() dto: RemoveTotpDto, @Ip() ip: string) {
    return this.account.removeTotp(user, dto, ip);
  }
}
