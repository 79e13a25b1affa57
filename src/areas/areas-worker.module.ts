import { Module } from '@nestjs/common';
import { AreaImportProcessor } from './area-import.processor.js';

/** The `areas` queue's worker: loaded only in processes with the `worker` role. */
@Module({ providers: [AreaImportProcessor] })
export class AreasWorkerModule {}
