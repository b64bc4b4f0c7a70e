import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { EmailSender, writeOutbox } from '@tandem/mail';
import { IntakeService } from '@tandem/workflows';
import { CSV_HEADER, participantCsv, participantLine } from './support/participants';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem, type Answer } from './support/tandem';
import { waitFor } from './support/test-env';

describe('participant intake (api + worker in process, real Postgres, Redis and SMTP)', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;
  let programId: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url } });
    ({ apiKey: key } = await tandem.organization());
    const created = await tandem.request('POST', '/api/v1/programs', { key, json: { name: 'Managers 2027' } });
    expect(created.status).toBe(201);
    programId = created.body.id;
  });

  // Three full runs timed this teardown out at jest's 60 s, never alone: TestTandem.stop names a slow step on stderr.
  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  }, 180_000);

  const count = async (table: string) =>
    Number(
      (await rawQuery<{ n: string }>(tandem.get(EntityManager).fork(), `select count(*) as n from ${table}`))[0].n,
    );
  const counts = async () => ({
    person: await count('person'),
    enrollment: await count('enrollment'),
    outbox: await count('outbox_message'),
    imports: await count('import_batch'),
  });
  const finished = (id: string) =>
    waitFor(async () => {
      const answer = await tandem.request('GET', `/api/v1/imports/${id}`, { key });
      return answer.body.status === 'succeeded' || answer.body.status === 'failed' ? (answer as Answer) : undefined;
    }, `import ${id}`);

  it('imports a CSV, then the same file again changes nothing and sends no second welcome', async () => {
    const csv = participantCsv(50, 'first.example');
    const accepted = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key, body: csv });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', rows: 50 });
    const done = await finished(accepted.body.id);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      rows: 50,
      created: 50,
      updated: 0,
      unchanged: 0,
      progress: 1,
      errors: [],
    });
    await waitFor(
      async () => (smtp.messages.filter((m) => m.to[0].endsWith('@first.example')).length === 50 ? true : undefined),
      '50 welcome emails',
    );

    const again = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key, body: csv });
    const second = await finished(again.body.id);
    expect(second.body).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 50 });
    const enrollments = await rawQuery<{ n: string }>(
      tandem.get(EntityManager).fork(),
      `select count(*) as n from enrollment where program_id = ?`,
      [programId],
    );
    expect(Number(enrollments[0].n)).toBe(50);
    await tandem.queuesIdle();
    expect(smtp.messages.filter((m) => m.to[0].endsWith('@first.example'))).toHaveLength(50);
    const welcome = smtp.messages.find((m) => m.to[0] === 'person0@first.example')!;
    expect(welcome.subject).toBe('Welcome to Managers 2027');
    expect(welcome.text).toContain('as a coach');
  });

  it('updates a changed row on re-import and counts it as updated', async () => {
    const lines = [CSV_HEADER, participantLine(1, 'change.example'), participantLine(2, 'change.example')];
    const first = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      body: lines.join('\n'),
    });
    expect((await finished(first.body.id)).body).toMatchObject({ created: 2 });
    lines[2] = lines[2].replace('Person 2', 'Person Two');
    const second = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      body: lines.join('\n'),
    });
    expect((await finished(second.body.id)).body).toMatchObject({
      status: 'succeeded',
      created: 0,
      updated: 1,
      unchanged: 1,
    });
    const [person] = await rawQuery<{ name: string }>(
      tandem.get(EntityManager).fork(),
      `select name from person where email = 'person2@change.example'`,
    );
    expect(person.name).toBe('Person Two');
  });

  it('rejects a batch with bad rows as a whole, listing every error, and writes nothing', async () => {
    const before = await counts();
    const csv = [
      CSV_HEADER,
      participantLine(100, 'bad.example'),
      participantLine(101, 'bad.example').replace('coachee', 'mentor'),
      'coachee,p102@bad.example,P 102,,,,Mars/Olympus,en,,1,1,1,1,1,,',
      participantLine(103, 'bad.example').replace('person103@bad.example', 'not-an-email'),
      'coachee,p104@bad.example,P 104,,,,Europe/Paris,en,,1,9,1,x,1,,',
      participantLine(100, 'bad.example'),
    ].join('\n');
    const answer = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key, body: csv });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('import_invalid');
    const errors = answer.body.details as { row: number; column: string; message: string }[];
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'role' }),
        expect.objectContaining({ row: 4, column: 'timezone' }),
        expect.objectContaining({ row: 5, column: 'email' }),
        expect.objectContaining({ row: 7, column: 'email', message: expect.stringContaining('duplicate') }),
      ]),
    );
    expect(errors.filter((e) => e.row === 6)).toEqual([
      { row: 6, column: 'empathy', message: 'must be a number from 0 to 5' },
      { row: 6, column: 'trust_building', message: 'must be a number from 0 to 5' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('fails an import in the worker when a person is already enrolled in the other role, and writes nothing', async () => {
    const coach = await tandem.request('POST', `/api/v1/programs/${programId}/enrollments`, {
      key,
      json: {
        role: 'coach',
        email: 'Both@Roles.example',
        name: 'Bo Th',
        timezone: 'Europe/Paris',
        languages: ['en'],
        capacity: 2,
        skills: {
          active_listening: 5,
          empathy: 4,
          emotional_intelligence: 4,
          trust_building: 5,
          clear_communication: 3,
        },
      },
    });
    expect(coach.status).toBe(201);
    expect(coach.body).toMatchObject({ role: 'coach', created: true });
    const before = await counts();
    const csv = [
      CSV_HEADER,
      participantLine(201, 'roles.example'),
      'coachee,both@roles.example,Bo Th,,,,Europe/Paris,en,,1,1,1,1,1,,',
    ].join('\n');
    const accepted = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key, body: csv });
    expect(accepted.status).toBe(202);
    const done = await finished(accepted.body.id);
    expect(done.body.status).toBe('failed');
    expect(done.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'role', message: expect.stringContaining('already enrolled') }),
    ]);
    expect(await counts()).toEqual({ ...before, imports: before.imports + 1 });
  });

  it('runs the import job and the email job twice with the same payload: one enrollment, one welcome email each', async () => {
    await tandem.stopWorker();
    try {
      const csv = participantCsv(5, 'twice.example');
      const accepted = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key, body: csv });
      const intake = tandem.get(IntakeService);
      expect(await intake.runImport(accepted.body.id)).toBe('done');
      expect(await intake.runImport(accepted.body.id)).toBe('skipped');
      const messages = await rawQuery<{ id: string }>(
        tandem.get(EntityManager).fork(),
        `select id from outbox_message where "to" like '%@twice.example'`,
      );
      expect(messages).toHaveLength(5);
      const sender = new EmailSender(tandem.get(EntityManager), tandem.testEnv.config);
      try {
        for (const { id } of messages) {
          expect(await sender.send(id)).toBe('sent');
          expect(await sender.send(id)).toBe('skipped');
        }
      } finally {
        sender.onApplicationShutdown();
      }
      // Once its transport is closed (the application shutting down), a send refuses at once instead of waiting on
      // the closed pool for ever, and leaves the message pending, unclaimed, for the next worker.
      const [{ organization_id: organizationId }] = await rawQuery<{ organization_id: string }>(
        tandem.get(EntityManager).fork(),
        `select organization_id from program where id = ?`,
        [programId],
      );
      const [late] = await writeOutbox(tandem.get(EntityManager).fork(), [
        {
          organizationId,
          idempotencyKey: 'closed-transport',
          to: 'late@closed.example',
          subject: 'Late',
          text: 'Late',
        },
      ]);
      await expect(sender.send(late)).rejects.toThrow('the mail transport is closed');
      const [state] = await rawQuery<{ status: string }>(
        tandem.get(EntityManager).fork(),
        `select status::text as status from outbox_message where id = ?`,
        [late],
      );
      expect(state.status).toBe('pending');
    } finally {
      await tandem.startWorker();
    }
    // The queued jobs run now too, and find nothing left to do.
    await tandem.queuesIdle();
    expect(smtp.messages.filter((m) => m.to[0].endsWith('@twice.example'))).toHaveLength(5);
    const [row] = await rawQuery<{ n: string }>(
      tandem.get(EntityManager).fork(),
      `select count(*) as n from enrollment e join person p on p.id = e.person_id where p.email like '%@twice.example'`,
    );
    expect(Number(row.n)).toBe(5);
  });

  it('stops the worker within its grace while welcome emails go out, and the next worker sends the rest, each once', async () => {
    const accepted = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      body: participantCsv(120, 'stop.example'),
    });
    expect(accepted.status).toBe(202);
    const sent = () => smtp.messages.filter((m) => m.to[0].endsWith('@stop.example'));
    await waitFor(async () => (sent().length >= 10 ? true : undefined), 'the first welcomes');
    // The stop starts no new SMTP send (those jobs go back to the queue) and lets the sends in flight finish: every
    // active job ends within the grace, and no message is left claimed.
    expect(await tandem.stopWorker()).toEqual({ drained: true });
    const [claimed] = await rawQuery<{ n: string }>(
      tandem.get(EntityManager).fork(),
      `select count(*) as n from outbox_message where status = 'sending'`,
    );
    expect(Number(claimed.n)).toBe(0);
    expect(sent().length).toBeLessThan(120);
    await tandem.startWorker();
    await waitFor(async () => (sent().length >= 120 ? true : undefined), 'every welcome');
    await tandem.queuesIdle();
    expect(new Set(sent().map((m) => m.to[0])).size).toBe(120);
    expect(sent()).toHaveLength(120);
  });

  it('imports JSON batches and refuses unknown fields', async () => {
    const participant = {
      role: 'coachee',
      email: 'json@example.org',
      name: 'Jay Son',
      timezone: 'Asia/Tokyo',
      skills: { active_listening: 1, empathy: 2, emotional_intelligence: 3, trust_building: 4, clear_communication: 5 },
      goals: 'Listen better',
    };
    const bad = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      json: { participants: [{ ...participant, shoeSize: 44 }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual([
      expect.objectContaining({ row: 1, column: 'shoeSize', message: 'unknown field' }),
    ]);
    const good = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      json: { participants: [participant] },
    });
    expect(good.status).toBe(202);
    expect((await finished(good.body.id)).body).toMatchObject({ status: 'succeeded', created: 1 });
  });
});
