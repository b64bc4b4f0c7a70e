import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('serves a local Postgres and Redis with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@localhost:5432/tandem',
      redisUrl: 'redis://localhost:6379',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      bodyLimit: 10 * 1024 * 1024,
      workerQueues: ['intake', 'matching', 'pairing', 'cadence', 'feedback', 'email', 'webhooks', 'maintenance'],
    });
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'eighty', WORKER_QUEUES: 'email,bogus', PUBLIC_URL: 'not a url' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DATABASE_URL', 'PORT', 'WORKER_QUEUES', 'PUBLIC_URL']) expect(message).toContain(name);
    expect(message).toContain('bogus');
  });

  it('reads a queue subset, byte sizes and trims the public URL', () => {
    const config = loadConfig({
      WORKER_QUEUES: ' matching , email ',
      BODY_LIMIT: '2mb',
      PUBLIC_URL: 'https://tandem.example.com/',
    });
    expect(config.workerQueues).toEqual(['matching', 'email']);
    expect(config.bodyLimit).toBe(2 * 1024 * 1024);
    expect(config.publicUrl).toBe('https://tandem.example.com');
  });

  it('allows short program durations only outside production, and reads the job time limit', () => {
    expect(loadConfig({}).allowShortDurations).toBe(false);
    expect(loadConfig({ ALLOW_SHORT_DURATIONS: 'true' }).allowShortDurations).toBe(true);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', APP_SECRET: 'a-long-enough-secret', ALLOW_SHORT_DURATIONS: 'true' }),
    ).toThrow(/ALLOW_SHORT_DURATIONS/);
    expect(loadConfig({}).jobTimeLimitMs).toBe(600_000);
    expect(loadConfig({ JOB_TIME_LIMIT: 'PT2S' }).jobTimeLimitMs).toBe(2000);
    expect(() => loadConfig({ JOB_TIME_LIMIT: 'soon' })).toThrow(/JOB_TIME_LIMIT/);
  });

  it('requires APP_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/APP_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', APP_SECRET: 'a-long-enough-secret' }).appSecret).toBe(
      'a-long-enough-secret',
    );
  });

  it('reads the operations settings: grace period, metrics networks, eviction override, ops organization', () => {
    expect(loadConfig({})).toMatchObject({
      jobLockDurationMs: 30_000,
      jobStalledIntervalMs: 30_000,
      jobMaxStalled: 3,
      emailClaimLeaseMs: 120_000,
      reconcileEveryMs: 60_000,
    });
    expect(loadConfig({ JOB_MAX_STALLED: '10' }).jobMaxStalled).toBe(10);
    expect(() => loadConfig({ JOB_MAX_STALLED: '0' })).toThrow(/JOB_MAX_STALLED/);
    expect(
      loadConfig({
        JOB_LOCK_DURATION: 'PT5S',
        JOB_STALLED_INTERVAL: 'PT2S',
        EMAIL_CLAIM_LEASE: 'PT10S',
        RECONCILE_EVERY: 'PT3S',
      }),
    ).toMatchObject({
      reconcileEveryMs: 3000,
      jobLockDurationMs: 5000,
      jobStalledIntervalMs: 2000,
      emailClaimLeaseMs: 10_000,
    });
    expect(loadConfig({})).toMatchObject({
      shutdownGraceMs: 25_000,
      metricsAllowCidrs: [],
      redisAllowEviction: false,
      opsOrganizationId: undefined,
    });
    const config = loadConfig({
      SHUTDOWN_GRACE: 'PT1M',
      METRICS_ALLOW_CIDRS: '10.0.0.0/8, 127.0.0.1 ,::1/128',
      REDIS_ALLOW_EVICTION: 'true',
      OPS_ORGANIZATION_ID: '0b6c6c1e-6a57-4c39-9d2c-3c8a1f3e2b10',
    });
    expect(config).toMatchObject({
      shutdownGraceMs: 60_000,
      metricsAllowCidrs: ['10.0.0.0/8', '127.0.0.1', '::1/128'],
      redisAllowEviction: true,
    });
    let error: unknown;
    try {
      loadConfig({
        SHUTDOWN_GRACE: '25000',
        METRICS_ALLOW_CIDRS: '10.0.0.0/33,example.com',
        REDIS_ALLOW_EVICTION: 'yes',
        OPS_ORGANIZATION_ID: 'acme',
      });
    } catch (err) {
      error = err;
    }
    const message = (error as Error).message;
    for (const name of [
      'SHUTDOWN_GRACE',
      'METRICS_ALLOW_CIDRS',
      'REDIS_ALLOW_EVICTION',
      'OPS_ORGANIZATION_ID',
      '10.0.0.0/33',
      'example.com',
    ])
      expect(message).toContain(name);
  });

  it('keeps tracing off unless OTEL_TRACES_EXPORTER names an exporter, and reads the OTLP variables', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toEqual({
      exporter: 'otlp',
      protocol: 'http/protobuf',
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      serviceName: undefined,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
    const tracing = loadConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example.com:4318/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=tandem, authorization=Bearer%20abc',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=coaching',
      OTEL_SERVICE_NAME: 'tandem-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toMatchObject({
      protocol: 'http/json',
      url: 'https://collector.example.com:4318/v1/traces',
      serviceName: 'tandem-eu',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
    expect(tracing?.headers).toEqual({ 'x-team': 'coaching', authorization: 'Bearer abc' });
    expect(
      loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/custom' })
        .tracing?.url,
    ).toBe('http://jaeger:4318/custom');
    let error: unknown;
    try {
      loadConfig({
        OTEL_TRACES_EXPORTER: 'jaeger',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317',
        OTEL_EXPORTER_OTLP_HEADERS: 'secret-without-key',
        OTEL_TRACES_SAMPLER_ARG: '2',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      'OTEL_TRACES_EXPORTER',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_TRACES_SAMPLER_ARG',
    ])
      expect(message).toContain(name);
    expect(message).not.toContain('secret-without-key');
  });
});
