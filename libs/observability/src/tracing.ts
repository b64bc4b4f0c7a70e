import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type { ReadableSpan, Sampler, SamplingResult, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace';
import { ConfigError, loadConfig, type TandemConfig, type TracingConfig } from '@tandem/config';
import { redactText } from './logger';

// The SDK, the exporters and the instrumentations are required inside startTracing, not imported: with tracing off a
// process never loads them, patches nothing and registers no tracer provider. Only @opentelemetry/api (a no-op
// without a provider) is imported, for the spans Tandem makes itself (the SMTP send).
/* eslint-disable @typescript-eslint/no-require-imports */

/** The running SDK of a process. */
export interface Tracing {
  /** Exports the spans still buffered. */
  forceFlush(): Promise<void>;
  /** Exports what is left, then stops tracing. */
  shutdown(): Promise<void>;
  /** The instrumentations it enabled (http, pg, ioredis). */
  readonly instrumentations: readonly InstrumentationBase[];
}

/**
 * Attributes the instrumentations record that may name a person or carry a secret: the raw path and query (token pages
 * carry their token in the path; the route pattern is kept as `http.route`), the client's address and user agent, and
 * a job's return value.
 */
const DROPPED_ATTRIBUTES = new Set([
  'url.full',
  'url.path',
  'url.query',
  'http.url',
  'http.target',
  'client.address',
  'network.peer.address',
  'network.peer.port',
  'net.peer.ip',
  'net.sock.peer.addr',
  'user_agent.original',
  'http.user_agent',
  'bullmq.job.result',
]);

/** Attributes holding SQL: MikroORM inlines a query's values before sending it, so quoted literals are taken out. */
const SQL_ATTRIBUTES = new Set(['db.statement', 'db.query.text']);
const SQL_LITERAL = /(?:\b[Ee])?'(?:[^']|'')*'/g;

/** A link token (43 base64url characters, see isLinkToken) standing alone. */
const LINK_TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/** A text with email addresses, credentials and link tokens taken out. */
function redactValue(key: string, value: string): string {
  const text = SQL_ATTRIBUTES.has(key) ? value.replace(SQL_LITERAL, '?') : value;
  return redactText(text).replace(LINK_TOKEN, '[token]');
}

/** Attributes as they may leave the process. */
export function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key) || value === undefined) continue;
    let clean: AttributeValue = value;
    if (typeof value === 'string') clean = redactValue(key, value);
    else if (Array.isArray(value))
      clean = value.map((item) => (typeof item === 'string' ? redactValue(key, item) : item)) as AttributeValue;
    out[key] = clean;
  }
  return out;
}

/** The span as exported: the same span (its ids, times, parent, status) with its name, attributes and events redacted. */
function redactSpan(span: ReadableSpan): ReadableSpan {
  const events: TimedEvent[] = span.events.map((event) => ({
    ...event,
    attributes: event.attributes && redactAttributes(event.attributes),
  }));
  return Object.assign(Object.create(span) as ReadableSpan, {
    name: redactValue('', span.name),
    attributes: redactAttributes(span.attributes),
    events,
    status: span.status.message ? { ...span.status, message: redactText(span.status.message) } : span.status,
  });
}

/**
 * The last guard before spans leave the process: whatever an instrumentation recorded, no email address, credential,
 * link token, raw URL, client address or SQL literal is exported.
 */
class RedactingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * BullMQ's housekeeping (a worker polling an empty queue, the stalled-job check) starts a span every few seconds per
 * queue. As a trace of its own (no parent) it says nothing, so it is not recorded; the same operations inside a job's
 * trace (a poll that fetched a job carries the job's context) are.
 */
const HOUSEKEEPING = /^(getNextJob|moveStalledJobsToWait|startStalledCheckTimer|rateLimit|close|pause|resume) /;

function quietSampler(inner: Sampler): Sampler {
  const { SamplingDecision } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  return {
    shouldSample(
      parent: Context,
      traceId: string,
      name: string,
      kind: SpanKind,
      attributes: Attributes,
      links,
    ): SamplingResult {
      if (kind === SpanKind.INTERNAL && HOUSEKEEPING.test(name) && !trace.getSpanContext(parent))
        return { decision: SamplingDecision.NOT_RECORD };
      return inner.shouldSample(parent, traceId, name, kind, attributes, links);
    },
    toString: () => `Quiet{${inner.toString()}}`,
  };
}

function sampler(config: TracingConfig): Sampler {
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const root: Record<TracingConfig['sampler'], () => Sampler> = {
    always_on: () => new sdk.AlwaysOnSampler(),
    always_off: () => new sdk.AlwaysOffSampler(),
    traceidratio: () => new sdk.TraceIdRatioBasedSampler(config.samplerRatio),
    parentbased_always_on: () => new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    parentbased_always_off: () => new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() }),
    parentbased_traceidratio: () =>
      new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(config.samplerRatio) }),
  };
  return quietSampler(root[config.sampler]());
}

