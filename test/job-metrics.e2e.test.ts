import { randomBytes } from 'node:crypto';
import { JobMetricsBuffer, jobMetricsKey, renderJobMetrics } from '@tandem/observability';
import { freePort } from './support/processes';
import IORedis from 'ioredis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://localhost:6379';

describe('buffered job metrics', () => {
  const prefix = `tandem-test-${randomBytes(5).toString('hex')}`;
  const redis = new IORedis(REDIS_URL);

  afterAll(async () => {
    await redis.del(jobMetricsKey(prefix));
    redis.disconnect();
  });

  it('adds many runs to the shared hash in one flush, and keeps them for the next flush when Redis is away', async () => {
    const buffer = new JobMetricsBuffer();
    for (let i = 0; i < 3; i++) buffer.add({ queue: 'email', job: 'email.send', outcome: 'completed', seconds: 0.2 });
    buffer.add({ queue: 'email', job: 'email.send', outcome: 'failed', seconds: 2 });

    // A Redis nobody listens on: the flush fails and the counts stay buffered.
    const away = new IORedis({
      port: await freePort(),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    away.on('error', () => undefined);
    await expect(buffer.flush(away, prefix)).rejects.toThrow();
    away.disconnect();
    expect(buffer.empty).toBe(false);
    expect(await redis.exists(jobMetricsKey(prefix))).toBe(0);

    await buffer.flush(redis, prefix);
    expect(buffer.empty).toBe(true);
    const text = renderJobMetrics(await redis.hgetall(jobMetricsKey(prefix)));
    expect(text).toContain('tandem_job_duration_seconds_count{queue="email",name="email.send",outcome="completed"} 3');
    expect(text).toContain(
      'tandem_job_duration_seconds_bucket{queue="email",name="email.send",outcome="completed",le="0.25"} 3',
    );
    expect(text).toContain(
      'tandem_job_duration_seconds_bucket{queue="email",name="email.send",outcome="completed",le="0.1"} 0',
    );
    expect(text).toContain('tandem_job_duration_seconds_count{queue="email",name="email.send",outcome="failed"} 1');

    // A second flush adds to what the hash holds (another worker's counts, or this one's next second).
    buffer.add({ queue: 'email', job: 'email.send', outcome: 'completed', seconds: 0.2 });
    await buffer.flush(redis, prefix);
    expect(renderJobMetrics(await redis.hgetall(jobMetricsKey(prefix)))).toContain(
      'tandem_job_duration_seconds_count{queue="email",name="email.send",outcome="completed"} 4',
    );
  });
});
