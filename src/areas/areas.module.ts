import { Global, Module } from '@nestjs/common';
import { AreasController } from './areas.controller.js';
import { AreasRepository } from './areas.repository.js';
import { AreasService } from './areas.service.js';

@Global()
@Module({
  controllers: [AreasController],
  providers: [AreasRepository, AreasService],
  exports: [AreasRepository, AreasService],
})
export class AreasModule {}
