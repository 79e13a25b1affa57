import { Global, Module } from '@nestjs/common';
import { RollupsRepository } from './rollups.repository.js';

/** Global: the deliveries repository (src/broadcasts) keeps the rollups in step inside its transactions. */
@Global()
@Module({
  providers: [RollupsRepository],
  exports: [RollupsRepository],
})
export class ReportsModule {}
