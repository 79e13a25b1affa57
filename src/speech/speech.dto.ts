import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { Voice } from './speech-engine.js';

/** SPEC §10: a spoken bulletin holds at most 5,000 characters. */
export const MAX_SPEECH_CHARS = 5000;
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The text, language and voice of a spoken bulletin: the part shared by preview and segment creation. */
export class SpeechTextFields {
  @ApiProperty({ example: 'Từ ngày 01/7/2025, mức đóng BHXH tự nguyện thấp nhất là 330.000 đồng/tháng.', maxLength: MAX_SPEECH_CHARS })
  @IsString()
  @Matches(/\S/, { message: 'text is empty' })
  @MaxLength(MAX_SPEECH_CHARS, { message: `text must be at most ${MAX_SPEECH_CHARS.toLocaleString('en')} characters` })
  text: string;

  @ApiProperty({ example: 'vi', description: 'a language with a voice (GET /speech/voices)' })
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP-47 tag such as vi' })
  language: string;

  @ApiPropertyOptional({ example: 'vi-vn-x-south', description: "a voice id from GET /speech/voices; default: the language's first voice" })
  @IsOptional() @IsString() @Length(1, 64)
  voice?: string;
}

export class SpeechPreviewDto extends SpeechTextFields {}

export class SpeechPreviewResult {
  @ApiProperty({ description: 'the text exactly as it will be read' })
  spokenText: string;
  @ApiProperty({ example: 'vi', description: 'the voice that would read it' })
  voice: string;
}

export class VoiceDto implements Voice {
  @ApiProperty({ example: 'vi-vn-x-south' }) id: string;
  @ApiProperty({ example: 'vi' }) language: string;
  @ApiProperty({ example: 'Vietnamese (Southern)' }) name: string;
  @ApiProperty({ enum: ['espeak-ng', 'command'], enumName: 'SpeechEngine', description: 'the built-in espeak-ng, or the engine of LOA_TTS_COMMAND' })
  engine: Voice['engine'];
}

export class VoiceListDto {
  @ApiProperty({ type: [VoiceDto] })
  items: VoiceDto[];
}
