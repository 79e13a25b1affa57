import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process (tests start several apps in one process, so not the global default). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'loa_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'loa_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'loa_job_duration_seconds',
      help: 'BullMQ job processing time by queue, job name and outcome',
      labelNames: ['queue', 'name', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'loa_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
export const METRICS = 'loa:metrics';
