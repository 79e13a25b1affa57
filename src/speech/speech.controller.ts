import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/decorators.js';
import { SpeechPreviewDto, SpeechPreviewResult, VoiceDto } from './speech.dto.js';
import { SpeechService } from './speech.service.js';

@ApiTags('speech')
@ApiBearerAuth()
@Controller('speech')
export class SpeechController {
  constructor(private readonly speech: SpeechService) {}

  @Get('voices')
  @ApiOkResponse({ type: [VoiceDto] })
  async voices(): Promise<{ items: VoiceDto[] }> {
    return { items: await this.speech.voices() };
  }

  /** The text exactly as it will be read. */
  @Post('preview')
  @HttpCode(200)
  @Roles('admin', 'district_staff', 'commune_operator')
  async preview(@Body() dto: SpeechPreviewDto): Promise<SpeechPreviewResult> {
    const { voice, spokenText } = await this.speech.plan(dto);
    return { spokenText, voice: voice.id };
  }

  /** How it will sound on the loudspeakers (the broadcast rendition, not kept): for listening before saving. */
  @Post('preview/audio')
  @HttpCode(200)
  @Roles('admin', 'district_staff', 'commune_operator')
  @ApiProduces('audio/mpeg')
  async previewAudio(@Body() dto: SpeechPreviewDto, @Res() reply: FastifyReply): Promise<void> {
    const audio = await this.speech.previewAudio(await this.speech.plan(dto));
    await reply.code(200).headers({ 'Content-Type': 'audio/mpeg', 'Cache-Control': 'no-store' }).send(audio);
  }
}
