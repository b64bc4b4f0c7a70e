import type { Cluster, Redis } from 'ioredis';

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
  // The prefix is hash-tagged (`{tandem}`): on a Redis Cluster this key lives in the queues' slot.
  return `${queuePrefix}:ops:job-metrics`;
}

const SEP = '\u001f';

type JobRun = { queue: string; job: string; outcome: JobOutcome; seconds: number };

/**
 * Job runs counted in memory and added to the shared hash in one round trip per flush. A worker running thousands of
 * short jobs a second would otherwise send a dozen HINCRBYs per job, as many as BullMQ's own commands for the job.
 * A flush that fails (Redis away) keeps its counts for the next one.
 */
export class JobMetricsBuffer {
  /** Per (queue, job, outcome): runs, seconds, and runs per bucket (non-cumulative: the first bucket a run fits). */
  private series = new Map<string, Series>();

  add(run: JobRun): void {
    const labels = `${run.queue}${SEP}${run.job}${SEP}${run.outcome}`;
    let series = this.series.get(labels);
    if (!series) {
      series = { count: 0, sum: 0, buckets: new Array<number>(JOB_DURATION_BUCKETS.length).fill(0) };
      this.series.set(labels, series);
    }
    series.count++;
    series.sum += run.seconds;
    const bucket = JOB_DURATION_BUCKETS.findIndex((le) => run.seconds <= le);
    if (bucket >= 0) series.buckets[bucket]++;
  }

  get empty(): boolean {
    return this.series.size === 0;
  }

  async flush(redis: Redis | Cluster, queuePrefix: string): Promise<void> {
    if (this.empty) return;
    const taken = this.series;
    this.series = new Map();
    const key = jobMetricsKey(queuePrefix);
    const multi = redis.multi();
    for (const [labels, series] of taken) {
      multi.hincrby(key, `count${SEP}${labels}`, series.count);
      multi.hincrbyfloat(key, `sum${SEP}${labels}`, series.sum);
      // The hash holds cumulative buckets, as Prometheus reads them.
      let cumulative = 0;
      for (let i = 0; i < JOB_DURATION_BUCKETS.length; i++) {
        cumulative += series.buckets[i];
        if (cumulative > 0) multi.hincrby(key, `bucket${SEP}${labels}${SEP}${JOB_DURATION_BUCKETS[i]}`, cumulative);
      }
    }
    try {
      const replies = await multi.exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('the transaction was discarded');
    } catch (err) {
      for (const [labels, series] of taken) this.merge(labels, series);
      throw err;
    }
  }

  private merge(labels: string, from: Series): void {
    const into = this.series.get(labels);
    if (!into) {
      this.series.set(labels, from);
      return;
    }
    into.count += from.count;
    into.sum += from.sum;
    for (let i = 0; i < into.buckets.length; i++) into.buckets[i] += from.buckets[i];
  }
}

type Series = { count: number; sum: number; buckets: number[] };

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The shared counters in Prometheus text format: a duration histogram and failure counters per queue and job name. */
export function renderJobMetrics(hash: Record<string, string>): string {
  type Series = {
    queue: string;
    job: string;
    outcome: string;
    count: number;
    sum: number;
    buckets: Map<number, number>;
  };
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
  const sorted = [...series.values()].sort((a, b) =>
    `${a.queue}${a.job}${a.outcome}`.localeCompare(`${b.queue}${b.job}${b.outcome}`),
  );
  const lines = [
    '# HELP tandem_job_duration_seconds How long job runs took, by queue, job name and outcome (completed, retrying, failed).',
    '# TYPE tandem_job_duration_seconds histogram',
  ];
  for (const s of sorted) {
    const base = `queue="${label(s.queue)}",name="${label(s.job)}",outcome="${label(s.outcome)}"`;
    for (const le of JOB_DURATION_BUCKETS)
      lines.push(`tandem_job_duration_seconds_bucket{${base},le="${le}"} ${s.buckets.get(le) ?? 0}`);
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
  lines.push(
    '# HELP tandem_job_failures_total Failed job runs (each failed attempt), by queue and job name.',
    '# TYPE tandem_job_failures_total counter',
  );
  for (const line of failures(['retrying', 'failed'])) lines.push(`tandem_job_failures_total${line}`);
  lines.push(
    '# HELP tandem_jobs_failed_for_good_total Jobs that ran out of attempts or hit a permanent error, by queue and job name.',
    '# TYPE tandem_jobs_failed_for_good_total counter',
  );
  for (const line of failures(['failed'])) lines.push(`tandem_jobs_failed_for_good_total${line}`);
  return lines.join('\n') + '\n';
}
