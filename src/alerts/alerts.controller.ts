import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { XML_MEDIA_TYPES } from '../http/xml-bodies.js';
import { ApiErrors } from '../openapi/api-errors.js';
import { AlertDetailDto, AlertDto, AlertPageDto, ListAlertsQuery } from './alert.dto.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** A CAP 1.2 message (SPEC §11); the body is read as text and parsed by the service. */
  @Post()
  @Roles('admin', 'district_staff', 'alert_source')
  @ApiConsumes(...XML_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'string', description: 'a CAP 1.2 <alert> (docs/samples/storm-alert.cap.xml)' } })
  @ApiCreatedResponse({ type: AlertDto, description: 'received: an Actual Alert or Update is on the air (or waits for onset or its turn); the rest are stored' })
  @ApiOkResponse({ type: AlertDto, description: 'this sender and identifier were already received: the same alert' })
  @ApiErrors(
    { status: 400, description: 'not valid CAP 1.2, a Draft, expired, an unknown area or nothing playable; the message names the element' },
    { status: 403, description: 'an area, or a referenced alert, outside the caller\'s area' },
    { status: 413, description: 'larger than LOA_ALERT_MAX_MB' },
    { status: 415, description: 'not application/cap+xml or application/xml' },
  )
  async receive(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AlertDto> {
    if (typeof request.body !== 'string') throw new UnsupportedMediaTypeException('send the CAP message as application/cap+xml or application/xml');
    const { created, alert } = await this.alerts.receive({ user, via: 'post' }, request.body);
    reply.status(created ? 201 : 200);
    return alert;
  }

  @Get()
  @Roles('admin', 'district_staff', 'auditor')
  @ApiOkResponse({ type: AlertPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListAlertsQuery) {
    return this.alerts.list(user, query);
  }

  /** With what aired where: its broadcasts and their delivery counts. */
  @Get(':id')
  @Roles('admin', 'district_staff', 'auditor')
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.alerts.get(user, id);
  }

  /** Takes the alert off the air everywhere at once: broadcasts on air stop, scheduled ones are cancelled. */
  @Post(':id/stop')
  @Roles('admin', 'district_staff')
  @HttpCode(200)
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiErrors(404, { status: 403, description: 'the alert covers areas outside yours' })
  stop(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.alerts.stop(user, id);
  }
}
