import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module.js';
import { MediaModule } from '../media/media.module.js';
import { SegmentsModule } from '../segments/segments.module.js';
import { SpeechModule } from '../speech/speech.module.js';
import { AlertAudio } from './alert-audio.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { HttpFetcher } from './http-fetcher.js';

/** CAP 1.2 alerts (SPEC §11): received by POST /alerts (and from feeds, in the worker). */
@Module({
  imports: [BroadcastsModule, SegmentsModule, SpeechModule, MediaModule],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertsService, AlertAudio, HttpFetcher],
  exports: [AlertsService, HttpFetcher],
})
export class AlertsModule {}
