import { isIP } from 'node:net';
import { Duration } from 'luxon';
import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

/** Every queue a worker can serve; kept here so config can validate WORKER_QUEUES without importing BullMQ. */
export const QUEUE_NAMES = [
  'intake',
  'matching',
  'pairing',
  'cadence',
  'feedback',
  'email',
  'webhooks',
  'maintenance',
] as const;

const DEV_SECRET = 'tandem-dev-secret-change-me-in-production';

const urlWithProtocols = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const byteSize = z
  .string()
  .regex(/^\d+(kb|mb|b)?$/i, 'must be a byte count such as 10485760, 512kb or 10mb')
  .transform((value) => {
    const match = /^(\d+)(kb|mb|b)?$/i.exec(value)!;
    const unit = (match[2] ?? 'b').toLowerCase();
    return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
  });

/** An ISO-8601 duration (`PT25S`), as milliseconds. */
const isoDuration = z
  .string()
  .refine((value) => {
    const duration = Duration.fromISO(value);
    return duration.isValid && duration.toMillis() > 0;
  }, 'must be a positive ISO-8601 duration such as PT25S')
  .transform((value) => Duration.fromISO(value).toMillis());

/** Comma-separated CIDR blocks (`10.0.0.0/8, ::1/128`); a bare address means that one address. */
const cidrList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const blocks = (value ?? '')
      .split(',')
      .map((block) => block.trim())
      .filter(Boolean);
    const bad = blocks.filter((block) => {
      const [address, bits, extra] = block.split('/');
      const family = isIP(address);
      if (!family || extra !== undefined) return true;
      if (bits === undefined) return false;
      return !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128);
    });
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not a CIDR block: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return blocks;
  });

/** `key=value` pairs separated by commas (OTEL_EXPORTER_OTLP_HEADERS), values percent-encoded as the spec says. */
const otlpHeaders = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const headers: Record<string, string> = {};
    for (const pair of (value ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const at = pair.indexOf('=');
      const key = pair.slice(0, at).trim();
      if (at <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
        // The value may be a credential: name the problem, never the value.
        ctx.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas' });
        return z.NEVER;
      }
      try {
        headers[key] = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        ctx.addIssue({ code: 'custom', message: `the value of ${key} is not percent-encoded UTF-8` });
        return z.NEVER;
      }
    }
    return headers;
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).default('postgres://postgres@localhost:5432/tandem'),
  DATABASE_POOLER: z.enum(['none', 'transaction']).default('none'),
  REDIS_URL: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseRedisUrl(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .default('redis://localhost:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, - or _')
    .default('tandem'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:']).optional(),
  APP_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: urlWithProtocols(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Tandem <no-reply@tandem.local>'),
  WORKER_QUEUES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [...QUEUE_NAMES];
      const names = value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      const unknown = names.filter((name) => !(QUEUE_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown queue(s) ${unknown.join(', ')}; known: ${QUEUE_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }
      return names as (typeof QUEUE_NAMES)[number][];
    }),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_STREAM: z.enum(['stdout', 'stderr']).default('stdout'),
  BODY_LIMIT: byteSize.default(10 * 1024 * 1024),
  PAGE_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000_000).default(60),
  SHUTDOWN_GRACE: isoDuration.default(25_000),
  JOB_LOCK_DURATION: isoDuration.default(30_000),
  JOB_STALLED_INTERVAL: isoDuration.default(30_000),
  JOB_MAX_STALLED: z.coerce.number().int().min(1).max(100).default(3),
  EMAIL_CLAIM_LEASE: isoDuration.default(120_000),
  RECONCILE_EVERY: isoDuration.default(60_000),
  METRICS_ALLOW_CIDRS: cidrList,
  REDIS_ALLOW_EVICTION: z.enum(['true', 'false']).default('false'),
  OPS_ORGANIZATION_ID: z.uuid('must be an organization id (a UUID)').optional(),
  ALLOW_SHORT_DURATIONS: z.enum(['true', 'false']).default('false'),
  JOB_TIME_LIMIT: isoDuration.default(600_000),
  WEBHOOK_RETRY_BASE: isoDuration.default(30_000),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false']).default('false'),
  OIDC_ALLOW_PRIVATE_ISSUERS: z.enum(['true', 'false']).default('false'),
  // OpenTelemetry's own variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
  // the subset Tandem ships: OTLP over HTTP (protobuf or JSON), or spans printed to the console.
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console'], 'must be none, otlp or console').default('none'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], 'must be http/protobuf or http/json (grpc is not shipped)')
    .default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], 'must be http/protobuf or http/json (grpc is not shipped)')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocols(['http:', 'https:']).default('http://localhost:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: urlWithProtocols(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders,
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,100}$/, 'must be 1-100 letters, digits, ., _, / or -')
    .optional(),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number()
    .min(0, 'must be a ratio from 0 to 1')
    .max(1, 'must be a ratio from 0 to 1')
    .default(1),
});

