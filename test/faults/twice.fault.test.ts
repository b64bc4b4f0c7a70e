import { JobName, QUEUE_OF, QueueName } from '@tandem/queues';
import { WEBHOOK_EVENTS } from '@tandem/workflows';
import { type Job, Queue } from 'bullmq';
import { FaultRig } from '../support/fault-rig';
import { linkPath } from '../support/mail-scenario';
import { fixtureCsv, type FixturePerson, offerLink } from '../support/program-fixture';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Fault 7: every job type runs twice with the same payload (as after a lost acknowledgement, or a reconciler pass
 * racing the original job): the end state in Postgres and in the SMTP server is the same as after one run. A whole
 * program runs first (import, round, accept, decline, an offer left to be reminded and to expire, sessions with
 * reminders, closes, feedback reminders, completion); job types that program did not need are then run once with a
 * payload from its rows. Then every completed job is added again under a new job id, so the worker runs it again.
 * A webhook endpoint receives every event, so webhook deliveries run twice too: nothing more is sent.
 */
jest.setTimeout(300_000);

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('every job type run twice with the same payload', () => {
  const smtp = new SmtpSink();
  const receiver = new WebhookReceiver();
  let rig: FaultRig;
  const queues = new Map<QueueName, Queue>();

  beforeAll(async () => {
    await receiver.start();
    rig = await FaultRig.start({
      SMTP_URL: await smtp.start(),
      PAGE_RATE_LIMIT: '1000',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    for (const name of Object.values(QueueName))
      queues.set(
        name,
        new Queue(name, {
          connection: { url: rig.testEnv.config.redisUrl } as never,
          prefix: rig.testEnv.config.queuePrefix,
        }),
      );
  });

  afterAll(async () => {
    for (const queue of queues.values()) await queue.close();
    await rig?.stop();
    await smtp.stop();
    await receiver.stop();
  });

  /**
   * Every table's rows (without updated_at, which records when, not what), as one comparable value. The reconciler's
   * lease is left out: it records which worker ran a pass and until when, and every pass takes it anew.
   */
  const snapshot = async () => {
    const tables = await rig.rows<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'mikro_orm%' and table_name <> 'lease' order by 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = await rig.rows<{ n: string; digest: string | null }>(
        `select count(*) as n, md5(string_agg((to_jsonb(t) - 'updated_at')::text, '|' order by (to_jsonb(t) - 'updated_at')::text)) as digest from "${name}" t`,
      );
      out[name] = `${row.n}:${row.digest}`;
    }
    return out;
  };
  const allJobs = async (states: ('completed' | 'failed' | 'active' | 'waiting' | 'delayed' | 'prioritized')[]) => {
    const jobs: Job[] = [];
    for (const queue of queues.values()) jobs.push(...(await queue.getJobs(states, 0, -1)));
    return jobs;
  };
  /** Waits until no job is pending but the reconciler's next run and jobs due in days (an inactivity check). */
  const quiet = () =>
    waitFor(
      async () => {
        const soon = Date.now() + 60_000;
        const pending = (await allJobs(['active', 'waiting', 'delayed', 'prioritized'])).filter(
          (j) => j.name !== JobName.MaintenanceReconcile && j.timestamp + (j.delay ?? 0) < soon,
        );
        return pending.length === 0 &&
          (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0
          ? true
          : undefined;
      },
      'the queues to be quiet',
      120_000,
      250,
    );
  /** Adds jobs under fresh ids and waits until each has run; answers how many failed. */
  const runAgain = async (jobs: { name: string; data: unknown }[], tag: string) => {
    const added: Job[] = [];
    for (const [i, job] of jobs.entries())
      added.push(
        await queues.get(QUEUE_OF[job.name as JobName])!.add(job.name, job.data, { jobId: `${tag}-${i}`, attempts: 1 }),
      );
    const states = await waitFor(
      async () => {
        const now = await Promise.all(
          added.map((job) => queues.get(QUEUE_OF[job.name as JobName])!.getJobState(job.id!)),
        );
        return now.every((s) => s === 'completed' || s === 'failed') ? now : undefined;
      },
      `${tag}: ${added.length} jobs to run`,
      120_000,
      250,
    );
    return states.filter((s) => s === 'failed').length;
  };

  it('leaves Postgres and the mailbox as one run did', async () => {
    const worker = rig.startWorker();
    await rig.post('/api/v1/webhooks', { url: receiver.url('/twice'), events: [...WEBHOOK_EVENTS] });
    const people: FixturePerson[] = [];
    for (let i = 0; i < 3; i++) {
      people.push({ role: 'coach', email: `coach${i}@twice.example`, name: `Coach ${i}`, capacity: 1 });
      people.push({ role: 'coachee', email: `coachee${i}@twice.example`, name: `Coachee ${i}` });
    }
    const program = await rig.post('/api/v1/programs', {
      name: 'Twice',
      adminEmail: 'admin@twice.example',
      offerTtl: 'PT8S',
      cadence: { interval: 'PT3S', sessions: 2, sessionDuration: 'PT1S', reminderLead: 'PT2S' },
      feedback: { reminderAfter: 'PT3S' },
    });
    await rig.importDone((await rig.post(`/api/v1/programs/${program.id}/imports`, fixtureCsv(people), 'text/csv')).id);
    const round = await rig.post(`/api/v1/programs/${program.id}/rounds`);
    expect(await rig.roundDone(round.id)).toMatchObject({ matched: 3 });
    await rig.post(`/api/v1/rounds/${round.id}/publish`);
    const offers = await waitFor(async () => {
      const mails = smtp.messages.filter((m) => m.subject.startsWith('Coaching offer'));
      return mails.length === 3 ? mails : undefined;
    }, 'the offers');
    const [accept, decline] = offers.map((m) => new URL(offerLink(m.text)).pathname);
    expect((await rig.fetch(`${accept}/accept`, { method: 'POST', headers: form, body: '' })).status).toBe(200);
    expect((await rig.fetch(`${decline}/decline`, { method: 'POST', headers: form, body: 'reason=busy' })).status).toBe(
      200,
    );
    // The accepted pair's coach reports the first session held (coaching nobody held does not complete).
    const coachEmail = offers[0].to[0];
    const request = await waitFor(
      async () =>
        smtp.messages.find((m) => m.to[0] === coachEmail && m.subject.startsWith('Feedback on coaching session 1')),
      'the first feedback request',
      60_000,
    );
    expect(
      (await rig.fetch(linkPath(request.text, 'feedback'), { method: 'POST', headers: form, body: 'attendance=held' }))
        .status,
    ).toBe(200);
    // The third offer is reminded and expires; the accepted pair runs its two sessions to completion.
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from pairing where program_id = ? and status = 'completed'`, [
          program.id,
        ])) === 1
          ? true
          : undefined,
      'the pairing to complete',
      90_000,
      250,
    );
    await waitFor(
      async () =>
        (await rig.count(
          `select count(*) as n from offer o join pairing p on p.id = o.pairing_id where p.program_id = ? and o.decision = 'expired'`,
          [program.id],
        )) >= 1
          ? true
          : undefined,
      'an offer to expire',
      60_000,
      250,
    );
    // An invitation to the questionnaire (intake.send-invitations); its first reminder is days away.
    await rig.post(`/api/v1/programs/${program.id}/invitations`, {
      people: [{ role: 'coachee', name: 'Ines Invited', email: 'invited@twice.example' }],
    });
    await waitFor(
      async () => smtp.messages.find((m) => m.to[0] === 'invited@twice.example'),
      'the invitation email',
      60_000,
    );
    await quiet();

    // Job types the program did not need, once, with payloads from its rows.
    const ran = new Set((await allJobs(['completed'])).map((j) => j.name));
    const [pairing] = await rig.rows<{ id: string }>(
      `select id from pairing where program_id = ? and status = 'completed'`,
      [program.id],
    );
    const [feedback] = await rig.rows<{ id: string }>(
      `select f.id from feedback f join coaching_session s on s.id = f.session_id where s.pairing_id = ? and f.role = 'coachee'`,
      [pairing.id],
    );
    const [coachee] = await rig.rows<{ id: string }>(
      `select coachee_id as id from pairing where program_id = ? and status = 'declined'`,
      [program.id],
    );
    const [invitation] = await rig.rows<{ id: string; remind_at: string | null }>(
      `select id, remind_at from invitation where program_id = ?`,
      [program.id],
    );
    const crafted: Partial<Record<JobName, unknown>> = {
      [JobName.IntakeRemindInvitation]: {
        invitationId: invitation.id,
        reminder: 1,
        dueAt: invitation.remind_at ? new Date(invitation.remind_at).getTime() : 0,
      },
      [JobName.FeedbackAggregate]: { programId: program.id, feedbackId: feedback.id },
      [JobName.FeedbackCheckInactivity]: { pairingId: pairing.id, dueAt: Date.now() },
      [JobName.MatchingRematchCoachee]: { coacheeId: coachee.id, attempt: 1 },
      [JobName.MatchingMatchWaiting]: { programId: program.id, dueAt: Date.now() },
      [JobName.PairingExpireOffers]: { programId: program.id, dueAt: Date.now() },
      [JobName.PairingRemindOffers]: { programId: program.id, dueAt: Date.now() },
      [JobName.MaintenancePing]: { pingId: 'twice' },
    };
    const missing = Object.values(JobName).filter((name) => !ran.has(name));
    expect(missing.filter((name) => !(name in crafted))).toEqual([]);
    expect(
      await runAgain(
        missing.map((name) => ({ name, data: crafted[name] })),
        'once',
      ),
    ).toBe(0);
    await quiet();

    const once = await snapshot();
    const mailsOnce = smtp.messages.length;
    const hooksOnce = receiver.received.length;
    expect(hooksOnce).toBeGreaterThan(10);
    const completed = (await allJobs(['completed'])).filter((j) => !String(j.id).startsWith('again-'));
    expect(new Set(completed.map((j) => j.name))).toEqual(new Set(Object.values(JobName)));
    // One job type at a time, so a difference names the job that caused it.
    const changed: Record<string, unknown> = {};
    let failed = 0;
    let before = once;
    for (const name of Object.values(JobName)) {
      failed += await runAgain(
        completed.filter((j) => j.name === name).map((j) => ({ name: j.name, data: j.data })),
        `again-${name}`,
      );
      await quiet();
      const now = await snapshot();
      const diff = Object.keys(now).filter((table) => now[table] !== before[table]);
      if (diff.length > 0) changed[name] = diff;
      before = now;
    }
    expect(changed).toEqual({});
    expect(failed).toBe(0);
    expect(smtp.messages).toHaveLength(mailsOnce);
    expect(receiver.received).toHaveLength(hooksOnce);
    const perType = new Map<string, number>();
    for (const job of completed) perType.set(job.name, (perType.get(job.name) ?? 0) + 1);
    process.stdout.write(
      `twice: ${completed.length} jobs of ${perType.size} types run again (${[...perType].map(([n, c]) => `${n} ${c}`).join(', ')}); ${mailsOnce} emails, none more; ${hooksOnce} webhook requests, none more\n`,
    );
    await worker.stop('SIGTERM');
  });
});
