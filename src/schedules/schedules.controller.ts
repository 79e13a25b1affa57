import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateScheduleDto, ListSchedulesQuery, OccurrencesQuery, UpdateScheduleDto } from './schedule.dto.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @Roles('admin', 'district_staff', 'commune_operator')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateScheduleDto) {
    return this.schedules.create(user, dto);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListSchedulesQuery) {
    return this.schedules.list(user, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.get(user, id);
  }

  @Get(':id/occurrences')
  occurrences(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() query: OccurrencesQuery) {
    return this.schedules.occurrences(user, id, query);
  }

  @Patch(':id')
  @Roles('admin', 'district_staff', 'commune_operator')
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateScheduleDto) {
    return this.schedules.update(user, id, dto);
  }

  @Delete(':id')
  @Roles('admin', 'district_staff', 'commune_operator')
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.remove(user, id);
  }
}
