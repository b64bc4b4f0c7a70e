import { acceptedCadence, expectCadenceEmailsOnce, plannedSessions } from '../support/fault-fixtures';
import { FaultRig } from '../support/fault-rig';
import { PrivateRedisCluster } from '../support/redis-cluster';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Redis Cluster: the api and a worker (real processes from the build) run on a cluster of 3 primaries and 3 replicas
 * the test starts (REDIS_URL=redis+cluster://...). A program runs from import to its sessions' reminders and feedback
 * requests; mid-cadence, once every reminder and close is a delayed job, the primary holding Tandem's slot (the
 * hash-tagged prefix puts every key in one) is killed. Its replica takes over, with the jobs it had replicated; the
 * database covers what it had not. Every email goes out once, no job fails for good, and neither process restarts.
 */
jest.setTimeout(300_000);

describe('Redis Cluster: the primary of the queues dies mid-cadence and its replica takes over', () => {
  const smtp = new SmtpSink();
  let cluster: PrivateRedisCluster;
  let rig: FaultRig;

  beforeAll(async () => {
    cluster = await PrivateRedisCluster.start(3);
    rig = await FaultRig.start({ SMTP_URL: await smtp.start(), REDIS_URL: cluster.url, PAGE_RATE_LIMIT: '1000' });
  });

  afterAll(async () => {
    await rig?.stop();
    await cluster?.destroy();
    await smtp.stop();
  });

  it('runs the program flow on the cluster, loses and doubles nothing across the failover', async () => {
    const prefix = rig.testEnv.config.queuePrefix;
    expect(prefix).toMatch(/^\{tandem-test-[0-9a-f]+\}$/);
    const delayedKey = `${prefix}:cadence:delayed`;
    // One slot for everything: the queues' keys and Tandem's own counters hash alike.
    const owner = await cluster.ownerOf(delayedKey);
    expect(await cluster.ownerOf(`${prefix}:email:wait`)).toBe(owner);
    expect(await cluster.ownerOf(`${prefix}:ops:job-metrics`)).toBe(owner);

    const worker = rig.startWorker({ LOG_LEVEL: 'info' });
    await rig.booted(worker);
    const pairs = 3;
    const { programId } = await acceptedCadence(rig, smtp, 'cluster', pairs, {
      cadence: { interval: 'PT20S', sessions: 3, sessionDuration: 'PT1S', reminderLead: 'PT5S' },
      feedback: { reminderAfter: 'P3D' },
    });
    const sessions = await plannedSessions(rig, programId, pairs * 3);
    const delayedBefore = await waitFor(
      async () => {
        const delayed = Number(await cluster.call(owner, 'ZCARD', delayedKey));
        return delayed >= pairs * 3 * 2 ? delayed : undefined;
      },
      'every reminder and close as a delayed job on the owning primary',
      10_000,
      100,
    );

    await cluster.kill(owner);
    const killedAt = Date.now();
    // While the slot has no primary the api is not ready (503, never 500), and is ready again without a restart.
    const readyStatuses = new Set<number>();
    let failoverMs = 0;
    const watching = (async () => {
      for (;;) {
        const response = await rig.fetch('/ready').catch(() => undefined);
        if (response) readyStatuses.add(response.status);
        if ((response?.status === 200 && failoverMs > 0) || Date.now() - killedAt > 60_000) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const promoted = await cluster.failedOver(delayedKey, owner);
    failoverMs = Date.now() - killedAt;
    expect(promoted).not.toBe(owner);
    // The replica had the delayed jobs: the cadence goes on from Redis, not only from the reconciler.
    expect(Number(await cluster.call(promoted, 'ZCARD', delayedKey))).toBeGreaterThan(0);

    const sent = await expectCadenceEmailsOnce(rig, smtp, sessions, 150_000);
    await watching;
    expect(await rig.rows(`select job_name, error from job_failure`)).toEqual([]);
    expect([...readyStatuses].sort()).toEqual([200, 503]);
    expect((await rig.fetch('/ready')).status).toBe(200);

    // The api reads the queues and the workers' counters from the new primary.
    const metrics = await (await rig.request('/metrics')).text();
    expect(metrics).toContain('tandem_redis_up 1');
    expect(metrics).toMatch(
      /tandem_job_duration_seconds_count\{queue="email",name="email.send",outcome="completed"\} [1-9]/,
    );
    for (const queue of ['intake', 'matching', 'pairing', 'cadence', 'feedback', 'email'])
      expect(metrics).toContain(`tandem_queue_jobs{queue="${queue}",state="failed"} 0`);
    expect(worker.child.exitCode).toBeNull();
    expect(rig.api.child.exitCode).toBeNull();
    process.stdout.write(
      `redis cluster: primary ${owner} killed with ${delayedBefore} delayed cadence jobs, replica ${promoted} took over after ${failoverMs} ms; ` +
        `/ready answered ${[...readyStatuses].join(', ')}; ${sent} reminders and requests sent once\n`,
    );
    // A graceful stop ends the process even if a cluster connection would not close.
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
