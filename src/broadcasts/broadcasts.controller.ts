import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { EMERGENCY_ROLES } from '../users/user.entity.js';
import { EmergencyBroadcastDto, ListBroadcastsQuery } from './broadcast.dto.js';
import { BroadcastsService } from './broadcasts.service.js';

@ApiTags('broadcasts')
@ApiBearerAuth()
@Controller('broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post('emergency')
  @Roles(...EMERGENCY_ROLES)
  emergency(@CurrentUser() user: AuthUser, @Body() dto: EmergencyBroadcastDto) {
    return this.broadcasts.emergency(user, dto);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListBroadcastsQuery) {
    return this.broadcasts.list(user, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.broadcasts.get(user, id);
  }

  @Get(':id/deliveries')
  deliveries(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() page: PageQuery) {
    return this.broadcasts.deliveries(user, id, page);
  }
}
