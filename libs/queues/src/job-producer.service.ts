import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { QueueUnavailableError } from './queue-errors';
import { JOB_ID, type JobName, type JobPayloads, QUEUE_OF, QueueName } from './queue-names';
import { settleConnections } from './settle';

/** One typed way to put work on a queue: the queue and the job id follow from the job name and payload. */
@Injectable()
export class JobProducer implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Intake) intake: Queue,
    @InjectQueue(QueueName.Matching) matching: Queue,
    @InjectQueue(QueueName.Pairing) pairing: Queue,
    @InjectQueue(QueueName.Cadence) cadence: Queue,
    @InjectQueue(QueueName.Feedback) feedback: Queue,
    @InjectQueue(QueueName.Email) email: Queue,
    @InjectQueue(QueueName.Webhooks) webhooks: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
  ) {
    this.queues = { intake, matching, pairing, cadence, feedback, email, webhooks, maintenance };
  }

  /** Lets every queue finish connecting before @nestjs/bullmq closes them (see settleConnections). */
  async beforeApplicationShutdown(): Promise<void> {
    await settleConnections(Object.values(this.queues));
  }

  /** The BullMQ queue behind a name (for dashboards and metrics). */
  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  /**
   * Queues the follow-up work of a committed change. If Redis is away the database still says what is due and the
   * reconciler re-creates the jobs, so a failure here is logged, never thrown: the caller's change stands.
   */
  async afterCommit(what: string, enqueue: () => Promise<unknown>): Promise<void> {
    try {
      await enqueue();
    } catch (err) {
      this.logger.warn(`${what} waits for the reconciler: ${(err as Error).message}`);
    }
  }

  /** Adds one job; its id is deterministic, so adding it twice is harmless. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: JobsOptions = {}): Promise<void> {
    try {
      await this.queues[QUEUE_OF[name]].add(name, payload, { jobId: JOB_ID[name](payload), ...options });
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  /**
   * Makes sure each job exists and will run: adds the missing ones, and retries those BullMQ holds as failed (their
   * attempts ran out on a passing fault, such as Postgres restarting). Only for work the database still says is due:
   * permanent failures change the database state, so their subjects are not asked for again. Answers how many it
   * revived.
   */
  async requeue<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<number> {
    if (payloads.length === 0) return 0;
    await this.enqueueMany(name, payloads);
    const queue = this.queues[QUEUE_OF[name]];
    let revived = 0;
    try {
      for (let i = 0; i < payloads.length; i += 100) {
        const ids = payloads.slice(i, i + 100).map((data) => JOB_ID[name](data));
        const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
        for (let k = 0; k < ids.length; k++) {
          if (states[k] !== 'failed') continue;
          const job = await queue.getJob(ids[k]);
          if (job) {
            await job.retry('failed');
            revived++;
          }
        }
      }
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
    return revived;
  }

  /** Runs a delayed job now (one waiting for another to finish); a job that is not delayed is left as it is. */
  async promote<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    try {
      const job = await this.queues[QUEUE_OF[name]].getJob(JOB_ID[name](payload));
      if (job && (await job.isDelayed())) await job.promote();
    } catch (err) {
      // Promoted meanwhile, or taken: it runs anyway. Redis away: the delay runs out by itself.
      if (!/not in the delayed state|is not delayed/i.test((err as Error).message))
        throw new QueueUnavailableError(err);
    }
  }

  /**
   * Adds many jobs of one name, each delayed until its own due time (at once if it has passed). `now` is the caller's
   * clock (`Clock.now()`): the delay is counted from it and the job is stamped with it (BullMQ's `timestamp`), so a
   * job's `timestamp + delay` is its due time on that clock. BullMQ runs a delayed job at `timestamp + delay` too;
   * with the real clock this is the same as its defaults, and a test that moves its clock ahead finds the jobs due on
   * it by that sum (test/support/tandem.ts, `advance`).
   */
  async enqueueAt<N extends JobName>(
    name: N,
    items: { payload: JobPayloads[N]; dueAt: Date }[],
    now: Date,
  ): Promise<void> {
    const queue = this.queues[QUEUE_OF[name]];
    const timestamp = now.getTime();
    try {
      for (let i = 0; i < items.length; i += 1000) {
        await queue.addBulk(
          items.slice(i, i + 1000).map(({ payload, dueAt }) => ({
            name,
            data: payload,
            opts: { jobId: JOB_ID[name](payload), timestamp, delay: Math.max(0, dueAt.getTime() - timestamp) },
          })),
        );
      }
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  /** Adds many jobs of one name in a few round trips. */
  async enqueueMany<N extends JobName>(name: N, payloads: JobPayloads[N][], options: JobsOptions = {}): Promise<void> {
    const queue = this.queues[QUEUE_OF[name]];
    const chunk = 1000;
    try {
      for (let i = 0; i < payloads.length; i += chunk) {
        await queue.addBulk(
          payloads.slice(i, i + chunk).map((data) => ({ name, data, opts: { jobId: JOB_ID[name](data), ...options } })),
        );
      }
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }
}
