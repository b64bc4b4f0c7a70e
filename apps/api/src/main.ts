import 'reflect-metadata';
import { parse as parseQuery } from 'node:querystring';
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

const badText = (message: string) => Object.assign(new Error(message), { statusCode: 400, code: 'invalid_encoding' });

/** Whether any string (or key) in a parsed JSON value holds a NUL character. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

/** A request body as text, or the 400 to answer: not UTF-8, or holding a NUL character. */
function decodeText(body: Buffer): string | Error {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return badText('the body is not valid UTF-8');
  }
  return text.includes('\u0000') ? badText('the body contains a NUL character, which no field may hold') : text;
}

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
    // Body parsers are ours (below): Nest's JSON parser would read bytes that are not UTF-8 as replacement characters.
    bodyParser: false,
  });
  installOps(app);
  await installPagePlugins(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  // CSV and JSON arrive as text: bytes that are not UTF-8 are refused rather than silently replaced, and so is a NUL
  // character, which PostgreSQL text cannot hold (it would fail as a 500 at the first write).
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_req, body, done) => {
    const text = decodeText(body as Buffer);
    if (text instanceof Error) done(text, undefined);
    else done(null, text);
  });
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const text = decodeText(body as Buffer);
    if (text instanceof Error) return done(text, undefined);
    parseJson(req, text, (err: Error | null, value?: unknown) => {
      if (err) done(err, undefined);
      else if (holdsNul(value)) done(badText('the body contains a NUL character, which no field may hold'), undefined);
      else done(null, value);
    });
  });
  // Forms of the token pages, as Nest's own parser read them (repeated fields become arrays).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => {
    const text = decodeText(body as Buffer);
    if (text instanceof Error) return done(text, undefined);
    const form = parseQuery(text);
    if (holdsNul(form)) done(badText('the form contains a NUL character, which no field may hold'), undefined);
    else done(null, form);
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
  createLogger(config, 'api').info({ publicUrl: config.publicUrl, port, console: `${config.publicUrl}/console` }, 'tandem api listening (admin console at /console, docs at /docs, queues at /ops/queues)');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
