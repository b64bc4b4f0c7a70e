import type { JobsOptions } from 'bullmq';

/** Retries with exponential backoff; completed jobs are kept briefly for the dashboard, failed ones longer. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
