import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module.js';
import { SpeechModule } from '../speech/speech.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SegmentsController } from './segments.controller.js';
import { SegmentRenderer } from './segment-renderer.js';
import { SegmentsRepository } from './segments.repository.js';
import { SegmentsService } from './segments.service.js';

/** Policy audio: upload, approval, retirement, playback (the API side). */
@Module({
  imports: [MediaModule, StorageModule, SpeechModule],
  controllers: [SegmentsController],
  providers: [SegmentsRepository, SegmentsService, SegmentRenderer],
  exports: [SegmentsRepository, SegmentsService, SegmentRenderer],
})
export class SegmentsModule {}