function exporterFor(config: TracingConfig): SpanExporter {
  if (config.exporter === 'console') {
    const { ConsoleSpanExporter } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
    return new ConsoleSpanExporter();
  }
  const { OTLPTraceExporter } = (
    config.protocol === 'http/json'
      ? require('@opentelemetry/exporter-trace-otlp-http')
      : require('@opentelemetry/exporter-trace-otlp-proto')
  ) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({ url: config.url, headers: { ...config.headers } });
}

/** How long a flush may wait for the collector. */
const FLUSH_TIMEOUT_MS = 2000;

/** The SDK this process started, if any. */
let running: Tracing | undefined;

/** Routes polled by machines (probes, scrapes): not traced. */
const UNTRACED_PATHS = /^\/(health|ready|metrics)(\?|$)/;

/**
 * Starts OpenTelemetry for this process when the configuration turns it on (OTEL_TRACES_EXPORTER); answers undefined,
 * having loaded and registered nothing, when it is off. The instrumentations patch http, pg and ioredis as they are
 * first required, so the entry calls this before it imports the application (see apps/<app>/src/tracing.ts).
 * `exporter` replaces the configured one (tests pass the SDK's in-memory exporter).
 */
export function startTracing(
  config: Pick<TandemConfig, 'tracing'>,
  service: 'api' | 'worker',
  exporter?: SpanExporter,
): Tracing | undefined {
  const settings = config.tracing;
  if (!settings) return undefined;
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');

  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName ?? `tandem-${service}` }),
    sampler: sampler(settings),
    spanProcessors: [
      new sdk.BatchSpanProcessor({ exporter: new RedactingExporter(exporter ?? exporterFor(settings)) }),
    ],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  const instrumentations: InstrumentationBase[] = [
    new HttpInstrumentation({
      // Tandem calls no HTTP service (the exporter's own requests are not traced either).
      disableOutgoingRequestInstrumentation: true,
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
    }),
    // Only inside a request's or a job's trace: a connection check or a metrics flush starts no trace of its own.
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    // The command name only: arguments hold keys, job payloads and options.
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
  ];
  registerInstrumentations({ tracerProvider: provider, instrumentations });
  const tracing: Tracing = {
    instrumentations,
    // Bounded: a collector that is away must not hold a stopping process past its grace.
    forceFlush: () => provider.forceFlush({ timeoutMillis: FLUSH_TIMEOUT_MS }),
    shutdown: async () => {
      for (const instrumentation of instrumentations) instrumentation.disable();
      await provider.shutdown();
      api.trace.disable();
      api.propagation.disable();
      api.context.disable();
      running = undefined;
    },
  };
  running = tracing;
  return tracing;
}

/**
 * Starts tracing for a process entry before it loads the application: `entry` is the entry's own file, and nothing
 * happens unless it is the file node was started with (a test or a benchmark importing the entry starts nothing). A
 * bad configuration is left for the entry to report.
 */
export function traceProcess(service: 'api' | 'worker', entry: string): void {
  if (require.main?.filename !== entry) return;
  try {
    startTracing(loadConfig(), service);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
}

/** Exports the spans still buffered (a stopping process calls it last); nothing to do when tracing is off. */
export async function flushTracing(): Promise<void> {
  await running?.forceFlush();
}

/**
 * Names the HTTP server span of the request being handled after its route pattern (`GET /offers/:token`, also its
 * `http.route`), the way framework instrumentations do; a no-op when tracing is off.
 */
export function traceRoute(route: string): void {
  const { getRPCMetadata, RPCType } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/**
 * Runs `work` in a span of its own (a child of the active one). Without tracing the API's tracer is a no-op, so this
 * costs a call. Give it ids and kinds, never names, emails or tokens.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return trace.getTracer('tandem').startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: redactText(String((err as Error).message)) });
      throw err;
    } finally {
      span.end();
    }
  });
}
