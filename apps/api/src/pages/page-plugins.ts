import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TandemConfig } from '@tandem/config';

/** Per-client rate limits for the routes that opt in (Nest's Fastify adapter already parses form posts). */
export async function installPagePlugins(app: NestFastifyApplication, config: TandemConfig): Promise<void> {
  await app.register(rateLimit as never, { global: false, max: config.pageRateLimit, timeWindow: 60_000 } as never);
}
