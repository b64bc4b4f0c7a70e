import { messageIdOf } from '@tandem/mail';
import { FaultRig } from '../support/fault-rig';
import { participantCsv } from '../support/participants';
import { fixtureCsv, type FixturePerson } from '../support/program-fixture';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Faults: the api and worker run as real processes from the build; the worker is killed with SIGKILL mid-work and
 * started again. BullMQ hands the killed job to the new worker once its lock expires (FAULT_TIMING: 8 s instead of
 * 30 s); the tests check the end state in Postgres and in the SMTP server the test runs.
 */
jest.setTimeout(600_000);

describe('SIGKILL the worker mid-work, then restart it', () => {
  const smtp = new SmtpSink();
  let rig: FaultRig;

  beforeAll(async () => {
    rig = await FaultRig.start({ SMTP_URL: await smtp.start() });
  });

  afterAll(async () => {
    await rig?.stop();
    await smtp.stop();
  });

  it('a 2,000-row import: every enrollment once, each welcome email exactly once', async () => {
    const program = await rig.post('/api/v1/programs', { name: 'Import under fire' });
    let worker = rig.startWorker();
    const accepted = await rig.post(
      `/api/v1/programs/${program.id}/imports`,
      participantCsv(2000, 'kill.example'),
      'text/csv',
    );
    // Kill as soon as the worker has claimed the import: its transaction dies with it.
    await waitFor(
      async () => ((await rig.get(`/api/v1/imports/${accepted.id}`)).status !== 'queued' ? true : undefined),
      'the import to start',
      30_000,
      5,
    );
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
    worker = rig.startWorker();
    const done = await rig.importDone(accepted.id);
    expect(done).toMatchObject({ status: 'succeeded', rows: 2000 });
    expect(await rig.count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(2000);
    await waitFor(
      async () => (smtp.messages.filter((m) => m.to[0].endsWith('@kill.example')).length >= 2000 ? true : undefined),
      '2,000 welcome emails',
      240_000,
      200,
    );
    await rig.queuesIdle();
    const recipients = smtp.messages.filter((m) => m.to[0].endsWith('@kill.example')).map((m) => m.to[0]);
    expect(recipients).toHaveLength(2000);
    expect(new Set(recipients).size).toBe(2000);
    await worker.stop('SIGTERM');
  });

  it('a round: it completes once, with no duplicate proposal', async () => {
    const program = await rig.post('/api/v1/programs', { name: 'Round under fire' });
    let worker = rig.startWorker();
    const accepted = await rig.post(
      `/api/v1/programs/${program.id}/imports`,
      participantCsv(3000, 'round.example'),
      'text/csv',
    );
    await rig.importDone(accepted.id);
    const round = await rig.post(`/api/v1/programs/${program.id}/rounds`);
    await waitFor(
      async () => ((await rig.get(`/api/v1/rounds/${round.id}`)).status === 'running' ? true : undefined),
      'the round to run',
      30_000,
      5,
    );
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
    worker = rig.startWorker();
    const done = await rig.roundDone(round.id);
    expect(done.status).toBe('proposed');
    expect(await rig.count(`select count(*) as n from pairing where round_id = ?`, [round.id])).toBe(done.matched);
    expect(
      await rig.count(
        `select count(*) as n from (select coachee_id from pairing where round_id = ? group by coachee_id having count(*) > 1) d`,
        [round.id],
      ),
    ).toBe(0);
    expect(await rig.count(`select count(*) as n from matching_round where program_id = ?`, [program.id])).toBe(1);
    await worker.stop('SIGTERM');
  });
});

describe('SIGKILL the worker while 200 offer emails go out, then restart it', () => {
  // Each reply is held 150 ms, so a few messages are always in the window between "the server has it" and "the
  // sender marked it sent": the only messages a crash may send twice.
  const smtp = new SmtpSink({ delayMs: 150 });
  let rig: FaultRig;

  beforeAll(async () => {
    // The killed sender's claims outlive the job lock (20 s against 8 s): the re-run jobs find their messages still
    // claimed and must retry until the claims end, not complete with the messages unsent.
    rig = await FaultRig.start({ SMTP_URL: await smtp.start(), EMAIL_CLAIM_LEASE: 'PT20S' });
  });

  afterAll(async () => {
    await rig?.stop();
    await smtp.stop();
  });

  it('sends every offer; duplicates only among the messages in flight at the kill, none among those already reported sent', async () => {
    const people: FixturePerson[] = [];
    for (let i = 0; i < 200; i++)
      people.push({ role: 'coach', email: `coach${i}@offers.example`, name: `Coach ${i}`, capacity: 1 });
    for (let i = 0; i < 200; i++)
      people.push({ role: 'coachee', email: `coachee${i}@offers.example`, name: `Coachee ${i}` });
    const program = await rig.post('/api/v1/programs', { name: 'Offers under fire' });
    let worker = rig.startWorker();
    const accepted = await rig.post(`/api/v1/programs/${program.id}/imports`, fixtureCsv(people), 'text/csv');
    await rig.importDone(accepted.id);
    const launched = await rig.post(`/api/v1/programs/${program.id}/rounds`);
    expect(await rig.roundDone(launched.id)).toMatchObject({ status: 'proposed', matched: 200 });
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
      'the welcome emails',
      120_000,
      200,
    );

    const isOffer = (m: { subject: string }) => m.subject.startsWith('Coaching offer');
    await rig.post(`/api/v1/rounds/${launched.id}/publish`);
    await waitFor(
      async () => (smtp.messages.filter(isOffer).length >= 40 ? true : undefined),
      '40 offers out',
      60_000,
      5,
    );
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
    // The worker is dead: this is the state at the kill.
    const atKill = await rig.rows<{ key: string; status: string }>(
      `select idempotency_key as key, status from outbox_message where idempotency_key like 'offer:%'`,
    );
    const inFlight = new Set(atKill.filter((r) => r.status === 'sending').map((r) => messageIdOf(r.key)));
    const reportedSent = atKill.filter((r) => r.status === 'sent').map((r) => messageIdOf(r.key));
    expect(atKill).toHaveLength(200);
    expect(reportedSent.length).toBeLessThan(200);

    worker = rig.startWorker();
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
      'every offer sent',
      120_000,
      200,
    );
    await rig.queuesIdle();
    const counts = smtp.countsById(isOffer);
    expect([...counts.keys()].sort()).toEqual(atKill.map((r) => messageIdOf(r.key)).sort());
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(duplicated.every((id) => inFlight.has(id))).toBe(true);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    expect(reportedSent.every((id) => counts.get(id) === 1)).toBe(true);
    // Figures for the README's Reliability section.
    process.stdout.write(
      `offers: ${reportedSent.length} reported sent at the kill, ${inFlight.size} in flight, ${duplicated.length} sent twice\n`,
    );
    await worker.stop('SIGTERM');
  });
});
