import { WorkerHost } from '@nestjs/bullmq';
import { Inject, type LoggerService } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, RetryLaterError } from '@tandem/domain';
import { redactText } from '@tandem/observability';
import { type JobName, type JobPayloads, type JobsOfQueue, QueueName } from '@tandem/queues';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { JobObserver } from './ops/job-observer.service';

/** One handler for every job of a queue: the compiler rejects a missing or an extra job name. */
export type QueueHandlers<Q extends QueueName> = {
  [N in JobsOfQueue<Q>]: (payload: JobPayloads[N], job: Job) => Promise<unknown>;
};

/**
 * The base of every processor: dispatches by job name and maps domain errors to BullMQ: bad input or a missing
 * subject will never succeed, so it stops retrying at once. Every run is logged and counted by the JobObserver
 * (property-injected, so processors' constructors stay as they are).
 *
 * A job gets no ORM request context of its own: every service method forks the EntityManager it works with, so no
 * two jobs (or two steps of one) share an identity map, and the shared EntityManager refuses to be used directly
 * (allowGlobalContext is off), so a service that forgot to fork fails its tests instead of sharing state. A context
 * per job was only forked again, yet cost every job a fork and an async-local scope (the api runs without one too).
 */
export abstract class QueueProcessor<Q extends QueueName> extends WorkerHost {
  @Inject(JobObserver) private readonly observer!: JobObserver;
  @Inject(TANDEM_CONFIG) private readonly tandemConfig!: TandemConfig;
  abstract readonly queue: Q;
  abstract readonly handlers: QueueHandlers<Q>;

  /** A Nest-style logger writing the worker's JSON lines; give it ids, never names, emails or tokens. */
  protected get logger(): LoggerService {
    return this.observer.loggerFor(this.constructor.name);
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const handler = (this.handlers as Record<string, ((payload: unknown, job: Job) => Promise<unknown>) | undefined>)[
      job.name
    ];
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${this.queue}`);
    try {
      return await this.observer.run(this.queue, job, async () => {
        const limitMs = this.tandemConfig.jobTimeLimitMs;
        let timer: NodeJS.Timeout | undefined;
        const overtime = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new UnrecoverableError(
                  `job ${job.name} ran past its time limit of ${limitMs} ms (JOB_TIME_LIMIT) and was failed so that other jobs can run`,
                ),
              ),
            limitMs,
          );
        });
        try {
          // A job past its limit stops holding its worker slot: it fails for good (logged, counted, recorded in
          // job_failure), and whatever it still awaits settles unobserved; jobs are idempotent, so the reconciler or a
          // retry from the dashboard can run it again. A job that blocks the event loop cannot be stopped this way: the
          // loops of the job code are bounded instead.
          return await Promise.race([handler(job.data, job), overtime]);
        } catch (err) {
          if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'not_found'))
            throw new UnrecoverableError(redactText(err.message));
          throw err;
        } finally {
          clearTimeout(timer);
        }
      });
    } catch (err) {
      // Work that must wait for other work goes back as delayed: no attempt spent, no failure recorded.
      if (!(err instanceof RetryLaterError)) throw err;
      // If Redis is closing or away, the job stays active in Redis and the stalled-job check hands it on.
      await job.moveToDelayed(Date.now() + err.delayMs, token).catch(() => undefined);
      throw new DelayedError();
    }
  }

  /** Job names this processor serves (checked against the queue's jobs at boot). */
  handledJobs(): JobName[] {
    return Object.keys(this.handlers) as JobName[];
  }
}

/** Any queue's processor, as the worker module sees them. */
export type AnyProcessor = { [Q in QueueName]: QueueProcessor<Q> }[QueueName];
