import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { rawQuery } from '@tandem/domain';
import { jobMetricsKey, renderJobMetrics } from '@tandem/observability';
import { JobProducer, QueueName } from '@tandem/queues';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

async function withTimeout<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /metrics: this api process's HTTP latency and process metrics, plus values read at scrape time that are the same
 * from every api process: queue depths (BullMQ), the outbox backlog and rounds in progress (Postgres), and the job
 * duration and failure counters that every worker adds to in Redis.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'tandem_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly queueJobs = new Gauge({
    name: 'tandem_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  private readonly redisUp = new Gauge({
    name: 'tandem_redis_up',
    help: '1 when the queue Redis answered this scrape.',
    registers: [this.registry],
  });
  private readonly outboxBacklog = new Gauge({
    name: 'tandem_outbox_backlog',
    help: 'Outbox messages waiting to be sent (pending or being sent).',
    registers: [this.registry],
  });
  private readonly outboxOldest = new Gauge({
    name: 'tandem_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest message waiting in the outbox (0 when none).',
    registers: [this.registry],
  });
  private readonly roundsRunning = new Gauge({
    name: 'tandem_rounds_running',
    help: 'Matching rounds queued or running.',
    registers: [this.registry],
  });
  private readonly failuresRecorded = new Gauge({
    name: 'tandem_job_failures_recorded',
    help: 'Jobs recorded as failed for good in the database, by queue.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_api_' });
  }

  /** The whole exposition, in Prometheus text format. */
  async render(): Promise<string> {
    const [jobs] = await Promise.all([this.readQueues(), this.readDatabase()]);
    return (await this.registry.metrics()) + jobs;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Queue depths and the workers' job counters; a Redis that is away gives tandem_redis_up 0, not an error. */
  private async readQueues(): Promise<string> {
    this.queueJobs.reset();
    try {
      for (const name of Object.values(QueueName)) {
        const counts = await withTimeout(this.producer.queue(name).getJobCounts(...QUEUE_STATES));
        for (const state of QUEUE_STATES) this.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
      }
      const client = (await this.producer.queue(QueueName.Maintenance).client) as unknown as {
        hgetall(key: string): Promise<Record<string, string>>;
      };
      const hash = await withTimeout(client.hgetall(jobMetricsKey(this.config.queuePrefix)));
      this.redisUp.set(1);
      return renderJobMetrics(hash);
    } catch {
      this.queueJobs.reset();
      this.redisUp.set(0);
      return '';
    }
  }

  private async readDatabase(): Promise<void> {
    const em = this.em.fork();
    const [outbox] = await rawQuery<{ n: string; age: string | null }>(
      em,
      `select count(*) as n, extract(epoch from now() - min(created_at)) as age from outbox_message where status in ('pending', 'sending')`,
    );
    this.outboxBacklog.set(Number(outbox.n));
    this.outboxOldest.set(Math.max(0, Number(outbox.age ?? 0)));
    // The rounds table arrives with the matching-rounds feature; until then there are no rounds to count.
    const [table] = await rawQuery<{ present: boolean }>(
      em,
      `select to_regclass('matching_round') is not null as present`,
    );
    const rounds = table.present
      ? await rawQuery<{ n: string }>(
          em,
          `select count(*) as n from matching_round where status in ('queued', 'running')`,
        )
      : [{ n: '0' }];
    this.roundsRunning.set(Number(rounds[0].n));
    this.failuresRecorded.reset();
    for (const row of await rawQuery<{ queue: string; n: string }>(
      em,
      `select queue, count(*) as n from job_failure group by queue`,
    )) {
      this.failuresRecorded.set({ queue: row.queue }, Number(row.n));
    }
  }
}
