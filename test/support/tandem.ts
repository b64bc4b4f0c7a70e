import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { durationMs } from '@tandem/domain';
import { JobProducer, QueueName } from '@tandem/queues';
import { OrganizationsService } from '@tandem/workflows';
import type { Job } from 'bullmq';
import { AppModule } from '../../apps/api/src/app.module';
import { createApi } from '../../apps/api/src/main';
import { JobObserver } from '../../apps/worker/src/ops/job-observer.service';
import { WorkerLifecycle } from '../../apps/worker/src/ops/worker-lifecycle.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { TestClock } from './clock';
import { createTestEnv, type TestEnv, waitQueuesIdle } from './test-env';

/** An HTTP answer, parsed. */
export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/**
 * The api and (optionally) a worker, in this process, on a test database and Redis prefix of their own, sharing one
 * test clock (`advance` moves it and runs the delayed jobs that fall due).
 */
export class TestTandem {
  private worker?: INestApplicationContext;
  private pump?: NodeJS.Timeout;
  private pumped?: Promise<void>;

  private constructor(
    readonly testEnv: TestEnv,
    readonly api: NestFastifyApplication,
    readonly clock: TestClock,
  ) {}

  static async start(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestTandem> {
    const testEnv = await createTestEnv(options.env);
    const clock = new TestClock();
    let api: NestFastifyApplication | undefined;
    try {
      api = await createApi(testEnv.config, AppModule.forRoot(testEnv.config, clock));
      await api.init();
      await api.getHttpAdapter().getInstance().ready();
      const tandem = new TestTandem(testEnv, api, clock);
      if (options.worker !== false) await tandem.startWorker();
      tandem.startPump();
      return tandem;
    } catch (err) {
      // A failed start must not leave connections open (jest would hang) or a database behind.
      await api?.close().catch(() => undefined);
      await testEnv.destroy();
      throw err;
    }
  }

  async startWorker(): Promise<void> {
    this.worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(this.testEnv.config, undefined, this.clock),
      {
        logger: false,
        abortOnError: false,
      },
    );
    await this.worker.init();
  }

  /** Stops the worker as SIGTERM would (active jobs get SHUTDOWN_GRACE); answers whether they all finished in it. */
  async stopWorker(): Promise<{ drained: boolean } | undefined> {
    const worker = this.worker;
    if (!worker) return undefined;
    // Say which jobs a slow stop waits for, while it waits.
    const observer = worker.get(JobObserver, { strict: false });
    const lifecycle = worker.get(WorkerLifecycle, { strict: false });
    const slow = setTimeout(
      () =>
        process.stderr.write(
          `TestTandem.stopWorker: after 10 s still running: ${observer.activeJobNames.join(', ') || 'no job'}\n`,
        ),
      10_000,
    );
    try {
      await worker.close();
      return lifecycle.lastStop;
    } finally {
      clearTimeout(slow);
      this.worker = undefined;
    }
  }

  /**
   * Runs `work` with the worker stopped, then starts it again. A test that loses a job and asserts what one reconcile
   * pass re-creates needs this: the worker's own scheduled pass (every minute, and once at boot) could otherwise
   * re-create the work first, and the test's pass would find nothing left to do.
   */
  async withoutWorker<T>(work: () => Promise<T>): Promise<T> {
    await this.stopWorker();
    try {
      return await work();
    } finally {
      await this.startWorker();
    }
  }

  /**
   * Waits until no queue holds a job that is waiting or running (delayed jobs not yet due are left alone): what a
   * test asserts "nothing more happens" after, instead of sleeping.
   */
  async queuesIdle(timeoutMs = 30_000): Promise<void> {
    const producer = this.get(JobProducer);
    await waitQueuesIdle(
      Object.values(QueueName).map((name) => producer.queue(name)),
      timeoutMs,
    );
  }

