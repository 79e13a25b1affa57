import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateSpeakerDto, ListSpeakersQuery, UpdateSpeakerDto } from './speaker.dto.js';
import { SpeakersService } from './speakers.service.js';

@ApiTags('speakers')
@ApiBearerAuth()
@Controller('speakers')
export class SpeakersController {
  constructor(private readonly speakers: SpeakersService) {}

  @Post()
  @Roles('admin', 'district_staff')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateSpeakerDto) {
    return this.speakers.create(user, dto);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListSpeakersQuery) {
    return this.speakers.list(user, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.speakers.get(user, id);
  }

  @Patch(':id')
  @Roles('admin', 'district_staff')
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSpeakerDto) {
    return this.speakers.update(user, id, dto);
  }

  @Post(':id/token')
  @Roles('admin', 'district_staff')
  rotateToken(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.speakers.rotateToken(user, id);
  }
}
