import { randomUUID } from 'node:crypto';
import { loadConfig } from '@tandem/config';
import { JOB_ID, JobName, producerConnection, QUEUE_OF } from '@tandem/queues';
import { Queue } from 'bullmq';
import { type CliCommand, parseFlags, printJson, UsageError } from '../cli-command';

/**
 * Sends one `maintenance.ping` job and waits for a worker to run it: the whole job path (Redis, a worker serving the
 * maintenance queue, its processor) answers, which /ready cannot tell since the api never sees the workers.
 * It polls the job's state rather than listening to QueueEvents, whose stream can start reading after a fast job's
 * `completed` event and then wait for nothing.
 */
export const workerPingCommand: CliCommand = {
  name: 'worker:ping',
  summary: '[--timeout SECONDS]: send a no-op job and wait until a worker has run it (exit 1 when none did in time)',
  async run(args) {
    const flags = parseFlags(args, ['timeout']);
    const timeoutSeconds = flags.timeout === undefined ? 10 : Number(flags.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 600)
      throw new UsageError('--timeout must be a number of seconds between 0 and 600');
    const config = loadConfig();
    const queue = new Queue(QUEUE_OF[JobName.MaintenancePing], {
      connection: producerConnection(config.redisUrl),
      prefix: config.queuePrefix,
    });
    try {
      const payload = { pingId: randomUUID() };
      const jobId = JOB_ID[JobName.MaintenancePing](payload);
      const started = performance.now();
      await queue.add(JobName.MaintenancePing, payload, {
        jobId,
        attempts: 1,
        removeOnComplete: { age: 60 },
        removeOnFail: { age: 60 },
      });
      const deadline = started + timeoutSeconds * 1000;
      let state = await queue.getJobState(jobId);
      while (state !== 'completed' && state !== 'failed' && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        state = await queue.getJobState(jobId);
      }
      if (state === 'completed') {
        printJson({ ok: true, ms: Math.round(performance.now() - started) });
        return 0;
      }
      // `waiting` means no worker serves the queue; take the job back, so a worker starting later does not run it.
      if (state !== 'failed') await queue.remove(jobId).catch(() => undefined);
      printJson({
        ok: false,
        state,
        error: state === 'failed' ? 'the worker failed the ping' : `no worker ran the ping within ${timeoutSeconds} s`,
      });
      return 1;
    } finally {
      await queue.close();
    }
  },
};
