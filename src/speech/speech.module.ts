import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SpeechEngine } from './speech-engine.js';
import { SpeechController } from './speech.controller.js';
import { SpeechService } from './speech.service.js';

/** Text to speech (SPEC §10): voices, the Vietnamese normaliser, previews; the engine adapter lives here. */
@Module({
  imports: [MediaModule, StorageModule],
  controllers: [SpeechController],
  providers: [SpeechEngine, SpeechService],
  exports: [SpeechService],
})
export class SpeechModule {}
