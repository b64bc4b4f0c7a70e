import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@tandem/config';
import { WorkerModule } from './worker.module';

/** Boots the worker: processors only, no HTTP. */
export async function bootstrapWorker() {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  process.stderr.write(`tandem worker serving ${config.workerQueues.join(', ')}\n`);
  return app;
}

if (require.main === module) {
  bootstrapWorker().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
