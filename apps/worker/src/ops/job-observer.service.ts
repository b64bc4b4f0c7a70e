import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { isUnavailableError, rawQuery, RetryLaterError } from '@tandem/domain';
import { JobMetricsBuffer, type JobOutcome, type Logger, PinoNestLogger, redactText } from '@tandem/observability';
import { producerConnection, redisClient } from '@tandem/queues';
import type { Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

/** How often the job counters go to Redis: /metrics lags the runs by at most this. */
const METRICS_FLUSH_MS = 1000;

/** Injection token of the worker's pino logger. */
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');

/** The subject a payload names: its first `...Id` field (`{ messageId }` is message <id>). */
function subjectOf(data: unknown): { type: string; id: string } | undefined {
  if (!data || typeof data !== 'object') return undefined;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key.endsWith('Id') && key.length > 2 && (typeof value === 'string' || typeof value === 'number'))
      return { type: key.slice(0, -2), id: String(value) };
  }
  return undefined;
}

/**
 * Watches every job run: one log line per run (ids only), the shared duration and failure counters, the record of a
 * job that failed for good, and the set of jobs in flight that a graceful shutdown waits for.
 */
@Injectable()
export class JobObserver implements OnApplicationShutdown {
  /** The jobs running now, by their promise, with the job's name (for the shutdown's log line). */
  private readonly inFlight = new Map<Promise<unknown>, string>();
  /** Set on SIGTERM: a job that then loses a backing service was interrupted by the stop, it did not fail. */
  private stopping = false;
  /** Set when the shutdown grace has run out: the jobs still running are left to another worker, not failed. */
  private abandoned = false;
  /**
   * Counters are buffered and go to Redis once a second in one transaction: a job never waits for, or fails because
   * of, its metrics, and a busy worker does not send a dozen counter commands per job.
   */
  private readonly redis: Redis | Cluster;
  private readonly metrics = new JobMetricsBuffer();
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {
    this.redis = redisClient({ ...producerConnection(config.redisUrl), lazyConnect: false });
    this.redis.on('error', () => undefined);
    this.flushTimer = setInterval(() => void this.flushMetrics(), METRICS_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Runs one job, observing it; rethrows its error with emails and secrets taken out of the message. */
  async run<T>(queue: string, job: Job, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const promise = fn();
    this.inFlight.set(promise, job.name);
    try {
      const result = await promise;
      this.finish(queue, job, 'completed', started);
      return result;
    } catch (err) {
      if (err instanceof RetryLaterError) {
        this.logger.info(
          { jobId: job.id, job: job.name, queue, delayMs: err.delayMs, reason: redactText(err.message) },
          'job deferred',
        );
        throw err;
      }
      const error = err instanceof Error ? err : new Error(String(err));
      error.message = redactText(error.message);
      if (error.stack) error.stack = redactText(error.stack);
      if (this.abandoned || (this.stopping && isUnavailableError(err))) {
        // Interrupted by the stop (its connections cut at the end of the grace, or closed under it): not a failure.
        // It goes back to the queue at once, no attempt spent, for another worker.
        this.logger.info(
          { jobId: job.id, job: job.name, queue, error: error.message.slice(0, 300) },
          'job interrupted by shutdown; handed back',
        );
        throw new RetryLaterError(0, `interrupted by shutdown: ${error.message}`);
      }
      const final = error.name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.finish(queue, job, final ? 'failed' : 'retrying', started, error);
      if (final) await this.recordFailure(queue, job, error);
      throw error;
    } finally {
      this.inFlight.delete(promise);
    }
  }

  /** The process is stopping (SIGTERM). */
  stop(): void {
    this.stopping = true;
  }

  /** From now on, jobs that end in an error were interrupted by the shutdown: no failure is counted or recorded. */
  abandon(): void {
    this.abandoned = true;
  }

  /** Resolves true once no job is running, or false when the grace period ran out first. */
  async drain(graceMs: number): Promise<boolean> {
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0) {
      if (Date.now() >= deadline) return false;
      await Promise.race([
        Promise.allSettled([...this.inFlight.keys()]),
        new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(1, deadline - Date.now())))),
      ]);
    }
    return true;
  }

  /** A Nest-style logger over the worker's pino logger, for processors. */
  loggerFor(context: string): PinoNestLogger {
    return new PinoNestLogger(this.logger.child({ context }));
  }

  get activeJobs(): number {
    return this.inFlight.size;
  }

  /** The names of the jobs running now (one entry per job). */
  get activeJobNames(): string[] {
    return [...this.inFlight.values()];
  }

  private finish(queue: string, job: Job, outcome: JobOutcome, started: number, error?: Error) {
    const ms = Math.round(performance.now() - started);
    const organizationId = (job.data as { organizationId?: unknown } | undefined)?.organizationId;
    const line = {
      jobId: job.id,
      job: job.name,
      queue,
      ms,
      outcome,
      attempt: job.attemptsMade + 1,
      ...(typeof organizationId === 'string' ? { organizationId } : {}),
      ...(error ? { error: error.message.slice(0, 300) } : {}),
    };
    if (outcome === 'completed') this.logger.info(line, 'job completed');
    else this.logger.warn(line, outcome === 'failed' ? 'job failed for good' : 'job failed, will retry');
    this.metrics.add({ queue, job: job.name, outcome, seconds: ms / 1000 });
  }

  /** Records the failure against its subject; a second failure of the same job id counts another occurrence. */
  private async recordFailure(queue: string, job: Job, error: Error): Promise<void> {
    const subject = subjectOf(job.data);
    try {
      const [row] = await rawQuery<{ id: string }>(
        this.em.fork(),
        `insert into job_failure (id, queue, job_name, job_id, subject_type, subject_id, attempts, error)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?)
         on conflict (queue, job_id) do update
           set attempts = excluded.attempts, error = excluded.error, occurrences = job_failure.occurrences + 1, last_failed_at = now()
         returning id`,
        [
          queue,
          job.name,
          String(job.id),
          subject?.type ?? null,
          subject?.id ?? null,
          job.attemptsMade + 1,
          error.message.slice(0, 1000),
        ],
      );
      // Shown on the job in the dashboard, next to BullMQ's own failure reason.
      await job.log(`failed for good: recorded as job_failure ${row.id}`).catch(() => undefined);
    } catch (err) {
      this.logger.error(
        { jobId: job.id, job: job.name, queue, error: redactText((err as Error).message) },
        'could not record a job that failed for good',
      );
    }
  }

  /** Sends the buffered counters; when Redis is away they stay buffered for the next flush. */
  private async flushMetrics(): Promise<void> {
    await this.metrics.flush(this.redis, this.config.queuePrefix).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushMetrics();
    this.redis.disconnect();
  }
}
