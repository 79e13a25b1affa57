import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { CreateSpeakerDto, DeviceTokenDto, ListSpeakersQuery, NewSpeakerDto, SpeakerDto, SpeakerPageDto, UpdateSpeakerDto } from './speaker.dto.js';
import { SpeakersService } from './speakers.service.js';

@ApiTags('speakers')
@ApiBearerAuth()
@Controller('speakers')
export class SpeakersController {
  constructor(private readonly speakers: SpeakersService) {}

  @Post()
  @Roles('admin', 'district_staff')
  @ApiCreatedResponse({ type: NewSpeakerDto, description: 'the speaker with its device token (shown only here)' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateSpeakerDto) {
    return this.speakers.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: SpeakerPageDto })
  @ApiErrors(404)
  list(@CurrentUser() user: AuthUser, @Query() query: ListSpeakersQuery) {
    return this.speakers.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SpeakerDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.speakers.get(user, id);
  }

  @Patch(':id')
  @Roles('admin', 'district_staff')
  @ApiOkResponse({ type: SpeakerDto, description: 'a new commune moves it (a commune merge), with its history' })
  @ApiErrors(404)
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSpeakerDto) {
    return this.speakers.update(user, id, dto);
  }

  @Post(':id/token')
  @Roles('admin', 'district_staff')
  @ApiCreatedResponse({ type: DeviceTokenDto, description: 'a new token; the old one stops working' })
  @ApiErrors(404)
  rotateToken(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.speakers.rotateToken(user, id);
  }
}
