import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { TandemConfig } from '@tandem/config';
import { BullMQOtel } from 'bullmq-otel';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { JobProducer } from './job-producer.service';
import { QueueName } from './queue-names';
import { producerConnection, workerConnection } from './redis';

/**
 * Registers every queue and the typed producer. `role` picks the Redis behaviour: fail fast (api) or wait (worker).
 * With tracing on, BullMQ's own telemetry carries the trace: adding a job is a producer span whose W3C context goes
 * into the job's options (`opts.telemetry.metadata`, a `traceparent` and nothing else), and a worker runs the job in
 * a consumer span that continues it. Off, no telemetry is passed and BullMQ runs exactly as without it.
 */
@Module({})
export class QueuesModule {
  static forRoot(config: TandemConfig, role: 'producer' | 'worker'): DynamicModule {
    const connection = role === 'producer' ? producerConnection(config.redisUrl) : workerConnection(config.redisUrl);
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({
          connection,
          prefix: config.queuePrefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
          ...(config.tracing ? { telemetry: new BullMQOtel('tandem') } : {}),
        }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [JobProducer],
      exports: [JobProducer, BullModule],
    };
  }
}
