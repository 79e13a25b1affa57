import { Global, Module } from '@nestjs/common';
import { AreaImportController } from './area-import.controller.js';
import { AreaImportJobs } from './area-import.jobs.js';
import { AreaImportService } from './area-import.service.js';
import { AreasController } from './areas.controller.js';
import { AreasRepository } from './areas.repository.js';
import { AreasService } from './areas.service.js';

@Global()
@Module({
  // The import's routes first: `/areas/imports/...` before `/areas/:id`.
  controllers: [AreaImportController, AreasController],
  providers: [AreasRepository, AreasService, AreaImportService, AreaImportJobs],
  exports: [AreasRepository, AreasService, AreaImportService],
})
export class AreasModule {}
