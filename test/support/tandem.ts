import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JobProducer, QueueName } from '@tandem/queues';
import { OrganizationsService } from '@tandem/workflows';
import { createApi } from '../../apps/api/src/main';
import { JobObserver } from '../../apps/worker/src/ops/job-observer.service';
import { WorkerLifecycle } from '../../apps/worker/src/ops/worker-lifecycle.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestEnv, type TestEnv, waitQueuesIdle } from './test-env';

/** An HTTP answer, parsed. */
export interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/** The api and (optionally) a worker, in this process, on a test database and Redis prefix of their own. */
export class TestTandem {
  private worker?: INestApplicationContext;

  private constructor(
    readonly testEnv: TestEnv,
    readonly api: NestFastifyApplication,
  ) {}

  static async start(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestTandem> {
    const testEnv = await createTestEnv(options.env);
    let api: NestFastifyApplication | undefined;
    try {
      api = await createApi(testEnv.config);
      await api.init();
      await api.getHttpAdapter().getInstance().ready();
      const tandem = new TestTandem(testEnv, api);
      if (options.worker !== false) await tandem.startWorker();
      return tandem;
    } catch (err) {
      // A failed start must not leave connections open (jest would hang) or a database behind.
      await api?.close().catch(() => undefined);
      await testEnv.destroy();
      throw err;
    }
  }

  async startWorker(): Promise<void> {
    this.worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(this.testEnv.config), {
      logger: false,
      abortOnError: false,
    });
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
    await step('stopping the worker', async () => void (await this.stopWorker()));
    await step('closing the api', () => this.api.close());
    await step('dropping the test database and Redis keys', () => this.testEnv.destroy());
  }
}
