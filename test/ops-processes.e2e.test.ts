import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, rawQuery } from '@tandem/domain';
import { JOB_ID, JobName, QueueName } from '@tandem/queues';
import { Queue } from 'bullmq';
import { participantCsv } from './support/participants';
import { insertOutbox, PrivateRedis } from './support/ops-support';
import { runCli, TandemProcess } from './support/processes';
import { SmtpSink } from './support/smtp-sink';
import { createTestEnv, type TestEnv, waitFor } from './support/test-env';

/** The JSON log lines a process wrote (every line it writes to stdout is one). */
function logLines(process: TandemProcess): Record<string, any>[] {
  return process.output
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('operations: real api and worker processes from the build', () => {
  let env: TestEnv;
  let orm: MikroORM;
  let organizationId: string;
  const em = () => orm.em.fork() as EntityManager;

  beforeAll(async () => {
    env = await createTestEnv();
    orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
    organizationId = runCli(['org:create', '--name', 'Ops Inc'], env.env).json.organizationId;
  });

  afterAll(async () => {
    await orm?.close();
    await env?.destroy();
  });

  describe('Redis maxmemory-policy', () => {
    let redis: PrivateRedis;
    beforeAll(async () => {
      redis = await PrivateRedis.start(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    });
    afterAll(async () => redis?.destroy());

    it('the worker refuses to boot on a Redis that may evict jobs, unless REDIS_ALLOW_EVICTION=true', async () => {
      const refused = new TandemProcess('worker', { ...env.env, REDIS_URL: redis.url, LOG_LEVEL: 'info' });
      expect(await refused.exited).toBe(1);
      expect(refused.output.join('')).toMatch(/maxmemory-policy is allkeys-lru.*noeviction/);
      expect(refused.output.join('')).not.toContain('tandem worker started');

      const allowed = new TandemProcess('worker', {
        ...env.env,
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
        REDIS_ALLOW_EVICTION: 'true',
        WORKER_QUEUES: 'email',
      });
      await waitFor(
        async () => (allowed.output.join('').includes('tandem worker started') ? true : undefined),
        'the worker to start',
      );
      expect(logLines(allowed).some((l) => l.level === 'warn' && l.policy === 'allkeys-lru')).toBe(true);
      const code = await allowed.stop('SIGTERM');
      if (code !== 0 && code !== 'SIGTERM') console.log(allowed.output.join('').slice(-3000));
      expect([0, 'SIGTERM']).toContain(code);
    });
  });

  describe('SIGTERM during a job', () => {
    const enqueueEmail = async (messageId: string) => {
      const queue = new Queue(QueueName.Email, {
        connection: { url: env.config.redisUrl } as never,
        prefix: env.config.queuePrefix,
      });
      try {
        await queue.add(
          JobName.EmailSend,
          { messageId },
          { jobId: JOB_ID[JobName.EmailSend]({ messageId }), attempts: 3 },
        );
      } finally {
        await queue.close();
      }
    };
    const statusOf = async (id: string) =>
      (await rawQuery<{ status: string }>(em(), `select status from outbox_message where id = ?`, [id]))[0].status;

    it('lets the active job finish within the grace period, then exits', async () => {
      const smtp = new SmtpSink({ delayMs: 2500, parse: false });
      const smtpUrl = await smtp.start();
      const worker = new TandemProcess('worker', {
        ...env.env,
        SMTP_URL: smtpUrl,
        LOG_LEVEL: 'info',
        WORKER_QUEUES: 'email',
        SHUTDOWN_GRACE: 'PT20S',
      });
      try {
        await waitFor(
          async () => (worker.output.join('').includes('tandem worker started') ? true : undefined),
          'the worker to start',
        );
        const [messageId] = await insertOutbox(em(), organizationId, 1, { tag: 'sigterm' });
        await enqueueEmail(messageId);
        await waitFor(async () => (smtp.started.length === 1 ? true : undefined), 'the email to be in flight');
        expect(smtp.accepted).toHaveLength(0);
        const started = Date.now();
        expect(await worker.stop('SIGTERM')).toBe(0);
        expect(Date.now() - started).toBeGreaterThan(1000);
        expect(smtp.accepted).toHaveLength(1);
        expect(await statusOf(messageId)).toBe('sent');
        const lines = logLines(worker);
        expect(lines.find((l) => l.msg === 'job completed')).toMatchObject({
          jobId: `email-send.${messageId}`,
          job: 'email.send',
          queue: 'email',
          outcome: 'completed',
        });
        expect(lines.find((l) => l.msg === 'worker stopped')).toMatchObject({ drained: true });
      } finally {
        await worker.stop('SIGKILL');
        await smtp.stop();
      }
    });

    it('stops waiting after the grace period and leaves the job to be retried', async () => {
      const smtp = new SmtpSink({ delayMs: 8000, parse: false });
      const smtpUrl = await smtp.start();
      const worker = new TandemProcess('worker', {
        ...env.env,
        SMTP_URL: smtpUrl,
        LOG_LEVEL: 'info',
        WORKER_QUEUES: 'email',
        SHUTDOWN_GRACE: 'PT0.5S',
      });
      try {
        await waitFor(
          async () => (worker.output.join('').includes('tandem worker started') ? true : undefined),
          'the worker to start',
        );
        const [messageId] = await insertOutbox(em(), organizationId, 1, { tag: 'grace' });
        await enqueueEmail(messageId);
        await waitFor(async () => (smtp.started.length === 1 ? true : undefined), 'the email to be in flight');
        const started = Date.now();
        await worker.stop('SIGTERM');
        expect(Date.now() - started).toBeLessThan(5000);
        expect(smtp.accepted).toHaveLength(0);
        // Still claimed, not sent: the claim's lease expires and the reconciler or a stalled-job retry sends it.
        expect(await statusOf(messageId)).toBe('sending');
        expect(logLines(worker).find((l) => l.msg === 'worker stopped')).toMatchObject({ drained: false });
      } finally {
        await worker.stop('SIGKILL');
        await smtp.stop();
      }
    });
  });

  describe('logs', () => {
    const smtp = new SmtpSink();
    let api: TandemProcess;
    let worker: TandemProcess;

    afterAll(async () => {
      await api?.stop('SIGKILL');
      await worker?.stop('SIGKILL');
      await smtp.stop();
    });

    it('write one JSON line per request and per job, with ids and no emails, names, tokens or keys', async () => {
      await smtp.start();
      const processEnv = {
        ...env.env,
        PORT: '0',
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'info',
        WORKER_QUEUES: 'intake,email,maintenance',
      };
      api = new TandemProcess('api', processEnv);
      worker = new TandemProcess('worker', processEnv);
      const base = `http://127.0.0.1:${await api.listeningPort()}`;
      await waitFor(async () => {
        try {
          return (await fetch(`${base}/ready`)).status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      }, 'the api to be ready');
      const { apiKey } = runCli(['org:create', '--name', 'Logs Ltd'], processEnv).json;
      const headers = { authorization: `Bearer ${apiKey}` };
      const program: any = await (
        await fetch(`${base}/api/v1/programs`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Logged' }),
        })
      ).json();
      const accepted = await fetch(`${base}/api/v1/programs/${program.id}/imports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: participantCsv(5, 'logs.example'),
      });
      expect(accepted.status).toBe(202);
      await waitFor(async () => (smtp.messages.length >= 5 ? true : undefined), '5 welcome emails');
      const token = 'SeCrEtOfFeRtOkEn0123456789abcdef';
      await fetch(`${base}/offers/${token}?email=person1@logs.example`);
      await fetch(`${base}/api/v1/programs?token=${token}`, { headers });
      await fetch(`${base}/api/v1/programs`, { headers: { authorization: 'Bearer tdm_wrongwrongwrongwrongwrong' } });
      expect([0, 'SIGTERM']).toContain(await api.stop('SIGTERM'));
      expect([0, 'SIGTERM']).toContain(await worker.stop('SIGTERM'));

      const all = [...api.output, ...worker.output].join('');
      for (const secret of [
        '@logs.example',
        'Person 1',
        'Person 2',
        apiKey,
        apiKey.slice(4, 20),
        token,
        'tdm_wrongwrong',
        'Bearer',
      ]) {
        expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
      }
      const apiLines = logLines(api);
      const requests = apiLines.filter((l) => l.msg === 'request' || l.msg === 'request failed');
      for (const line of requests)
        expect(line).toMatchObject({
          service: 'api',
          reqId: expect.any(String),
          method: expect.any(String),
          route: expect.any(String),
          status: expect.any(Number),
          ms: expect.any(Number),
        });
      expect(requests.find((l) => l.method === 'POST' && l.route === '/api/v1/programs/:id/imports')).toMatchObject({
        status: 202,
        organizationId: expect.any(String),
      });
      expect(requests.some((l) => typeof l.route === 'string' && l.route.startsWith('/offers/:'))).toBe(true);
      expect(requests.find((l) => l.status === 401)).toBeDefined();
      const jobs = logLines(worker).filter((l) => l.msg === 'job completed');
      expect(jobs.find((l) => l.job === 'intake.import-batch')).toMatchObject({
        service: 'worker',
        jobId: expect.any(String),
        queue: 'intake',
        ms: expect.any(Number),
        outcome: 'completed',
      });
      expect(jobs.filter((l) => l.job === 'email.send')).toHaveLength(5);
      // Every line on stdout is JSON.
      for (const chunk of [...api.output, ...worker.output]
        .join('')
        .split('\n')
        .filter((l) => l.trim()))
        expect(() => JSON.parse(chunk)).not.toThrow();
    });
  });
});