  /**
   * Moves the test clock ahead by `by` (milliseconds or ISO 8601) and runs, in due order, every delayed job that falls
   * due on the way: the clock steps to the earliest such job's due time, the jobs due then are promoted, the queues
   * drain, and so again (a job may queue one due sooner than those left) until none is due by the target; the clock then
   * stands at the target and the queues are idle. A job's due time on the clock is its `timestamp + delay`
   * (`JobProducer.enqueueAt` stamps it with the clock). Delayed jobs that already ran (a retry's backoff, one waiting
   * for other work) and repeatable ones (the reconciler's pass) keep to the real clock and are left to BullMQ.
   */
  async advance(by: number | string, timeoutMs = 30_000): Promise<void> {
    const target = this.clock.now().getTime() + (typeof by === 'number' ? by : durationMs(by));
    await this.queuesIdle(timeoutMs);
    for (let step = 0; ; step++) {
      const due = await this.delayedDueBy(target);
      if (due.length === 0) break;
      if (step >= 1000) throw new Error(`TestTandem.advance: still finding due jobs after ${step} steps`);
      const first = Math.min(...due.map((d) => d.at));
      this.clock.advanceTo(first);
      for (const { job } of due.filter((d) => d.at <= first)) {
        await job.promote().catch((err: Error) => {
          // Taken or promoted meanwhile: it runs anyway.
          if (!/not in the delayed state|is not delayed|missing/i.test(err.message)) throw err;
        });
      }
      await this.queuesIdle(timeoutMs);
    }
    this.clock.advanceTo(target);
  }

  /**
   * Once the clock is ahead of the real one, BullMQ would run a delayed job only when the real clock reached its due
   * time on the test clock: every 200 ms this promotes the jobs due on the test clock, so one due a moment later (a
   * webhook's retry) still runs at its time as the clock ticks on.
   */
  private startPump(): void {
    this.pump = setInterval(() => {
      if (!this.clock.ahead || this.pumped) return;
      this.pumped = this.delayedDueBy(this.clock.now().getTime())
        .then((due) => Promise.all(due.map(({ job }) => job.promote().catch(() => undefined))))
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => (this.pumped = undefined));
    }, 200);
    this.pump.unref();
  }

  /** The delayed jobs added with a due time (never run, not repeatable) due by `at` on the clock, with their due times. */
  private async delayedDueBy(at: number): Promise<{ job: Job; at: number }[]> {
    const producer = this.get(JobProducer);
    const due: { job: Job; at: number }[] = [];
    for (const name of Object.values(QueueName)) {
      for (const job of await producer.queue(name).getDelayed()) {
        if (!job || job.processedOn || job.repeatJobKey) continue;
        const dueAt = job.timestamp + (job.delay ?? 0);
        if (dueAt <= at) due.push({ job, at: dueAt });
      }
    }
    return due;
  }

  /** A service of the api's container (the use cases are shared with the worker). */
  get<T>(type: new (...args: never[]) => T): T {
    return this.api.get(type, { strict: false });
  }

  /** Creates an organization and answers its admin key. */
  async organization(name = 'Acme', defaultLocale?: string): Promise<{ organizationId: string; apiKey: string }> {
    return this.get(OrganizationsService).createOrganization(name, defaultLocale);
  }

  /** Sends a request through the whole Fastify stack (parsers, guards, filters). */
  async request(
    method: string,
    url: string,
    options: {
      key?: string;
      json?: unknown;
      body?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let payload: string | Buffer | undefined;
    if (options.json !== undefined) {
      payload = JSON.stringify(options.json);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      payload = options.body;
      headers['content-type'] = options.contentType ?? 'text/csv';
    }
    const response = await this.api
      .getHttpAdapter()
      .getInstance()
      .inject({ method: method as 'GET', url, headers, payload });
    let body: unknown = undefined;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers as Answer['headers'], body, text: response.body };
  }

  async stop(): Promise<void> {
    // A step that takes long is named on stderr: a teardown that outlives its hook timeout should say where it hung.
    const step = async (what: string, work: () => Promise<void>) => {
      const started = Date.now();
      const slow = setTimeout(
        () => process.stderr.write(`TestTandem.stop: ${what} still running after 10 s\n`),
        10_000,
      );
      try {
        await work();
      } finally {
        clearTimeout(slow);
        if (Date.now() - started > 10_000)
          process.stderr.write(`TestTandem.stop: ${what} took ${Date.now() - started} ms\n`);
      }
    };
    clearInterval(this.pump);
    await this.pumped;
    await step('stopping the worker', async () => void (await this.stopWorker()));
    await step('closing the api', () => this.api.close());
    await step('dropping the test database and Redis keys', () => this.testEnv.destroy());
  }
}
