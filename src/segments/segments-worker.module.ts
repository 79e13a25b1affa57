import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module.js';
import { SpeechModule } from '../speech/speech.module.js';
import { SegmentsModule } from './segments.module.js';
import { TranscodeProcessor } from './transcode.processor.js';
import { TranscodeSweeper } from './transcode-sweeper.js';

/** The `transcode` queue's worker and its sweeper: loaded only in processes with the `worker` role. */
@Module({
  imports: [SegmentsModule, MediaModule, SpeechModule],
  providers: [TranscodeProcessor, TranscodeSweeper],
})
export class SegmentsWorkerModule {}
