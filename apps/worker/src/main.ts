// First: tracing must start before the modules it instruments are loaded.
import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@tandem/config';
import { createLogger, PinoNestLogger } from '@tandem/observability';
import { checkEvictionPolicy, EvictionPolicyError } from './ops/redis-policy';
import { WorkerLifecycle } from './ops/worker-lifecycle.service';
import { WorkerModule } from './worker.module';

/**
 * Boots the worker: processors only, no HTTP. Refuses a Redis that may evict jobs (see checkEvictionPolicy). Its log
 * is buffered (a line per job), so a stop by signal leaves through process.exit, whose 'exit' event writes the rest.
 */
export async function bootstrapWorker() {
  const config = loadConfig();
  const logger = createLogger(config, 'worker', { buffered: true });
  const policy = await checkEvictionPolicy(config, logger);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.get(WorkerLifecycle).exitWhenAbandoned = true;
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  logger.info(
    { queues: config.workerQueues, concurrency: config.workerConcurrency, redisMaxmemoryPolicy: policy },
    'tandem worker started',
  );
  return app;
}

if (require.main === module) {
  bootstrapWorker().catch((err: unknown) => {
    const known = err instanceof ConfigError || err instanceof EvictionPolicyError;
    process.stderr.write(`${known ? (err as Error).message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