/** Where spans go when tracing is on (OTEL_TRACES_EXPORTER other than `none`). */
export interface TracingConfig {
  readonly exporter: 'otlp' | 'console';
  readonly protocol: 'http/protobuf' | 'http/json';
  /** The OTLP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME; unset, each process names itself (`tandem-api`, `tandem-worker`). */
  readonly serviceName: string | undefined;
  readonly sampler:
    | 'always_on'
    | 'always_off'
    | 'traceidratio'
    | 'parentbased_always_on'
    | 'parentbased_always_off'
    | 'parentbased_traceidratio';
  readonly samplerRatio: number;
}

export type QueueNameValue = (typeof QUEUE_NAMES)[number];

/** Tandem's validated configuration; nothing else reads process.env. */
export interface TandemConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly databaseUrl: string;
  /**
   * What sits between Tandem and PostgreSQL: `none` (a direct connection or a session-mode pooler) or `transaction`
   * (PgBouncer in transaction mode, where consecutive statements may reach different server connections, so no
   * statement may count on what an earlier one left in its session: Tandem then uses no named prepared statements).
   */
  readonly databasePooler: 'none' | 'transaction';
  /** One Redis (`redis://`, `rediss://` with TLS) or a Redis Cluster's seed nodes (`redis+cluster://h1:p1,h2:p2`). */
  readonly redisUrl: string;
  /**
   * The prefix of every Redis key Tandem writes: QUEUE_PREFIX in braces (`{tandem}`), a Redis Cluster hash tag, so all
   * of BullMQ's keys (its scripts touch several at once) and Tandem's own fall in one cluster slot.
   */
  readonly queuePrefix: string;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly appSecret: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly workerQueues: readonly QueueNameValue[];
  readonly workerConcurrency: number;
  readonly logLevel: string;
  /** Where JSON log lines go; the CLI sends them to stderr so stdout stays machine output. */
  readonly logStream: 'stdout' | 'stderr';
  readonly bodyLimit: number;
  /** Requests per minute one client may make to the token pages (offers, feedback). */
  readonly pageRateLimit: number;
  /** How long a stopping process lets work in flight finish (requests, active jobs). */
  readonly shutdownGraceMs: number;
  /**
   * BullMQ's job lock: a worker renews it while a job runs, and a job whose worker died is handed to another once its
   * lock has expired and the stalled-job check (every `jobStalledIntervalMs`) has seen it. Shorter means a crashed
   * worker's jobs resume sooner, but a job that blocks its event loop longer than the lock risks running twice.
   */
  readonly jobLockDurationMs: number;
  readonly jobStalledIntervalMs: number;
  /**
   * How many times a job may lose its worker (a crash, a kill, a node drained without grace) before BullMQ fails it for
   * good; BullMQ's own default of 1 fails a job whose worker dies twice while it runs, which a rolling restart can do.
   */
  readonly jobMaxStalled: number;
  /** How long a worker's claim on an outbox message keeps others from sending it (a crashed sender's claim ends then). */
  readonly emailClaimLeaseMs: number;
  /** How often the reconciler sweeps the database for work Redis does not hold. */
  readonly reconcileEveryMs: number;
  /** Networks that may read /metrics without a key. */
  readonly metricsAllowCidrs: readonly string[];
  /** Lets a worker run on a Redis whose maxmemory-policy may evict BullMQ's keys. */
  readonly redisAllowEviction: boolean;
  /** When set, only this organization's keys may use the queue dashboard and metrics. */
  readonly opsOrganizationId: string | undefined;
  /**
   * Lets a program's durations go below their production minimums (seconds instead of hours or days), for tests and
   * demos that must see a whole series run; refused when NODE_ENV=production.
   */
  readonly allowShortDurations: boolean;
  /** The longest a job may run: one past it is failed for good and reported, and its worker slot serves others. */
  readonly jobTimeLimitMs: number;
  /** The wait before a webhook's second attempt; it doubles with each further one, to at most an hour. */
  readonly webhookRetryBaseMs: number;
  /** Whether webhooks may reach loopback and private networks (tests, an install whose receivers are internal). */
  readonly webhookAllowPrivateNetworks: boolean;
  /** Whether an organization's OpenID provider may be on http:// or a loopback or private network (tests, internal IdPs). */
  readonly oidcAllowPrivateIssuers: boolean;
  /** OpenTelemetry tracing; undefined (the default) when off: no SDK is started and nothing is instrumented. */
  readonly tracing: TracingConfig | undefined;
}

