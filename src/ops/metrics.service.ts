import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bullmq';
import { QueueName } from '../queue/queue.constants.js';
import { METRICS, type Metrics } from './metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

@Injectable()
export class MetricsService implements OnApplicationBootstrap {
  constructor(@Inject(METRICS) private readonly metrics: Metrics, private readonly discovery: DiscoveryService, private readonly moduleRef: ModuleRef) {}

  /** Times every BullMQ worker of this process, whatever module declared it. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = instance.worker;
      const observe = (job: Job | undefined, outcome: string) => {
        if (job?.processedOn && job.finishedOn) this.metrics.jobDuration.observe({ queue: worker.name, name: job.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
      };
      worker.on('completed', (job: Job) => observe(job, 'completed'));
      worker.on('failed', (job: Job | undefined) => observe(job, 'failed'));
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
      }),
    );
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  /** By route pattern, not raw URL: the label's cardinality stays bounded. */
  observeHttp(method: string, route: string | undefined, status: number, elapsedMs: number): void {
    this.metrics.httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, elapsedMs / 1000);
  }
}
