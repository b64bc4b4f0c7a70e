import { FaultRig } from '../support/fault-rig';
import { participantCsv } from '../support/participants';
import { runCli } from '../support/processes';
import { PrivateRedisCluster } from '../support/redis-cluster';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * A Redis Cluster as a managed service runs it: TLS on every connection (clients, replication, cluster bus) with a
 * certificate from a private CA, and a password. Tandem needs only REDIS_URL=rediss+cluster://:password@seeds and the
 * CA (NODE_EXTRA_CA_CERTS, read by Node itself); a wrong password stops the worker at boot with Redis's own words.
 */
jest.setTimeout(240_000);

describe('Redis Cluster over TLS with a password', () => {
  const smtp = new SmtpSink();
  let cluster: PrivateRedisCluster;
  let rig: FaultRig;

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start(3, { tls: { password: 'cluster pass/word' } });
    rig = await FaultRig.start({
      SMTP_URL: await smtp.start(),
      REDIS_URL: cluster.url,
      NODE_EXTRA_CA_CERTS: cluster.caFile,
    });
  });

  afterAll(async () => {
    await rig?.stop();
    await cluster?.destroy();
    await smtp.stop();
  });

  it('imports a program and sends its welcome emails once, through the TLS cluster', async () => {
    expect(cluster.url).toMatch(/^rediss\+cluster:\/\/:cluster%20pass%2Fword@127\.0\.0\.1:\d+,/);
    const ready = (await (await rig.fetch('/ready')).json()) as { checks: { redis: unknown } };
    expect(ready.checks.redis).toEqual({ ok: true });
    const worker = rig.startWorker({ LOG_LEVEL: 'info' });
    await rig.booted(worker);
    const ping = runCli(['worker:ping', '--timeout', '30'], rig.processEnv);
    expect(ping.status).toBe(0);
    expect(ping.json.ok).toBe(true);

    const program = await rig.post('/api/v1/programs', { name: 'Over TLS' });
    const done = await rig.importDone(
      (await rig.post(`/api/v1/programs/${program.id}/imports`, participantCsv(200, 'tls.example'), 'text/csv')).id,
    );
    expect(done).toMatchObject({ status: 'succeeded', rows: 200 });
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
      'the welcome emails',
      120_000,
      200,
    );
    const recipients = smtp.messages.filter((m) => m.to[0].endsWith('@tls.example')).map((m) => m.to[0]);
    expect(recipients).toHaveLength(200);
    expect(new Set(recipients).size).toBe(200);
    // The job counters reached the cluster: /metrics reads them back.
    await waitFor(
      async () => {
        const metrics = await (await rig.request('/metrics')).text();
        return /tandem_job_duration_seconds_count\{queue="email",name="email.send",outcome="completed"\} 200\b/.test(
          metrics,
        )
          ? true
          : undefined;
      },
      'the email job counters in /metrics',
      10_000,
      200,
    );
    expect(await worker.stop('SIGTERM')).toBe(0);
  });

  it('refuses to start a worker with a wrong password, saying so', async () => {
    const wrong = cluster.url.replace(/:cluster%20pass%2Fword@/, ':not-it@');
    const worker = rig.startWorker({ REDIS_URL: wrong });
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      worker.exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 60_000))),
    ]);
    clearTimeout(timer);
    if (code === 'still running') await worker.stop('SIGKILL');
    expect(code).toBe(1);
    expect(worker.output.join('')).toMatch(/WRONGPASS|invalid username-password|NOAUTH/i);
  });
});
