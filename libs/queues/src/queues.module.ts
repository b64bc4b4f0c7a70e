import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { TandemConfig } from '@tandem/config';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { JobProducer } from './job-producer.service';
import { QueueName } from './queue-names';
import { producerConnection, workerConnection } from './redis';

/** Registers every queue and the typed producer. `role` picks the Redis behaviour: fail fast (api) or wait (worker). */
@Module({})
export class QueuesModule {
  static forRoot(config: TandemConfig, role: 'producer' | 'worker'): DynamicModule {
    const connection = role === 'producer' ? producerConnection(config.redisUrl) : workerConnection(config.redisUrl);
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRoot({ connection, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [JobProducer],
      exports: [JobProducer, BullModule],
    };
  }
}
