import { DynamicModule, Inject, Module, OnApplicationBootstrap, Type } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import { ConfigModule, TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { type Clock, ClockModule, DatabaseModule } from '@tandem/domain';
import { MailModule } from '@tandem/mail';
import { createLogger, type Logger } from '@tandem/observability';
import { jobsOf, QueueName, QueuesModule } from '@tandem/queues';
import { WorkflowsModule } from '@tandem/workflows';
import type { AnyProcessor } from './job-handlers';
import { CadenceProcessor } from './processors/cadence.processor';
import { EmailProcessor } from './processors/email.processor';
import { FeedbackProcessor } from './processors/feedback.processor';
import { IntakeProcessor } from './processors/intake.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { MatchingProcessor } from './processors/matching.processor';
import { PairingProcessor } from './processors/pairing.processor';
import { WebhooksProcessor } from './processors/webhooks.processor';
import { WorkerOpsModule } from './ops/worker-ops.module';

/** The processor of each queue that has jobs today; a queue without jobs needs none. */
const PROCESSORS: Partial<Record<QueueName, Type<AnyProcessor>>> = {
  [QueueName.Intake]: IntakeProcessor,
  [QueueName.Matching]: MatchingProcessor,
  [QueueName.Pairing]: PairingProcessor,
  [QueueName.Cadence]: CadenceProcessor,
  [QueueName.Feedback]: FeedbackProcessor,
  [QueueName.Email]: EmailProcessor,
  [QueueName.Webhooks]: WebhooksProcessor,
  [QueueName.Maintenance]: MaintenanceProcessor,
};

/** The worker process: one processor per served queue (WORKER_QUEUES picks a subset). */
@Module({})
export class WorkerModule implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * `logger` is the process's worker logger: main.ts passes its buffered one (which needs the process to leave through
   * process.exit); a worker in another process (the demo, the tests) gets one that writes each line as it logs it.
   * `clock` is the real one but in tests, which move time.
   */
  static forRoot(config: TandemConfig, logger: Logger = createLogger(config, 'worker'), clock?: Clock): DynamicModule {
    const processors = config.workerQueues
      .map((queue) => PROCESSORS[queue as QueueName])
      .filter((p): p is Type<AnyProcessor> => !!p);
    // The lock, the stalled check and its limit come from config, so @Processor is applied again with them: @nestjs/bullmq reads
    // a processor's worker options from its metadata when it creates the BullMQ worker.
    for (const queue of config.workerQueues as QueueName[]) {
      const type = PROCESSORS[queue];
      if (type)
        Processor(queue, {
          lockDuration: config.jobLockDurationMs,
          stalledInterval: config.jobStalledIntervalMs,
          maxStalledCount: config.jobMaxStalled,
        })(type);
    }
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        DatabaseModule.forRoot(config),
        QueuesModule.forRoot(config, 'worker'),
        MailModule,
        WorkflowsModule,
        WorkerOpsModule.forRoot(logger),
      ],
      providers: processors,
    };
  }

  /** Refuses to run when a served queue has a job without a handler. */
  onApplicationBootstrap(): void {
    for (const queue of this.config.workerQueues as QueueName[]) {
      const jobs = jobsOf(queue);
      const type = PROCESSORS[queue];
      if (!type) {
        if (jobs.length > 0) throw new Error(`queue ${queue} has jobs (${jobs.join(', ')}) but no processor`);
        continue;
      }
      const processor = this.moduleRef.get(type, { strict: false });
      const missing = jobs.filter((job) => !processor.handledJobs().includes(job));
      if (missing.length > 0) throw new Error(`queue ${queue} has no handler for ${missing.join(', ')}`);
      processor.worker.concurrency = this.config.workerConcurrency;
    }
  }
}
