import type { JobsOptions } from 'bullmq';

export const QueueName = {
  Transcode: 'transcode',
  Broadcast: 'broadcast',
  Areas: 'areas',
  Alerts: 'alerts',
} as const;

export const JobName = {
  TranscodeSegment: 'transcode-segment',
  DispatchBroadcast: 'dispatch-broadcast',
  FinaliseBroadcast: 'finalise-broadcast',
  ImportAreas: 'import-areas',
  PollCapFeeds: 'poll-cap-feeds',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Options per job, defined once. Job ids are derived from database ids (or, for an import, its own id), so enqueueing is idempotent. */
export const JOB_OPTIONS: Record<JobName, JobsOptions> = {
  [JobName.TranscodeSegment]: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  // Broadcast jobs are per instant (`dispatch-<ms>`), not per broadcast: a completed one is removed so
  // that a broadcast added later at the same instant gets a fresh job instead of an ignored duplicate.
  [JobName.DispatchBroadcast]: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 10_000 },
  [JobName.FinaliseBroadcast]: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: 10_000 },
  // The import is idempotent, so a worker lost mid-way is simply run again; finished imports stay a
  // day so the console can show their outcome. (Job ids are the import's own id here.)
  [JobName.ImportAreas]: { attempts: 3, backoff: { type: 'fixed', delay: 5_000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
  // Repeated every LOA_CAP_FEED_INTERVAL_SEC by one job scheduler: one poll at a time however many workers run.
  [JobName.PollCapFeeds]: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
};
