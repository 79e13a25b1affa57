import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { newId } from '../common/ids.js';
import { iso } from '../common/iso.js';
import { JOB_OPTIONS, JobName, QueueName } from '../queue/queue.constants.js';
import type { AreaImportDto, AreaImportState } from './area-import.dto.js';
import type { AreaImportProgress, AreaImportResult } from './area-import.service.js';

export interface AreaImportJob {
  provinceCode: string | null;
  userId: string;
}

/** The import runs as a job on the `areas` queue (a worker process does it); any api process reads its progress from Redis. */
@Injectable()
export class AreaImportJobs {
  constructor(@InjectQueue(QueueName.Areas) private readonly queue: Queue<AreaImportJob, AreaImportResult>) {}

  async add(data: AreaImportJob): Promise<AreaImportDto> {
    const id = newId();
    const job = await this.queue.add(JobName.ImportAreas, data, { ...JOB_OPTIONS[JobName.ImportAreas], jobId: id });
    return view(job, 'waiting');
  }

  /** An import still waiting or running, if any: starting another meanwhile answers that one. */
  async unfinished(): Promise<AreaImportDto | null> {
    const [job] = await this.queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'], 0, 0);
    return job ? view(job, await stateOf(job)) : null;
  }

  async get(id: string): Promise<AreaImportDto | null> {
    const job = await this.queue.getJob(id);
    return job?.name === JobName.ImportAreas ? view(job, await stateOf(job)) : null;
  }
}

async function stateOf(job: Job): Promise<AreaImportState> {
  const state = await job.getState();
  if (state === 'active' || state === 'completed' || state === 'failed') return state;
  return 'waiting'; // waiting, delayed (a retry's backoff), prioritized
}

function view(job: Job<AreaImportJob, AreaImportResult>, state: AreaImportState): AreaImportDto {
  const progress = typeof job.progress === 'object' ? (job.progress as unknown as AreaImportProgress) : null;
  const finished = state === 'completed' || state === 'failed';
  return {
    id: job.id!,
    state,
    province: job.data.provinceCode,
    progress,
    result: state === 'completed' ? job.returnvalue : null,
    error: state === 'failed' ? job.failedReason : null,
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: finished && job.finishedOn ? iso(new Date(job.finishedOn)) : null,
  };
}
