import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { MediaModule } from '../media/media.module.js';
import { HealthController } from './health.controller.js';
import { createMetrics, METRICS } from './metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

@Module({
  imports: [TerminusModule, DiscoveryModule, MediaModule],
  controllers: [HealthController, MetricsController],
  providers: [{ provide: METRICS, useFactory: createMetrics }, MetricsService],
  exports: [MetricsService],
})
export class OpsModule {}
