import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { EMERGENCY_ROLES } from '../users/user.entity.js';
import { BroadcastDto, BroadcastPageDto, DeliveryPageDto, EmergencyBroadcastDto, ListBroadcastsQuery } from './broadcast.dto.js';
import { BroadcastsService } from './broadcasts.service.js';

@ApiTags('broadcasts')
@ApiBearerAuth()
@Controller('broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post('emergency')
  @Roles(...EMERGENCY_ROLES)
  @ApiCreatedResponse({ type: BroadcastDto, description: 'on air at once on every speaker below the area (`status: on_air`), or, when another emergency holds some of those speakers, `status: scheduled` with the `startsAt` where the last one it overlaps ends there (SPEC §14)' })
  emergency(@CurrentUser() user: AuthUser, @Body() dto: EmergencyBroadcastDto) {
    return this.broadcasts.emergency(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: BroadcastPageDto })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Query() query: ListBroadcastsQuery) {
    return this.broadcasts.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: BroadcastDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.broadcasts.get(user, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(404)
  deliveries(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() page: PageQuery) {
    return this.broadcasts.deliveries(user, id, page);
  }
}
