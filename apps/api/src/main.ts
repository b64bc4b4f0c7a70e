// First: tracing must start before the modules it instruments are loaded.
import './tracing';
import 'reflect-metadata';
import { parse as parseQuery } from 'node:querystring';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigError, loadConfig, type TandemConfig } from '@tandem/config';
import { createLogger, PinoNestLogger } from '@tandem/observability';
import { AppModule } from './app.module';
import { installCookies } from './http/cookies';
import { deferBodyError, deferUnknownMediaTypes, unsupportedMediaType } from './http/body-errors';
import { requestId } from './ops/http-observability';
import { installOps } from './ops/ops.module';
import { installPagePlugins } from './pages/page-plugins';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A surrogate that is not half of a pair (in u-mode a pair is one code point, so only a lone one matches). */
const LONE_SURROGATE = /\p{Cs}/u;

const badText = (message: string) => Object.assign(new Error(message), { statusCode: 400, code: 'invalid_encoding' });

/** How deep a JSON body may nest: no field of any route is deeper than a few levels. */
const MAX_JSON_DEPTH = 32;

/**
 * What no text field may hold, in a parsed value (every string and key): a NUL character, which PostgreSQL text cannot
 * hold (it would fail as a 500 at the first write), or a lone surrogate (`"\ud800"` in JSON), which is not Unicode
 * text and would be stored as U+FFFD without a word. Walked without recursion, and nesting deeper than MAX_JSON_DEPTH
 * is refused: 30,000 nested arrays fit in 60 kB, and a recursive walk overflowed the stack on them (a RangeError that
 * only happened to answer 400) before validation would recurse through them again.
 */
function badTextIn(root: unknown): Error | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return badText('the body contains a NUL character, which no field may hold');
      if (LONE_SURROGATE.test(value))
        return badText('the body contains a lone UTF-16 surrogate (such as \\ud800), which is not text');
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_JSON_DEPTH)
        return Object.assign(new Error(`the body nests deeper than ${MAX_JSON_DEPTH} levels`), {
          statusCode: 400,
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
        });
      if (Array.isArray(value)) for (const item of value) stack.push([item, depth + 1]);
      else for (const [key, item] of Object.entries(value)) stack.push([key, depth + 1], [item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * The 415 of a body the parsers would misread: a charset other than UTF-8 (bodies are read as UTF-8; a UTF-16 or
 * Latin-1 body was read as UTF-8 anyway), or a Content-Encoding (gzip is not inflated; the bytes were read as text).
 */
function unreadableEncoding(request: FastifyRequest): Error | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return unsupportedMediaType(`${request.headers['content-type']} (send UTF-8)`);
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity')
    return unsupportedMediaType(`Content-Encoding ${String(encoding).slice(0, 40)} (send the body uncompressed)`);
  return undefined;
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

/** A form field's percent-decoding, refusing (instead of replacing) escapes that are not UTF-8 (`%ff`, `%ed%a0%80`). */
function parseForm(text: string): Record<string, unknown> | Error {
  let bad = false;
  const form = parseQuery(text, '&', '=', {
    decodeURIComponent: (part: string) => {
      try {
        return decodeURIComponent(part);
      } catch {
        bad = true;
        return '';
      }
    },
  });
  if (bad) return badText('the form holds a percent-escape that is not UTF-8');
  return badTextIn(form) ?? form;
}

/**
 * Builds the api on Fastify (not listening yet), so tests can boot it in-process too. `root` is the app module; a
 * benchmark passes one that imports AppModule and adds its own baseline controller.
 */
export async function createApi(
  config: TandemConfig,
  root: DynamicModule | Type = AppModule.forRoot(config),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: false,
    // Our own request id (logged and echoed as X-Request-Id); a caller's is kept only when it is a plain token.
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      requestId(req.headers['x-request-id']),
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(createLogger(config, 'api')),
    abortOnError: false,
    // Body parsers are ours (below): Nest's JSON parser would read bytes that are not UTF-8 as replacement characters.
    bodyParser: false,
  });
  await installCookies(app, config);
  installOps(app);
  await installPagePlugins(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  // CSV, JSON (SCIM's application/scim+json too) and forms arrive as text: bytes that are not UTF-8 are refused rather than silently replaced, and so is
  // a NUL character or a lone surrogate. A body that cannot be parsed is not answered here but kept (deferBodyError)
  // and answered once the route's guards have let the caller in: authorization (401, 403) comes before the body.
  const parsed = (request: FastifyRequest, result: unknown, done: (err: Error | null, body?: unknown) => void) => {
    if (result instanceof Error) {
      deferBodyError(request, result);
      done(null, undefined);
    } else done(null, result);
  };
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (req, body, done) =>
    parsed(req, unreadableEncoding(req) ?? decodeText(body as Buffer), done),
  );
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    ['application/json', 'application/scim+json'],
    { parseAs: 'buffer' },
    (req, body, done) => {
      const text = unreadableEncoding(req) ?? decodeText(body as Buffer);
      if (text instanceof Error) return parsed(req, text, done);
      parseJson(req, text, (err: Error | null, value?: unknown) => parsed(req, err ?? badTextIn(value) ?? value, done));
    },
  );
  // Forms of the token pages, as Nest's own parser read them (repeated fields become arrays).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body, done) => {
    const text = unreadableEncoding(req) ?? decodeText(body as Buffer);
    parsed(req, text instanceof Error ? text : parseForm(text), done);
  });
  // No route reads text/plain: Fastify's own parser goes, so such a body is an unknown media type like any other.
  fastify.removeContentTypeParser('text/plain');
  deferUnknownMediaTypes(fastify);
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
  createLogger(config, 'api').info(
    { publicUrl: config.publicUrl, port, console: `${config.publicUrl}/console` },
    'tandem api listening (admin console at /console, docs at /docs, queues at /ops/queues)',
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
    process.exit(1);
  });
}
