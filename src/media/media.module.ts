import { Module } from '@nestjs/common';
import { MediaRepository } from './media.repository.js';

/** The media adapter (ffmpeg/ffprobe). Import it wherever audio is probed, measured or rendered. */
@Module({ providers: [MediaRepository], exports: [MediaRepository] })
export class MediaModule {}
