import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { AreaDto, AreaPageDto, CreateAreaDto, ListAreasQuery } from './area.dto.js';
import { AreasService } from './areas.service.js';

@ApiTags('areas')
@ApiBearerAuth()
@Controller('areas')
export class AreasController {
  constructor(private readonly areas: AreasService) {}

  @Post()
  @Roles('admin', 'district_staff')
  @ApiCreatedResponse({ type: AreaDto })
  @ApiErrors({ status: 409, description: 'the code is already used' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateAreaDto) {
    return this.areas.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: AreaPageDto, description: 'areas in the caller\'s subtree' })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Query() query: ListAreasQuery) {
    return this.areas.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: AreaDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.areas.get(user, id);
  }
}
