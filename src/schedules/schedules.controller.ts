import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { ScheduleConflictErrorDto } from '../openapi/error.dto.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateScheduleDto, ListSchedulesQuery, OccurrencesDto, OccurrencesQuery, ScheduleDto, SchedulePageDto, UpdateScheduleDto } from './schedule.dto.js';

const CONFLICT = { status: 409, type: ScheduleConflictErrorDto, description: 'overlaps another schedule of the same priority on a shared speaker in the next 30 days: the first clash' };
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiCreatedResponse({ type: ScheduleDto })
  @ApiErrors(CONFLICT)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateScheduleDto) {
    return this.schedules.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: SchedulePageDto })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Query() query: ListSchedulesQuery) {
    return this.schedules.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ScheduleDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.get(user, id);
  }

  @Get(':id/occurrences')
  @ApiOkResponse({ type: OccurrencesDto, description: 'when it airs between from and to' })
  @ApiErrors(404)
  occurrences(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: OccurrencesQuery) {
    return this.schedules.occurrences(user, id, query);
  }

  @Patch(':id')
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiOkResponse({ type: ScheduleDto, description: 'the new version; its broadcasts that had not aired are cancelled and planned again' })
  @ApiErrors(404, CONFLICT)
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateScheduleDto) {
    return this.schedules.update(user, id, dto);
  }

  @Delete(':id')
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiOkResponse({ type: ScheduleDto, description: 'the deleted schedule; its future broadcasts are cancelled' })
  @ApiErrors(404)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.remove(user, id);
  }
}
