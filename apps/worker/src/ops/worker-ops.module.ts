import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { createLogger } from '@tandem/observability';
import { JobObserver, WORKER_LOGGER } from './job-observer.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

/** Job logs and metrics, failure records and graceful shutdown for the worker process. */
@Module({
  imports: [DiscoveryModule],
  providers: [{ provide: WORKER_LOGGER, useFactory: (config: TandemConfig) => createLogger(config, 'worker'), inject: [TANDEM_CONFIG] }, JobObserver, WorkerLifecycle],
  exports: [JobObserver, WORKER_LOGGER],
})
export class WorkerOpsModule {}
