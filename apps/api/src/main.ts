import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigError, loadConfig, type TandemConfig } from '@tandem/config';
import { createLogger, PinoNestLogger } from '@tandem/observability';
import { AppModule } from './app.module';
import { requestId } from './ops/http-observability';
import { installOps } from './ops/ops.module';
import { installPagePlugins } from './pages/page-plugins';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds the api on Fastify (not listening yet), so tests can boot it in-process too. `root` is the app module; a
 * benchmark passes one that imports AppModule and adds its own baseline controller.
 */
export async function createApi(config: TandemConfig, root: DynamicModule | Type = AppModule.forRoot(config)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: false,
    // Our own request id (logged and echoed as X-Request-Id); a caller's is kept only when it is a plain token.
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestId(req.headers['x-request-id']),
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(createLogger(config, 'api')),
    abortOnError: false,
  });
  installOps(app);
  await installPagePlugins(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  // CSV arrives as text; bytes that are not UTF-8 are refused rather than silently replaced.
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, utf8.decode(body as Buffer));
    } catch {
      done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400, code: 'invalid_encoding' }), undefined);
    }
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tandem')
      .setDescription('Coach–coachee matching for structured leadership coaching programs')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  return app;
}

async function main() {
  const config = loadConfig();
  const app = await createApi(config);
  await app.listen(config.port, config.host);
  // The bound port, not the configured one: with PORT=0 the system picks it (tests read it from this line).
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  createLogger(config, 'api').info({ publicUrl: config.publicUrl, port }, 'tandem api listening (docs at /docs, queues at /ops/queues)');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
