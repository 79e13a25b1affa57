import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/decorators.js';
import { SpeechPreviewDto, SpeechPreviewResult, VoiceListDto } from './speech.dto.js';
import { SpeechService } from './speech.service.js';

@ApiTags('speech')
@ApiBearerAuth()
@Controller('speech')
export class SpeechController {
  constructor(private readonly speech: SpeechService) {}

  @Get('voices')
  @ApiOkResponse({ type: VoiceListDto })
  async voices(): Promise<VoiceListDto> {
    return { items: await this.speech.voices() };
  }

  /** The text exactly as it will be read. */
  @Post('preview')
  @HttpCode(200)
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiOkResponse({ type: SpeechPreviewResult })
  async preview(@Body() dto: SpeechPreviewDto): Promise<SpeechPreviewResult> {
    const { voice, spokenText } = await this.speech.plan(dto);
    return { spokenText, voice: voice.id };
  }

  /** How it will sound on the loudspeakers (the broadcast rendition, not kept): for listening before saving. */
  @Post('preview/audio')
  @HttpCode(200)
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiResponse({ status: 200, description: 'the broadcast rendition it would get: mono 44.1 kHz MP3 at -16 LUFS', content: { 'audio/mpeg': { schema: { type: 'string', format: 'binary' } } } })
  async previewAudio(@Body() dto: SpeechPreviewDto, @Res() reply: FastifyReply): Promise<void> {
    const audio = await this.speech.previewAudio(await this.speech.plan(dto));
    await reply.code(200).headers({ 'Content-Type': 'audio/mpeg', 'Cache-Control': 'no-store' }).send(audio);
  }
}
