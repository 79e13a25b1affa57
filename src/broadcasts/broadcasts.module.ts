import { Module } from '@nestjs/common';
import { SpeakersModule } from '../speakers/speakers.module.js';
import { BroadcastProgress } from './broadcast-progress.js';
import { BroadcastJobs } from './broadcast-jobs.js';
import { BroadcastsController } from './broadcasts.controller.js';
import { BroadcastsRepository } from './broadcasts.repository.js';
import { DeliveryFillsRepository } from './delivery-fills.repository.js';
import { BroadcastsService } from './broadcasts.service.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryCountsRepository } from './delivery-counts.js';
import { Dispatcher } from './dispatcher.js';
import { Playlists } from './playlist.js';
import { SpeakerTargets } from './targets.js';
import { BroadcastTurns } from './turns.js';
import { CutIns } from './cut-ins.js';
import { Revivals } from './revivals.js';
import { BroadcastWithdrawals } from './withdrawals.js';
import { Preemptions } from './preemptions.js';
import { WaitingTurns } from './waiting-turns.js';

/**
 * Broadcasts and their deliveries. DeliveriesRepository is the only writer of deliveries (the device
 * API settles receipts through it); BroadcastsService.refreshFinalStatus follows late receipts.
 */
@Module({
  imports: [SpeakersModule],
  controllers: [BroadcastsController],
  providers: [BroadcastProgress, BroadcastsRepository, DeliveryFillsRepository, DeliveriesRepository, DeliveryCountsRepository, BroadcastsService, BroadcastJobs, Dispatcher, Playlists, SpeakerTargets, BroadcastTurns, Preemptions, WaitingTurns, CutIns, BroadcastWithdrawals, Revivals],
  exports: [BroadcastsRepository, DeliveriesRepository, BroadcastsService, BroadcastJobs, Dispatcher, Playlists, SpeakerTargets, BroadcastTurns, WaitingTurns, CutIns, BroadcastWithdrawals],
})
export class BroadcastsModule {}
