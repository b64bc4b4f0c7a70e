export * from './queue-names';
export * from './job-options';
export * from './redis';
export * from './queue-errors';
export * from './settle';
export * from './job-producer.service';
export * from './queues.module';
