import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DomainError } from '@tandem/domain';
import { type JobName, type JobPayloads, type JobsOfQueue, QueueName } from '@tandem/queues';
import { type Job, UnrecoverableError } from 'bullmq';

/** One handler for every job of a queue: the compiler rejects a missing or an extra job name. */
export type QueueHandlers<Q extends QueueName> = { [N in JobsOfQueue<Q>]: (payload: JobPayloads[N], job: Job) => Promise<unknown> };

/**
 * The base of every processor: dispatches by job name, runs each job in its own ORM context, and maps domain errors
 * to BullMQ: bad input or a missing subject will never succeed, so it stops retrying at once.
 */
export abstract class QueueProcessor<Q extends QueueName> extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  abstract readonly queue: Q;
  abstract readonly handlers: QueueHandlers<Q>;

  protected constructor(private readonly em: EntityManager) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const handler = (this.handlers as Record<string, ((payload: unknown, job: Job) => Promise<unknown>) | undefined>)[job.name];
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${this.queue}`);
    const started = performance.now();
    try {
      const result = await RequestContext.create(this.em, () => handler(job.data, job));
      this.logger.log(`${job.name} ${job.id} done in ${Math.round(performance.now() - started)} ms`);
      return result;
    } catch (err) {
      this.logger.warn(`${job.name} ${job.id} failed (attempt ${job.attemptsMade + 1}): ${(err as Error).message}`);
      if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'not_found')) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  /** Job names this processor serves (checked against the queue's jobs at boot). */
  handledJobs(): JobName[] {
    return Object.keys(this.handlers) as JobName[];
  }
}

/** Any queue's processor, as the worker module sees them. */
export type AnyProcessor = QueueProcessor<QueueName.Intake> | QueueProcessor<QueueName.Email> | QueueProcessor<QueueName.Maintenance>;
