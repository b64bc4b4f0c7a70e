import { EntityManager } from '@mikro-orm/postgresql';
import { WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { flushTracing, type Logger, redactText } from '@tandem/observability';
import { EmailSender } from '@tandem/mail';
import { settleConnections } from '@tandem/queues';
import { Queue, type Worker } from 'bullmq';
import { Client } from 'pg';
import { JobObserver, WORKER_LOGGER } from './job-observer.service';

/**
 * The worker's life around its BullMQ workers: Redis errors become log lines (BullMQ reconnects by itself), and on
 * SIGTERM the workers stop taking jobs, the active ones get the grace period to finish, then the workers close.
 * A job still running after the grace is abandoned to BullMQ's stalled-job check, which gives it to another worker:
 * its database connections are cut, so PostgreSQL rolls its transaction back and releases its locks at once, and the
 * process exits rather than wait for the abandoned work.
 */
/** How long the rest of a shutdown (closing queues, the pool, Redis) may take once the grace has run out. */
const ABANDONED_EXIT_MS = 3000;

@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /**
   * Set by the worker's own process (main.ts): after an abandoned grace it leaves with process.exit. A worker hosted in
   * another process (the tests, the demo) only closes, since exiting would end its host.
   */
  exitWhenAbandoned = false;

  /** How the last stop went: whether every active job finished within the grace. */
  lastStop?: { drained: boolean };

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly observer: JobObserver,
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {}

  private providersOf<T>(type: abstract new (...args: never[]) => T): T[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is T => instance instanceof type);
  }

  private workers(): Worker[] {
    return this.providersOf(WorkerHost).map((host) => host.worker);
  }

  onApplicationBootstrap(): void {
    let lastWarning = 0;
    const onError = (source: string) => (err: Error) => {
      // One line per ten seconds while Redis is away is enough to see it.
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      this.logger.warn({ source, error: redactText(err.message) }, 'redis unavailable; waiting for it to come back');
    };
    for (const worker of this.workers()) worker.on('error', onError(`worker:${worker.name}`));
    for (const queue of this.providersOf(Queue)) queue.on('error', onError(`queue:${queue.name}`));
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers = this.workers();
    this.observer.stop();
    // No new SMTP send from here on (each waits for the next worker); sends already with the server finish.
    for (const sender of this.providersOf(EmailSender)) sender.stopSending();
    this.logger.info(
      { signal, activeJobs: this.observer.activeJobs, graceMs: this.config.shutdownGraceMs },
      'worker stopping: taking no new jobs',
    );
    await settleConnections(workers);
    await Promise.all(workers.map((worker) => worker.pause(true).catch(() => undefined)));
    const drained = await this.observer.drain(this.config.shutdownGraceMs);
    if (!drained) {
      this.observer.abandon();
      const cut = await this.cutDatabaseConnections();
      this.logger.warn(
        { activeJobs: this.observer.activeJobs, jobs: this.observer.activeJobNames, connectionsCut: cut },
        'grace period over: leaving active jobs to be retried by another worker',
      );
      // Whatever the abandoned jobs still do (a query on a fresh connection, an SMTP call) must not keep the process:
      // the rest of the shutdown gets a few seconds, then the process leaves (its 'exit' event writes the log).
      if (this.exitWhenAbandoned) setTimeout(() => process.exit(0), ABANDONED_EXIT_MS).unref();
    }
    // BullMQ waits for each connection's end without a bound; after a Redis Cluster failover one may never end
    // (BullMQ issue #4656). No job runs any more: the process then leaves without it.
    const closing = Promise.all(workers.map((worker) => worker.close(!drained).catch(() => undefined)));
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ABANDONED_EXIT_MS))),
    ]);
    clearTimeout(timer);
    if (!closed) {
      this.logger.warn({ drained }, 'a queue connection did not close in time: leaving it');
      if (this.exitWhenAbandoned) setTimeout(() => process.exit(0), ABANDONED_EXIT_MS).unref();
    }
    this.lastStop = { drained };
    this.logger.info({ drained }, 'worker stopped');
  }

  /** The last jobs' spans leave before the process does. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }

  /**
   * Ends every pool connection that is in use (an abandoned job's transaction, or a query it waits for): the server
   * ends their backends, which rolls their transactions back and drops their locks (a backend waiting on a lock would
   * not notice its client leave), and the job's pending query fails at once instead of when it ends or times out, so
   * the pool can close. The backends are ended from a connection of its own, outside the pool, which may be full.
   * Answers how many were cut.
   */
  private async cutDatabaseConnections(): Promise<number> {
    type PgClient = { processID?: number; connection?: { stream?: { destroy(): void } } };
    const pool = (this.em.getKnex().client as { pool?: { used?: { resource: PgClient }[] } }).pool;
    const used = (pool?.used ?? []).map(({ resource }) => resource);
    if (used.length === 0) return 0;
    // Through a transaction-mode pooler a client's process id is the pooler's, no backend's: closing the client's
    // connection mid-transaction makes the pooler drop its server connection, which rolls the transaction back.
    if (this.config.databasePooler === 'transaction') {
      for (const client of used) client.connection?.stream?.destroy();
      return used.length;
    }
    const pids = used.map((client) => client.processID).filter((pid): pid is number => typeof pid === 'number');
    const killer = new Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: 1000,
      query_timeout: 1000,
    });
    killer.on('error', () => undefined);
    try {
      await killer.connect();
      await killer.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
    } catch (err) {
      // The database is away: its backends are gone or going anyway.
      this.logger.warn(
        { error: redactText((err as Error).message) },
        "could not end the abandoned jobs' database sessions",
      );
    } finally {
      await killer.end().catch(() => undefined);
    }
    for (const client of used) client.connection?.stream?.destroy();
    return used.length;
  }
}
