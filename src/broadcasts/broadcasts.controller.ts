import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { EMERGENCY_ROLES } from '../users/user.entity.js';
import { BroadcastDto, BroadcastPageDto, BroadcastProgressDto, DeliveryPageDto, EmergencyBroadcastDto, ListBroadcastsQuery } from './broadcast.dto.js';
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

  /**
   * Takes an on-air broadcast off the air (`stopped`) or calls off a scheduled one (`cancelled`); its
   * receivers are told at once. Admin; district staff in their area; a commune operator for its own
   * commune's broadcasts that are not emergencies. 409 when it has already ended or was called off.
   */
  @Post(':id/stop')
  @HttpCode(200)
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiOkResponse({ type: BroadcastDto, description: 'the broadcast, now stopped (was on air) or cancelled (was scheduled)' })
  @ApiErrors(
    { status: 403, description: 'the role may not stop broadcasts, the broadcast covers more than your area, or it is an emergency (commune operators)' },
    404,
    { status: 409, description: 'the broadcast has already ended, or was stopped, cancelled, preempted or skipped' },
  )
  stop(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.broadcasts.stop(user, id);
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

  /** Live progress on the receivers: told (pushed), playing (by their status reports), and receipts so far; cheap to poll each second. */
  @Get(':id/progress')
  @ApiOkResponse({ type: BroadcastProgressDto })
  @ApiErrors(404)
  progress(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.broadcasts.progress(user, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(404)
  deliveries(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() page: PageQuery) {
    return this.broadcasts.deliveries(user, id, page);
  }
}
