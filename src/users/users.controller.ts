import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { CreateUserDto, SetPasswordDto, UpdateUserDto, UserDto, UserPageDto } from './user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserDto, description: 'the user (never the password)' })
  @ApiErrors({ status: 400, description: 'invalid input, a weak or common password, an unknown area' }, { status: 409, description: 'the username is taken' })
  create(@CurrentUser() caller: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(caller, dto);
  }

  @Get()
  @Roles('admin', 'district_staff', 'auditor')
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentUser() caller: AuthUser, @Query() page: PageQuery) {
    return this.users.list(caller, page);
  }

  @Get(':id')
  @Roles('admin', 'district_staff', 'auditor')
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ status: 404, description: 'unknown, or outside your area' })
  get(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(caller, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the user; its tokens stop working at once when it is disabled or its role or area changes' })
  @ApiErrors(
    { status: 400, description: 'invalid input, an unknown area, a role that needs an area without one' },
    { status: 404, description: 'unknown, or outside your area' },
    { status: 409, description: 'the last active admin without an area cannot be disabled, demoted or bound to an area' },
  )
  update(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(caller, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the user, disabled (users are never erased: the audit trail names them)' })
  @ApiErrors({ status: 404, description: 'unknown, or outside your area' }, { status: 409, description: 'the last active admin without an area cannot be disabled' })
  disable(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.disable(caller, id);
  }

  @Post(':id/password')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: UserDto, description: 'the password is set; the user\'s existing tokens stop working at once' })
  @ApiErrors({ status: 400, description: 'a weak or common password' }, { status: 404, description: 'unknown, or outside your area' })
  setPassword(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPasswordDto) {
    return this.users.setPassword(caller, id, dto.password);
  }

  @Delete(':id/totp')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the second factor is removed (a lost authenticator); the user\'s tokens stop working' })
  @ApiErrors({ status: 404, description: 'unknown, or outside your area' })
  resetTotp(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.resetTotp(caller, id);
  }
}
