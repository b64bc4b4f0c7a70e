import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { type Logger, redactText } from '@tandem/observability';
import { settleConnections } from '@tandem/queues';
import { Queue, type Worker } from 'bullmq';
import { JobObserver, WORKER_LOGGER } from './job-observer.service';

/**
 * The worker's life around its BullMQ workers: Redis errors become log lines (BullMQ reconnects by itself), and on
 * SIGTERM the workers stop taking jobs, the active ones get the grace period to finish, then the workers close.
 * A job still running after the grace is abandoned to BullMQ's stalled-job check, which gives it to another worker.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly observer: JobObserver,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    @Inject(WORKER_LOGGER) private readonly logger: Logger,
  ) {}

  private workers(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
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
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as unknown;
      if (instance instanceof Queue) instance.on('error', onError(`queue:${instance.name}`));
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const workers = this.workers();
    this.logger.info({ signal, activeJobs: this.observer.activeJobs, graceMs: this.config.shutdownGraceMs }, 'worker stopping: taking no new jobs');
    await settleConnections(workers);
    await Promise.all(workers.map((worker) => worker.pause(true).catch(() => undefined)));
    const drained = await this.observer.drain(this.config.shutdownGraceMs);
    if (!drained) this.logger.warn({ activeJobs: this.observer.activeJobs }, 'grace period over: leaving active jobs to be retried by another worker');
    await Promise.all(workers.map((worker) => worker.close(!drained).catch(() => undefined)));
    this.logger.info({ drained }, 'worker stopped');
  }
}
