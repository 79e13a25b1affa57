import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QueueName } from '../queue/queue.constants.js';
import type { AreaImportJob } from './area-import.jobs.js';
import { AreaImportService, type AreaImportResult } from './area-import.service.js';

/** Queue `areas`: the national import asked for in the console, province by province, reporting progress after each. */
@Processor(QueueName.Areas)
export class AreaImportProcessor extends WorkerHost {
  constructor(private readonly importer: AreaImportService) {
    super();
  }

  process(job: Job<AreaImportJob, AreaImportResult>): Promise<AreaImportResult> {
    return this.importer.run({ userId: job.data.userId, via: 'api' }, job.data.provinceCode ?? undefined, (progress) => job.updateProgress({ ...progress }));
  }
}
