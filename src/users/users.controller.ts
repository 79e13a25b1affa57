import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { CreateUserDto, SetPasswordDto, UpdateUserDto, UserDto } from './user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'not an admin, or a body naming an area outside yours' })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'invalid input, a weak or common password, an unknown area' })
  @ApiConflictResponse({ description: 'username taken' })
  create(@CurrentUser() caller: AuthUser, @Body() dto: CreateUserDto) {
    return this.users.create(caller, dto);
  }

  @Get()
  @Roles('admin', 'district_staff', 'auditor')
  list(@CurrentUser() caller: AuthUser, @Query() page: PageQuery) {
    return this.users.list(caller, page);
  }

  @Get(':id')
  @Roles('admin', 'district_staff', 'auditor')
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'unknown or outside your area' })
  get(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(caller, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the user; its tokens stop working at once when it is disabled or its role or area changes' })
  @ApiBadRequestResponse({ description: 'invalid input, an unknown area, a role that needs an area without one' })
  @ApiNotFoundResponse({ description: 'unknown or outside your area' })
  @ApiConflictResponse({ description: 'the last active admin cannot be disabled or demoted' })
  update(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(caller, id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the user, disabled (users are never erased: the audit trail names them)' })
  @ApiNotFoundResponse({ description: 'unknown or outside your area' })
  @ApiConflictResponse({ description: 'the last active admin cannot be disabled' })
  disable(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.disable(caller, id);
  }

  @Post(':id/password')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: UserDto, description: 'the password is set; the user\'s existing tokens stop working at once' })
  @ApiBadRequestResponse({ description: 'a weak or common password' })
  @ApiNotFoundResponse({ description: 'unknown or outside your area' })
  setPassword(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPasswordDto) {
    return this.users.setPassword(caller, id, dto.password);
  }

  @Delete(':id/totp')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'the second factor is removed (a lost authenticator); the user\'s tokens stop working' })
  @ApiNotFoundResponse({ description: 'unknown or outside your area' })
  resetTotp(@CurrentUser() caller: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.resetTotp(caller, id);
  }
}
