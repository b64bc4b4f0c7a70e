import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { JobName, JobProducer, QueueName } from '@tandem/queues';
import { OrganizationsService } from '@tandem/workflows';
import { ApiKeyRole } from '@tandem/domain';
import { insertOutbox } from './support/ops-support';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

describe('operations: queue dashboard, metrics and failed-for-good jobs (api + worker in process)', () => {
  const smtp = new SmtpSink({ reject: /^doomed/, parse: false });
  let tandem: TestTandem;
  let admin: string;
  let operator: string;
  let organizationId: string;
  let failedJobId: string;

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    // This worker serves a subset of the queues (WORKER_QUEUES): the ones these tests put work on.
    tandem = await TestTandem.start({ env: { SMTP_URL: smtpUrl, WORKER_QUEUES: 'email,maintenance' } });
    ({ apiKey: admin, organizationId } = await tandem.organization());
    ({ apiKey: operator } = await tandem.get(OrganizationsService).createApiKey(organizationId, ApiKeyRole.Operator));
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  it('refuses anonymous and bad-key access to the dashboard page, its API and /metrics with 401 JSON', async () => {
    for (const url of ['/ops/queues', '/ops/queues/api/queues', '/metrics']) {
      const anonymous = await tandem.request('GET', url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ code: 'unauthenticated', message: expect.any(String) });
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      expect((await tandem.request('GET', url, { key: 'tdm_not-a-real-key-at-all-000000000000' })).status).toBe(401);
    }
    const forged = await tandem.request('GET', '/ops/queues/api/queues', {
      headers: { cookie: 'tandem_ops=v1.00000000-0000-4000-8000-000000000000.9999999999.forged' },
    });
    expect(forged.status).toBe(401);
    // A browser gets the sign-in form, still with a 401.
    const page = await tandem.request('GET', '/ops/queues', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.text).toContain('action="/ops/login"');
  });

  it('signs an operator in with a form: an httpOnly, SameSite=Strict cookie that holds no key, and that opens the dashboard', async () => {
    const wrong = await tandem.request('POST', '/ops/login', {
      body: 'key=tdm_wrong',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrong.status).toBe(401);
    const signedIn = await tandem.request('POST', '/ops/login', {
      body: `key=${encodeURIComponent(operator)}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/ops/queues');
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(
      /^tandem_ops=v1\.[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/ops; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(operator.slice(4, 20));
    const session = cookie.split(';')[0];
    const page = await tandem.request('GET', '/ops/queues', { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
    const queues = await tandem.request('GET', '/ops/queues/api/queues', { headers: { cookie: session } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(Object.values(QueueName).sort());
    // Tampering with the signature is refused.
    expect(
      (await tandem.request('GET', '/ops/queues/api/queues', { headers: { cookie: session.slice(0, -2) + 'xx' } }))
        .status,
    ).toBe(401);
  });

  it('records a job that fails for good against its subject, counts it, shows it in the dashboard, with no email address anywhere', async () => {
    const [messageId] = await insertOutbox(tandem.get(EntityManager), organizationId, 1, { tag: 'doomed' });
    await tandem.get(JobProducer).enqueue(JobName.EmailSend, { messageId });
    failedJobId = `email-send.${messageId}`;
    const failure = await waitFor(async () => {
      const rows = await rawQuery<any>(
        tandem.get(EntityManager).fork(),
        `select * from job_failure where subject_id = ?`,
        [messageId],
      );
      return rows[0];
    }, 'the failure record');
    expect(failure).toMatchObject({
      queue: 'email',
      job_name: 'email.send',
      job_id: failedJobId,
      subject_type: 'message',
      attempts: 1,
      occurrences: 1,
    });
    expect(failure.error).not.toMatch(/@/);
    const [message] = await rawQuery<{ status: string }>(
      tandem.get(EntityManager).fork(),
      `select status from outbox_message where id = ?`,
      [messageId],
    );
    expect(message.status).toBe('failed');

    const job = await tandem.request('GET', `/ops/queues/api/queues/email/${failedJobId}`, { key: operator });
    expect(job.status).toBe(200);
    expect(job.body.job.failedReason).toBeTruthy();
    expect(JSON.stringify(job.body)).not.toMatch(/doomed-person|@ops\.example/);
    expect(job.body.job.data).toEqual({ messageId });
    const logs = await tandem.request('GET', `/ops/queues/api/queues/email/${failedJobId}/logs`, { key: operator });
    expect(JSON.stringify(logs.body)).toContain(`job_failure ${failure.id}`);

    const metrics = await waitFor(async () => {
      const answer = await tandem.request('GET', '/metrics', { key: operator });
      return answer.text.includes('tandem_jobs_failed_for_good_total{queue="email",name="email.send"} 1')
        ? answer
        : undefined;
    }, 'the failure counter');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/tandem_queue_jobs\{queue="email",state="failed"\} 1/);
    expect(metrics.text).toContain('tandem_job_failures_recorded{queue="email"} 1');
    expect(metrics.text).toMatch(
      /tandem_job_duration_seconds_count\{queue="email",name="email.send",outcome="failed"\} 1/,
    );
  });

  it('lets an operator retry a failed job but not clean, empty or remove; an admin may clean', async () => {
    for (const [method, url] of [
      ['PUT', '/ops/queues/api/queues/email/clean/failed'],
      ['PUT', '/ops/queues/api/queues/email/empty'],
      ['PUT', `/ops/queues/api/queues/email/${failedJobId}/clean`],
      ['PUT', '/ops/queues/api/queues/email/retry/completed'],
      ['PUT', '/ops/queues/api/queues/email/pause'],
    ]) {
      const answer = await tandem.request(method, url, { key: operator });
      expect({ url, status: answer.status }).toEqual({ url, status: 403 });
      expect(answer.body.code).toBe('forbidden');
    }
    const retried = await tandem.request('PUT', `/ops/queues/api/queues/email/${failedJobId}/retry`, { key: operator });
    expect(retried.status).toBe(204);
    // The job runs again; the message is already marked failed, so the sender's database guard skips it.
    const queue = tandem.get(JobProducer).queue(QueueName.Email);
    await waitFor(
      async () => ((await queue.getJobState(failedJobId)) === 'completed' ? true : undefined),
      'the retried job to run',
    );
    // Only failed jobs: an operator cannot re-run a completed one.
    expect(
      (await tandem.request('PUT', `/ops/queues/api/queues/email/${failedJobId}/retry`, { key: operator })).status,
    ).toBe(403);
    const [doomed] = await insertOutbox(tandem.get(EntityManager), organizationId, 1, { tag: 'doomed' });
    await tandem.get(JobProducer).enqueue(JobName.EmailSend, { messageId: doomed });
    await waitFor(async () => ((await queue.getFailedCount()) === 1 ? true : undefined), 'a second failed job');
    expect((await tandem.request('PUT', '/ops/queues/api/queues/email/clean/failed', { key: operator })).status).toBe(
      403,
    );
    expect(await queue.getFailedCount()).toBe(1);
    // bull-board's bulk clean spares jobs younger than a few seconds; an admin's single-job removal is immediate.
    expect(
      (await tandem.request('PUT', '/ops/queues/api/queues/email/clean/failed', { key: admin })).status,
    ).toBeLessThan(300);
    expect(
      (await tandem.request('PUT', `/ops/queues/api/queues/email/email-send.${doomed}/clean`, { key: operator }))
        .status,
    ).toBe(403);
    expect(
      (await tandem.request('PUT', `/ops/queues/api/queues/email/email-send.${doomed}/clean`, { key: admin })).status,
    ).toBeLessThan(300);
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('reports queue depth, outbox backlog and its oldest age, rounds running and HTTP latency per route', async () => {
    await insertOutbox(tandem.get(EntityManager), organizationId, 3, { ageSeconds: 600, status: 'held' });
    await tandem.stopWorker();
    await insertOutbox(tandem.get(EntityManager), organizationId, 2, { ageSeconds: 120 });
    await tandem.request('GET', '/api/v1/programs', { key: admin });
    const metrics = await tandem.request('GET', '/metrics', { key: admin });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('tandem_outbox_backlog 2');
    const oldest = Number(/^tandem_outbox_oldest_pending_age_seconds (\S+)$/m.exec(metrics.text)![1]);
    expect(oldest).toBeGreaterThanOrEqual(119);
    expect(oldest).toBeLessThan(300);
    expect(metrics.text).toContain('tandem_rounds_running 0');
    expect(metrics.text).toContain('tandem_redis_up 1');
    expect(metrics.text).toMatch(
      /tandem_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/programs",status="200"\} [1-9]/,
    );
    for (const state of ['waiting', 'active', 'delayed', 'failed'])
      expect(metrics.text).toContain(`tandem_queue_jobs{queue="matching",state="${state}"} 0`);
  });
});
