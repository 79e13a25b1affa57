import type { JobsOptions } from 'bullmq';

export const QueueName = {
  Transcode: 'transcode',
  Broadcast: 'broadcast',
} as const;

export const JobName = {
  TranscodeSegment: 'transcode-segment',
  DispatchBroadcast: 'dispatch-broadcast',
  FinaliseBroadcast: 'finalise-broadcast',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Options per job, defined once. Job ids are always derived from database ids, so enqueueing is idempotent. */
export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.TranscodeSegment]: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  // Broadcast jobs are per instant (`dispatch-<ms>`), not per broadcast: a completed one is removed so
  // that a broadcast added later at the same instant gets a fresh job instead of an ignored duplicate.
  [JobName.DispatchBroadcast]: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 10_000 },
  [JobName.FinaliseBroadcast]: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 10_000 },
};
