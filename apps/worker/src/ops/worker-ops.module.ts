import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { Logger } from '@tandem/observability';
import { JobObserver, WORKER_LOGGER } from './job-observer.service';
import { WorkerLifecycle } from './worker-lifecycle.service';

/** Job logs and metrics, failure records and graceful shutdown for the worker process. */
@Module({})
export class WorkerOpsModule {
  /** `logger` is the process's one worker logger, the one Nest's own messages go to as well. */
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: WorkerOpsModule,
      imports: [DiscoveryModule],
      providers: [{ provide: WORKER_LOGGER, useValue: logger }, JobObserver, WorkerLifecycle],
      exports: [JobObserver, WORKER_LOGGER],
    };
  }
}
