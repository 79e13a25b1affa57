import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiAudioResponses } from '../openapi/api-media.js';
import { DuplicateErrorDto } from '../openapi/error.dto.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { ListSegmentsQuery, SegmentDto, SegmentPageDto, SpeechSegmentDto } from './segment.dto.js';
import { FILE_FIELD, SegmentsService } from './segments.service.js';

@ApiTags('segments')
@ApiBearerAuth()
@Controller('segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  /** The body is read by the service, streamed to disk: never through a body parser. */
  @Post()
  @Roles('admin', 'district_staff')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: [FILE_FIELD, 'title', 'topic', 'language'],
      properties: {
        [FILE_FIELD]: { type: 'string', format: 'binary', description: 'the audio (wav, mp3, ogg, flac, m4a, ...)' },
        title: { type: 'string', example: 'Thông báo đóng BHXH tự nguyện năm 2025' },
        topic: { type: 'string', example: 'social-insurance' },
        language: { type: 'string', example: 'vi' },
        validFrom: { type: 'string', format: 'date-time', example: '2025-07-01T00:00:00+07:00' },
        validUntil: { type: 'string', format: 'date-time', example: '2025-12-31T23:59:59+07:00' },
      },
    },
  })
  @ApiAcceptedResponse({ type: SegmentDto, description: 'stored; status processing while it is checked and transcoded' })
  @ApiErrors(
    { status: 409, type: DuplicateErrorDto, description: 'the same audio is already a live segment' },
    { status: 413, description: 'the file is larger than LOA_MAX_UPLOAD_MB' },
    { status: 415, description: 'not multipart/form-data, or not audio ffmpeg can read' },
  )
  upload(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest) {
    return this.segments.upload(user, request.raw);
  }

  /** A bulletin typed as text: read by a voice, then the same lifecycle as an upload (SPEC §10). */
  @Post('speech')
  @Roles('admin', 'district_staff')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SegmentDto, description: 'stored with source speech; status processing while it is synthesised and transcoded' })
  @ApiErrors({ status: 409, type: DuplicateErrorDto, description: 'the same text read by the same voice is already a live segment' })
  speech(@CurrentUser() user: AuthUser, @Body() dto: SpeechSegmentDto) {
    return this.segments.createSpeech(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: SegmentPageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListSegmentsQuery) {
    return this.segments.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: SegmentDto })
  @ApiErrors(404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.segments.get(user, id);
  }

  @Post(':id/approve')
  @Roles('admin', 'district_staff')
  @HttpCode(200)
  @ApiOkResponse({ type: SegmentDto, description: 'approved: it can be scheduled' })
  @ApiErrors(404, { status: 409, description: 'only a ready segment can be approved' })
  approve(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.segments.approve(user, id);
  }

  @Delete(':id')
  @Roles('admin', 'district_staff')
  @ApiOkResponse({ type: SegmentDto, description: 'retired: it airs no more' })
  @ApiErrors(404)
  retire(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.segments.retire(user, id);
  }

  /** The broadcast rendition; supports Range (206) for players that seek. */
  @Get(':id/audio')
  @ApiAudioResponses()
  audio(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.segments.sendAudio(user, id, request.raw, reply);
  }
}
