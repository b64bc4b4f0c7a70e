import { FaultRig } from '../support/fault-rig';
import { PrivateRedis } from '../support/ops-support';
import { acceptedCadence, expectCadenceEmailsOnce, plannedSessions } from '../support/fault-fixtures';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Fault 4: Redis stops in the middle of a cadence and comes back empty. Every delayed reminder and session close was
 * a job in Redis; the database still says what is due, and the reconciler (which the worker schedules again once it
 * finds its scheduler gone) must re-create each, so every reminder and feedback request goes out, once. A private
 * redis-server: the shared one is never stopped or wiped.
 */
jest.setTimeout(300_000);

describe('Redis stops mid-cadence and comes back empty (FLUSHALL)', () => {
  const smtp = new SmtpSink();
  let redis: PrivateRedis;
  let rig: FaultRig;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    rig = await FaultRig.start({ SMTP_URL: await smtp.start(), REDIS_URL: redis.url, PAGE_RATE_LIMIT: '1000' });
  });

  afterAll(async () => {
    await rig?.stop();
    await redis?.destroy();
    await smtp.stop();
  });

  it('sends every due session reminder and feedback request once', async () => {
    const worker = rig.startWorker();
    const pairs = 3;
    const { programId } = await acceptedCadence(rig, smtp, 'cadence', pairs, {
      cadence: { interval: 'PT20S', sessions: 3, sessionDuration: 'PT1S', reminderLead: 'PT5S' },
      feedback: { reminderAfter: 'P3D' },
    });
    const sessions = await plannedSessions(rig, programId, pairs * 3);

    // Each session's reminder and close become delayed jobs in Redis just after its planning commits, the first due in
    // about 15 s: wait for all of them (counting at once, a loaded run once found 7 of the 18 still being added).
    // Redis then goes away, and returns empty.
    const delayedBefore = await waitFor(
      async () => {
        const delayed = Number(await redis.command('ZCARD', `${rig.testEnv.config.queuePrefix}:cadence:delayed`));
        return delayed >= pairs * 3 * 2 ? delayed : undefined;
      },
      'every reminder and close as a delayed job',
      10_000,
      100,
    );
    await redis.down();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await redis.up();
    // The worker reconnects first (and finds its data back from the append-only file); then everything is wiped under
    // it. A worker that only re-scheduled the reconciler on reconnection would never see this second loss.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.command('FLUSHALL');
    expect(Number(await redis.command('DBSIZE'))).toBeLessThanOrEqual(20);
    const wipedAt = Date.now();

    // The worker finds its scheduler gone and re-creates the delayed jobs of what is due later, each with the delay
    // left: the last session's close (about 40 s away) is a delayed job again within seconds, due at its close time,
    // not re-created only once due (and then up to RECONCILE_EVERY late).
    const [last] = await rig.rows<{ id: string; sequence: number; close_at: Date }>(
      `select s.id, s.sequence, s.ends_at + least(interval '1 hour', s.ends_at - s.starts_at) as close_at
         from coaching_session s where s.id = any(?) order by s.ends_at desc limit 1`,
      [sessions.map((s) => s.id)],
    );
    expect(new Date(last.close_at).getTime()).toBeGreaterThan(Date.now() + 15_000);
    const closeKey = `${rig.testEnv.config.queuePrefix}:cadence:close-session.${last.id}.${last.sequence}`;
    const restored = await waitFor(
      async () => {
        const [timestamp, delay] = (await redis.command('HMGET', closeKey, 'timestamp', 'delay')) as (string | null)[];
        return timestamp && delay ? Number(timestamp) + Number(delay) : undefined;
      },
      "the last session's close to be a delayed job again",
      10_000,
      100,
    );
    const restoredMs = Date.now() - wipedAt;
    expect(Math.abs(restored - new Date(last.close_at).getTime())).toBeLessThan(1500);

    const sent = await expectCadenceEmailsOnce(rig, smtp, sessions);
    process.stdout.write(
      `redis wipe: ${delayedBefore} delayed cadence jobs lost, re-created ${restoredMs} ms after the wipe; ${sent} reminders and requests sent once\n`,
    );
    await worker.stop('SIGTERM');
  });
});