/** Raised at boot when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment (empty strings count as unset). */
export function loadConfig(env: Record<string, string | undefined> = process.env): TandemConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const v = parsed.data;
  if (v.NODE_ENV === 'production' && !v.APP_SECRET)
    throw new ConfigError(['APP_SECRET: is required when NODE_ENV=production']);
  if (v.NODE_ENV === 'production' && v.ALLOW_SHORT_DURATIONS === 'true')
    throw new ConfigError(['ALLOW_SHORT_DURATIONS: is for tests and demos; it is refused when NODE_ENV=production']);
  return {
    env: v.NODE_ENV,
    databaseUrl: v.DATABASE_URL,
    databasePooler: v.DATABASE_POOLER,
    redisUrl: v.REDIS_URL,
    queuePrefix: `{${v.QUEUE_PREFIX}}`,
    port: v.PORT,
    host: v.HOST,
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    appSecret: v.APP_SECRET ?? DEV_SECRET,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    workerQueues: v.WORKER_QUEUES,
    workerConcurrency: v.WORKER_CONCURRENCY,
    logLevel: v.LOG_LEVEL,
    logStream: v.LOG_STREAM,
    bodyLimit: v.BODY_LIMIT,
    pageRateLimit: v.PAGE_RATE_LIMIT,
    shutdownGraceMs: v.SHUTDOWN_GRACE,
    jobLockDurationMs: v.JOB_LOCK_DURATION,
    jobStalledIntervalMs: v.JOB_STALLED_INTERVAL,
    jobMaxStalled: v.JOB_MAX_STALLED,
    emailClaimLeaseMs: v.EMAIL_CLAIM_LEASE,
    reconcileEveryMs: v.RECONCILE_EVERY,
    metricsAllowCidrs: v.METRICS_ALLOW_CIDRS,
    redisAllowEviction: v.REDIS_ALLOW_EVICTION === 'true',
    opsOrganizationId: v.OPS_ORGANIZATION_ID,
    allowShortDurations: v.ALLOW_SHORT_DURATIONS === 'true',
    jobTimeLimitMs: v.JOB_TIME_LIMIT,
    webhookRetryBaseMs: v.WEBHOOK_RETRY_BASE,
    webhookAllowPrivateNetworks: v.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
    oidcAllowPrivateIssuers: v.OIDC_ALLOW_PRIVATE_ISSUERS === 'true',
    tracing:
      v.OTEL_SDK_DISABLED === 'true' || v.OTEL_TRACES_EXPORTER === 'none'
        ? undefined
        : {
            exporter: v.OTEL_TRACES_EXPORTER,
            protocol: v.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? v.OTEL_EXPORTER_OTLP_PROTOCOL,
            url:
              v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
            headers: { ...v.OTEL_EXPORTER_OTLP_HEADERS, ...v.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
            serviceName: v.OTEL_SERVICE_NAME,
            sampler: v.OTEL_TRACES_SAMPLER,
            samplerRatio: v.OTEL_TRACES_SAMPLER_ARG,
          },
  };
}
