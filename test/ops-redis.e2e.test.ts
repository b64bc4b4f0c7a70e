import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { JobName, JobProducer, QueueName } from '@tandem/queues';
import { ReconcilerService } from '@tandem/workflows';
import { insertOutbox, PrivateRedis } from './support/ops-support';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

/** Each test here runs its own redis-server: stopping or wiping the machine's shared Redis would break other tests. */
describe('operations: Redis going away (private redis-server, api + worker in process)', () => {
  const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await fn();
    return { value, ms: Date.now() - started };
  };

  describe('a Redis stop and start under a running worker', () => {
    const smtp = new SmtpSink({ parse: false });
    let redis: PrivateRedis;
    let tandem: TestTandem;
    let admin: string;
    let organizationId: string;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      const smtpUrl = await smtp.start();
      tandem = await TestTandem.start({
        env: { REDIS_URL: redis.url, SMTP_URL: smtpUrl, WORKER_QUEUES: 'email,maintenance' },
      });
      ({ apiKey: admin, organizationId } = await tandem.organization());
    });

    afterAll(async () => {
      await redis?.up().catch(() => undefined);
      await tandem?.stop();
      await redis?.destroy();
      await smtp.stop();
    });

    it('answers 503 at once while Redis is down, then loses no job and needs no restart', async () => {
      const em = tandem.get(EntityManager);
      const producer = tandem.get(JobProducer);
      const before = await insertOutbox(em, organizationId, 10, { tag: 'before' });
      // Queued before the outage, due during it: they must survive in Redis and run once it is back.
      await producer.enqueueMany(
        JobName.EmailSend,
        before.map((messageId) => ({ messageId })),
        { delay: 3000 },
      );
      await redis.down();

      const dashboard = await timed(() => tandem.request('GET', '/ops/queues/api/queues', { key: admin }));
      expect(dashboard.value.status).toBe(503);
      expect(dashboard.value.body).toEqual({ code: 'queue_unavailable', message: expect.any(String) });
      expect(dashboard.ms).toBeLessThan(3000);
      const ready = await timed(() => tandem.request('GET', '/ready'));
      expect(ready.value.status).toBe(503);
      expect(ready.value.body.checks.redis.ok).toBe(false);
      expect(ready.ms).toBeLessThan(3000);
      const metrics = await timed(() => tandem.request('GET', '/metrics', { key: admin }));
      expect(metrics.value.status).toBe(200);
      expect(metrics.value.text).toContain('tandem_redis_up 0');
      expect(metrics.ms).toBeLessThan(3000);
      const enqueue = await timed(() =>
        producer.enqueue(JobName.EmailSend, { messageId: before[0] }).then(
          () => 'queued',
          (err: Error) => err.constructor.name,
        ),
      );
      expect(enqueue.value).toBe('QueueUnavailableError');
      expect(enqueue.ms).toBeLessThan(3000);

      // The outage lasts past the worker's first reconnect attempts before Redis comes back.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await redis.up();

      await waitFor(
        async () => (smtp.accepted.length >= 10 ? true : undefined),
        'the 10 delayed emails after Redis came back',
        30_000,
      );
      const after = await insertOutbox(em, organizationId, 5, { tag: 'after' });
      await producer.enqueueMany(
        JobName.EmailSend,
        after.map((messageId) => ({ messageId })),
      );
      await waitFor(
        async () => (smtp.accepted.length >= 15 ? true : undefined),
        '5 more emails on the same worker',
        30_000,
      );
      await tandem.queuesIdle();
      expect(smtp.accepted).toHaveLength(15);
      expect(new Set(smtp.accepted).size).toBe(15);
      expect((await tandem.request('GET', '/ops/queues/api/queues', { key: admin })).status).toBe(200);
      expect((await tandem.request('GET', '/ready')).status).toBe(200);
    });
  });

  describe('after FLUSHALL', () => {
    const smtp = new SmtpSink({ parse: false });
    let redis: PrivateRedis;
    let tandem: TestTandem;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      const smtpUrl = await smtp.start();
      tandem = await TestTandem.start({
        worker: false,
        env: { REDIS_URL: redis.url, SMTP_URL: smtpUrl, WORKER_QUEUES: 'email,maintenance' },
      });
    });

    afterAll(async () => {
      await tandem?.stop();
      await redis?.destroy();
      await smtp.stop();
    });

    it('the reconciler (scheduled at worker boot) restores every pending outbox message, and none is sent twice', async () => {
      const { organizationId } = await tandem.organization();
      const em = tandem.get(EntityManager);
      const pending = await insertOutbox(em, organizationId, 20, { ageSeconds: 120, tag: 'pending' });
      await insertOutbox(em, organizationId, 5, { ageSeconds: 120, status: 'sent', tag: 'sent' });
      await tandem.get(JobProducer).enqueueMany(
        JobName.EmailSend,
        pending.map((messageId) => ({ messageId })),
        { delay: 60_000 },
      );
      expect(await tandem.get(JobProducer).queue(QueueName.Email).getDelayedCount()).toBe(20);

      await redis.command('FLUSHALL');
      expect(await tandem.get(JobProducer).queue(QueueName.Email).getDelayedCount()).toBe(0);

      await tandem.startWorker();
      await waitFor(async () => (smtp.accepted.length >= 20 ? true : undefined), 'the 20 pending emails', 30_000);
      // One reconciler scheduler, however often workers boot.
      await tandem.stopWorker();
      await tandem.startWorker();
      expect(await tandem.get(JobProducer).queue(QueueName.Maintenance).getJobSchedulersCount()).toBe(1);

      expect(await tandem.get(ReconcilerService).reconcile()).toMatchObject({ emails: 0 });
      await tandem.queuesIdle();
      expect(smtp.accepted).toHaveLength(20);
      expect(new Set(smtp.accepted).size).toBe(20);
      expect(smtp.accepted.every((to) => to.startsWith('pending-person'))).toBe(true);
      const statuses = await rawQuery<{ status: string; n: string }>(
        em.fork(),
        `select status, count(*) as n from outbox_message group by status order by status`,
      );
      expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['sent', 25]]);
    });
  });
});
