import { Queue } from 'bullmq';
import { FaultRig } from '../support/fault-rig';
import { participantCsv } from '../support/participants';
import { PrivatePostgres } from '../support/private-postgres';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Fault 5: PostgreSQL restarts while an import and its 1,000 welcome emails are under way. A private cluster (initdb
 * into a temporary directory, on a free port): the machine's shared server is never restarted. Jobs that lose their
 * connection fail, retry with backoff and finish; the api answers 503 at once while the database is away, never
 * hangs, and serves again by itself. The reconciler's passes that find the database away end quietly: neither the outage
 * nor the worker's graceful stop afterwards leaves a failed job in Redis or a failure record.
 */
jest.setTimeout(300_000);

describe('PostgreSQL restarts under load', () => {
  const smtp = new SmtpSink();
  let pg: PrivatePostgres;
  let rig: FaultRig;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    rig = await FaultRig.start({ DATABASE_URL: pg.url('tandem_pg_fault'), SMTP_URL: await smtp.start() });
  });

  afterAll(async () => {
    await pg?.up().catch(() => undefined);
    await rig?.stop();
    await pg?.destroy();
    await smtp.stop();
  });

  /** One api call, timed; a call that hangs past 5 s counts as a hang (status 0). */
  const probe = async (path: string, key = true): Promise<{ status: number; ms: number; code?: string }> => {
    const started = Date.now();
    try {
      const response = await rig.fetch(path, { headers: key ? rig.headers : {}, signal: AbortSignal.timeout(5000) });
      const body = (await response.json().catch(() => ({}))) as { code?: string };
      return { status: response.status, ms: Date.now() - started, code: body.code };
    } catch {
      return { status: 0, ms: Date.now() - started };
    }
  };

  it('finishes the import and sends every welcome; the api answers 503 meanwhile and recovers by itself', async () => {
    const worker = rig.startWorker();
    const program = await rig.post('/api/v1/programs', { name: 'Postgres under fire' });
    const accepted = await rig.post(
      `/api/v1/programs/${program.id}/imports`,
      participantCsv(1000, 'pg.example'),
      'text/csv',
    );
    await waitFor(
      async () => (smtp.messages.length >= 100 ? true : undefined),
      'the first welcome emails',
      120_000,
      20,
    );

    await pg.down('fast');
    const during: { status: number; ms: number; code?: string }[] = [];
    const outageEnds = Date.now() + 6000;
    while (Date.now() < outageEnds) {
      during.push(
        await probe(`/api/v1/programs/${program.id}`),
        await probe(`/api/v1/imports/${accepted.id}`),
        await probe('/ready', false),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await pg.up();
    const restartedAt = Date.now();
    const recovered = await waitFor(
      async () =>
        (await probe(`/api/v1/programs/${program.id}`)).status === 200 ? Date.now() - restartedAt : undefined,
      'the api to recover',
      60_000,
      100,
    );

    expect(during.length).toBeGreaterThanOrEqual(9);
    expect(during.map((d) => d.status).every((s) => s === 503)).toBe(true);
    expect(
      during.filter((d) => d.code !== undefined).every((d) => d.code === 'unavailable' || d.code === undefined),
    ).toBe(true);
    expect(Math.max(...during.map((d) => d.ms))).toBeLessThan(5000);

    const done = await rig.importDone(accepted.id);
    expect(done).toMatchObject({ status: 'succeeded', rows: 1000 });
    expect(await rig.count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(1000);
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
      'every welcome sent',
      180_000,
      200,
    );
    await rig.queuesIdle();
    const recipients = smtp.messages.map((m) => m.to[0]);
    const counts = new Map<string, number>();
    for (const to of recipients) counts.set(to, (counts.get(to) ?? 0) + 1);
    expect(counts.size).toBe(1000);
    // A message can go out twice only if it was claimed twice: its "sent" mark was lost with the connection.
    const reclaimed = new Set(
      (await rig.rows<{ to: string }>(`select "to" from outbox_message where attempts > 1`)).map((r) => r.to),
    );
    const doubled = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
    expect(doubled.every((to) => reclaimed.has(to))).toBe(true);
    const retryLines = worker.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('job failed, will retry'));
    const retries = retryLines.length;
    expect(retries).toBeGreaterThan(0);
    const retriedJobs = new Set(retryLines.map((line) => /"jobId":"([^"]+)"/.exec(line)?.[1])).size;
    const maxAttempt = Math.max(...retryLines.map((line) => Number(/"attempt":(\d+)/.exec(line)?.[1] ?? 0)));
    process.stdout.write(
      `postgres restart: ${during.length} api calls during the outage, all 503 (slowest ${Math.max(...during.map((d) => d.ms))} ms), recovered ${recovered} ms after restart; ${retries} failed attempts retried (${retriedJobs} jobs, up to attempt ${maxAttempt}); ${doubled.length} of 1000 emails doubled (${reclaimed.size} reclaimed)\n`,
    );
    expect(await worker.stop('SIGTERM')).toBe(0);
    // Nothing went wrong for good: no failure recorded, no failed job left, the reconciler's included.
    expect(await rig.rows(`select job_name, error from job_failure`)).toEqual([]);
    const maintenance = new Queue('maintenance', {
      connection: { url: rig.testEnv.config.redisUrl },
      prefix: rig.testEnv.config.queuePrefix,
    });
    try {
      expect(await maintenance.getFailedCount()).toBe(0);
    } finally {
      await maintenance.close();
    }
  });
});
