import type { Redis } from 'ioredis';

/** Upper bounds (seconds) of the job duration histogram. */
export const JOB_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** How one run of a job ended: done, failed and will be retried, or failed for good. */
export type JobOutcome = 'completed' | 'retrying' | 'failed';

/**
 * Where workers keep their job counters: one Redis hash per queue prefix, incremented by every worker process, so
 * the api's /metrics shows the whole fleet's totals whichever process Prometheus scrapes. Counters survive a worker
 * restart; a Redis wipe resets them, which Prometheus reads as a counter reset.
 */
export function jobMetricsKey(queuePrefix: string): string {
  return `${queuePrefix}:ops:job-metrics`;
}

const SEP = '\u001f';

/** Adds one job run to the shared counters (one round trip). */
export async function recordJobRun(redis: Redis, queuePrefix: string, run: { queue: string; job: string; outcome: JobOutcome; seconds: number }): Promise<void> {
  const key = jobMetricsKey(queuePrefix);
  const labels = [run.queue, run.job, run.outcome].join(SEP);
  const multi = redis.multi();
  multi.hincrby(key, `count${SEP}${labels}`, 1);
  multi.hincrbyfloat(key, `sum${SEP}${labels}`, run.seconds);
  for (const le of JOB_DURATION_BUCKETS) if (run.seconds <= le) multi.hincrby(key, `bucket${SEP}${labels}${SEP}${le}`, 1);
  await multi.exec();
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The shared counters in Prometheus text format: a duration histogram and failure counters per queue and job name. */
export function renderJobMetrics(hash: Record<string, string>): string {
  type Series = { queue: string; job: string; outcome: string; count: number; sum: number; buckets: Map<number, number> };
  const series = new Map<string, Series>();
  for (const [field, value] of Object.entries(hash)) {
    const [kind, queue, job, outcome, le] = field.split(SEP);
    if (!queue || !job || !outcome) continue;
    const id = [queue, job, outcome].join(SEP);
    const s = series.get(id) ?? { queue, job, outcome, count: 0, sum: 0, buckets: new Map() };
    series.set(id, s);
    if (kind === 'count') s.count = Number(value);
    else if (kind === 'sum') s.sum = Number(value);
    else if (kind === 'bucket') s.buckets.set(Number(le), Number(value));
  }
  const sorted = [...series.values()].sort((a, b) => `${a.queue}${a.job}${a.outcome}`.localeCompare(`${b.queue}${b.job}${b.outcome}`));
  const lines = [
    '# HELP tandem_job_duration_seconds How long job runs took, by queue, job name and outcome (completed, retrying, failed).',
    '# TYPE tandem_job_duration_seconds histogram',
  ];
  for (const s of sorted) {
    const base = `queue="${label(s.queue)}",name="${label(s.job)}",outcome="${label(s.outcome)}"`;
    for (const le of JOB_DURATION_BUCKETS) lines.push(`tandem_job_duration_seconds_bucket{${base},le="${le}"} ${s.buckets.get(le) ?? 0}`);
    lines.push(`tandem_job_duration_seconds_bucket{${base},le="+Inf"} ${s.count}`);
    lines.push(`tandem_job_duration_seconds_sum{${base}} ${s.sum}`);
    lines.push(`tandem_job_duration_seconds_count{${base}} ${s.count}`);
  }
  const failures = (outcomes: string[]) => {
    const totals = new Map<string, number>();
    for (const s of sorted) {
      if (!outcomes.includes(s.outcome)) continue;
      const key = `queue="${label(s.queue)}",name="${label(s.job)}"`;
      totals.set(key, (totals.get(key) ?? 0) + s.count);
    }
    return [...totals].map(([key, n]) => `{${key}} ${n}`);
  };
  lines.push('# HELP tandem_job_failures_total Failed job runs (each failed attempt), by queue and job name.', '# TYPE tandem_job_failures_total counter');
  for (const line of failures(['retrying', 'failed'])) lines.push(`tandem_job_failures_total${line}`);
  lines.push('# HELP tandem_jobs_failed_for_good_total Jobs that ran out of attempts or hit a permanent error, by queue and job name.', '# TYPE tandem_jobs_failed_for_good_total counter');
  for (const line of failures(['failed'])) lines.push(`tandem_jobs_failed_for_good_total${line}`);
  return lines.join('\n') + '\n';
}
