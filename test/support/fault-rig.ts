import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, rawQuery } from '@tandem/domain';
import { runCli, TandemProcess } from './processes';
import { producerConnection, QueueName } from '@tandem/queues';
import { Queue } from 'bullmq';
import { createTestEnv, type TestEnv, waitFor, waitQueuesIdle } from './test-env';

/**
 * Job timing for fault tests: a killed worker's jobs are handed on once BullMQ's lock (8 s here, 30 s by default) has
 * expired and the stalled check (every 2 s) has seen it twice, a killed sender's claim on an email ends after 10 s,
 * and the reconciler sweeps every 3 s (60 s by default).
 * The same code paths as production, only shorter waits; the lock stays well above a long event-loop block on this
 * shared 2-core machine, so a busy live worker is not taken for a dead one.
 */
export const FAULT_TIMING = {
  JOB_LOCK_DURATION: 'PT8S',
  JOB_STALLED_INTERVAL: 'PT2S',
  EMAIL_CLAIM_LEASE: 'PT10S',
  RECONCILE_EVERY: 'PT3S',
};

/**
 * The api as a real process from the build, workers started and killed at will, an organization made with the CLI,
 * and a database connection of the test's own to check the end state. Each rig has a fresh database and Redis prefix.
 */
export class FaultRig {
  readonly workers: TandemProcess[] = [];
  headers: Record<string, string> = {};
  organizationId = '';
  apiKey = '';
  base = '';
  api!: TandemProcess;
  orm!: MikroORM;

  private constructor(
    readonly testEnv: TestEnv,
    readonly processEnv: Record<string, string>,
  ) {}

  /**
   * `env` overrides the processes' environment (SMTP_URL, REDIS_URL, DATABASE_URL of a private server...);
   * `processDatabaseUrl` turns the test database's URL into the one the processes use (through a pooler), while the
   * rig itself migrates and checks the database directly.
   */
  static async start(
    env: Record<string, string> = {},
    options: { processDatabaseUrl?: (direct: string) => string } = {},
  ): Promise<FaultRig> {
    const testEnv = await createTestEnv(env);
    const rig = new FaultRig(testEnv, {
      ...testEnv.env,
      ...FAULT_TIMING,
      PORT: '0',
      LOG_LEVEL: 'warn',
      BODY_LIMIT: '20mb',
      ...env,
    });
    if (options.processDatabaseUrl)
      rig.processEnv.DATABASE_URL = options.processDatabaseUrl(testEnv.config.databaseUrl);
    try {
      rig.api = new TandemProcess('api', { ...rig.processEnv, LOG_LEVEL: 'info' });
      rig.base = `http://127.0.0.1:${await rig.api.listeningPort()}`;
      rig.orm = await MikroORM.init(createOrmConfig(testEnv.config.databaseUrl));
      await waitFor(
        async () => ((await rig.fetch('/ready').catch(() => undefined))?.status === 200 ? true : undefined),
        'the api to be ready',
      );
      const org = runCli(['org:create', '--name', 'Faults'], rig.processEnv);
      if (org.status !== 0) throw new Error(`org:create failed: ${org.stderr}`);
      rig.apiKey = org.json.apiKey;
      rig.organizationId = org.json.organizationId;
      rig.headers = { authorization: `Bearer ${rig.apiKey}` };
      return rig;
    } catch (err) {
      await rig.stop();
      throw err;
    }
  }

  /** Starts a worker process (from the build) with the rig's environment plus `env`. */
  startWorker(env: Record<string, string> = {}): TandemProcess {
    const worker = new TandemProcess('worker', { ...this.processEnv, ...env });
    this.workers.push(worker);
    return worker;
  }

  /** Waits until a worker has booted (its "tandem worker started" line; the worker needs LOG_LEVEL info). */
  async booted(worker: TandemProcess, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (worker.child.exitCode !== null)
          throw new Error(`the worker exited while booting:\n${worker.output.join('').slice(-2000)}`);
        return worker.output.join('').includes('tandem worker started') ? true : undefined;
      },
      'the worker to boot',
      timeoutMs,
      20,
    );
  }

  /** A plain fetch against the api, no key. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, { ...init, signal: init.signal ?? AbortSignal.timeout(30_000) });
  }

  /** A request with the admin key; a dropped keep-alive connection is retried once, a dead api reported with its output. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetch(path, {
          ...init,
          headers: { ...this.headers, ...(init.headers as Record<string, string>) },
        });
      } catch (err) {
        if (attempt >= 2)
          throw new Error(
            `${path}: ${(err as Error).message}; api exit ${this.api.child.exitCode}, output:\n${this.api.output.join('').slice(-3000)}`,
          );
      }
    }
  }

  /** The JSON answer of a request that must succeed. */
  async json(path: string, init: RequestInit = {}): Promise<any> {
    const response = await this.request(path, init);
    const body = (await response.json()) as unknown;
    if (response.status >= 400) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** POSTs JSON (or a string as `type`); without a body, an empty POST. */
  post(path: string, body?: unknown, type = 'application/json'): Promise<any> {
    if (body === undefined) return this.json(path, { method: 'POST' });
    return this.json(path, {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  get(path: string): Promise<any> {
    return this.json(path);
  }

  /** Rows of a query against the rig's database. */
  rows<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return rawQuery<T>(this.orm.em.fork(), sql, params);
  }

  /** The number in the first row's `n`. */
  async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.rows<{ n: string }>(sql, params))[0].n);
  }

  /** Waits for an import to finish; answers its view. */
  async importDone(importId: string, timeoutMs = 240_000): Promise<any> {
    return waitFor(
      async () => {
        const view = await this.get(`/api/v1/imports/${importId}`);
        return view.status === 'succeeded' || view.status === 'failed' ? view : undefined;
      },
      `import ${importId}`,
      timeoutMs,
      200,
    );
  }

  /** Waits for a round to leave queued/running; answers its view. */
  async roundDone(roundId: string, timeoutMs = 240_000): Promise<any> {
    return waitFor(
      async () => {
        const view = await this.get(`/api/v1/rounds/${roundId}`);
        return view.status === 'queued' || view.status === 'running' ? undefined : view;
      },
      `round ${roundId}`,
      timeoutMs,
      200,
    );
  }

  /**
   * Waits until no queue of the rig holds a waiting or running job (what a test asserts "nothing more is sent" after,
   * instead of sleeping); the queues are read on the Redis the processes use.
   */
  async queuesIdle(timeoutMs = 60_000): Promise<void> {
    const connection = producerConnection(this.processEnv.REDIS_URL ?? this.testEnv.config.redisUrl);
    const queues = Object.values(QueueName).map(
      (name) => new Queue(name, { connection, prefix: this.testEnv.config.queuePrefix }),
    );
    try {
      await waitQueuesIdle(queues, timeoutMs);
    } finally {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
    }
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) await worker.stop('SIGKILL');
    await this.api?.stop('SIGKILL');
    await this.orm?.close();
    await this.testEnv.destroy();
  }
}
