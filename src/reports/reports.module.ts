import { Global, Module } from '@nestjs/common';
import { BroadcastFactsLoader } from './broadcast-facts.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { RollupsRepository } from './rollups.repository.js';

/** Global: the deliveries repository (src/broadcasts) keeps the rollups in step inside its transactions. */
@Global()
@Module({
  controllers: [ReportsController],
  providers: [BroadcastFactsLoader, RollupsRepository, ReportsRepository, ReportsService],
  exports: [RollupsRepository],
})
export class ReportsModule {}
