import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { JOB_ID, JobName, JobProducer, QueueName } from '@tandem/queues';
import { InvitationsService, restoreInvitations, sweepInvitations } from '@tandem/workflows';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { roundDone } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const DAY = 86_400_000;
/** The per-client limit of the token pages in this file (low, so the rate test is short). */
const RATE_LIMIT = 30;
const SKILLS = [
  { key: 'listening', label: 'Listening', weight: 1 },
  { key: 'feedback', label: 'Feedback', weight: 1 },
];

/** The questionnaire link in an email text. */
function questionnaireLink(text: string): string {
  const match = /https?:\/\/\S+(\/questionnaire\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no questionnaire link in: ${text}`);
  return match[1];
}

/** A complete coachee questionnaire as a browser posts it (urlencoded), with `overrides`. */
function coacheeForm(overrides: Record<string, string | string[]> = {}): string {
  const fields: Record<string, string | string[]> = {
    name: 'Ana Lima',
    timezone: 'Europe/Lisbon',
    languages: 'pt, en',
    days: ['tue', 'thu'],
    from: '9',
    to: '12',
    skill_listening: '1',
    skill_feedback: '4',
    goals: 'Give clear feedback to my team',
    preferences: 'Someone who has led engineers',
    ...overrides,
  };
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  return form.toString();
}

function coachForm(overrides: Record<string, string | string[]> = {}): string {
  const fields: Record<string, string | string[]> = {
    name: 'Kenji Mori',
    timezone: 'Europe/Berlin',
    languages: 'en',
    days: ['wed'],
    from: '14',
    to: '17',
    skill_listening: '5',
    skill_feedback: '5',
    capacity: '2',
    bio: 'Led three engineering teams.',
    ...overrides,
  };
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  return form.toString();
}

describe('invitations and the questionnaire (api + worker in process, real Postgres, Redis and SMTP)', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url, PAGE_RATE_LIMIT: String(RATE_LIMIT) } });
    ({ apiKey: key } = await tandem.organization('Acme'));
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  }, 180_000);

  const em = () => tandem.get(EntityManager).fork();
  const one = async <T>(sql: string, params: unknown[] = []) => (await rawQuery<T>(em(), sql, params))[0];
  const post = (path: string, form: string) =>
    tandem.request('POST', path, { body: form, contentType: 'application/x-www-form-urlencoded' });

  async function program(name: string): Promise<string> {
    const created = await tandem.request('POST', '/api/v1/programs', { key, json: { name, skills: SKILLS } });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const mailTo = (email: string, subject: RegExp) =>
    waitFor(async () => smtp.messages.find((m) => m.to.includes(email) && subject.test(m.subject)), `mail to ${email}`);
  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

  /** The rows a questionnaire's GET must not change, as text. */
  const snapshot = async (programId: string) =>
    JSON.stringify(
      await rawQuery(
        em(),
        `select (select json_agg(x order by x.email) from (select email, name, role, invited_at, submitted_at, answers, reminders_sent, remind_at, extra_reminders from invitation where program_id = ?) x) as invitations,
                (select count(*) from enrollment where program_id = ?) as enrollments,
                (select count(*) from person) as people,
                (select count(*) from outbox_message) as outbox,
                (select count(*) from audit_event) as audit`,
        [programId, programId],
      ),
    );

  it('invites a roster, sends each one invitation, and takes, refuses and changes answers until the person is matched', async () => {
    const programId = await program('Leaders 2027');

    // A roster with a mistake in every row: 422 with each row's problem, nobody invited.
    const bad = await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      body: 'role,name,email\nboss,Ana Lima,ana@acme.test\ncoachee,,no-at-sign\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 2, column: 'role' }),
        expect.objectContaining({ row: 3, column: 'name' }),
        expect.objectContaining({ row: 3, column: 'email' }),
      ]),
    );
    expect(await one<{ n: number }>(`select count(*)::int as n from invitation`)).toEqual({ n: 0 });

    const csv = await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      body: 'role,name,email\ncoachee,Ana Lima,Ana@Acme.test\ncoach,Kenji Mori,kenji@acme.test\n',
    });
    expect(csv.status).toBe(202);
    expect(csv.body).toEqual({ invited: 2, alreadyInvited: 0 });
    const json = await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      json: {
        people: [
          { role: 'coachee', name: 'Ana Lima', email: 'ana@acme.test' },
          { role: 'coachee', name: 'Bo Berg', email: 'bo@acme.test', locale: 'de' },
        ],
      },
    });
    expect(json.body).toEqual({ invited: 1, alreadyInvited: 1 });

    const invitation = await mailTo('ana@acme.test', /questionnaire/);
    expect(invitation.subject).toBe('Your questionnaire for Leaders 2027');
    expect(invitation.text).toContain('as a coachee');
    const german = await mailTo('bo@acme.test', /Fragebogen/);
    expect(german.subject).toBe('Ihr Fragebogen für Leaders 2027');
    await mailTo('kenji@acme.test', /questionnaire/);
    await tandem.queuesIdle();
    expect(mailsTo('ana@acme.test')).toHaveLength(1);
    const anaLink = questionnaireLink(invitation.text);
    // Only the token's hash is stored.
    expect(
      await one<{ n: number }>(`select count(*)::int as n from invitation where token_hash = ?`, [
        anaLink.split('/').pop(),
      ]),
    ).toEqual({ n: 0 });

    // GET shows the form prefilled with the name and changes nothing a person sees (opened is only counted).
    const before = await snapshot(programId);
    const page = await tandem.request('GET', anaLink);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Your questionnaire for Leaders 2027');
    expect(page.text).toContain('value="Ana Lima"');
    expect(page.text).toContain('name="skill_listening"');
    expect(page.text).not.toContain('name="capacity"');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-/);
    await tandem.request('GET', anaLink);
    expect(await snapshot(programId)).toBe(before);
    expect(await tandem.request('GET', '/questionnaire/' + 'A'.repeat(43))).toMatchObject({ status: 404 });

    // Errors: 422, the form again with the posted values and each field's message beside it, nothing saved.
    const invalid = await post(
      anaLink,
      coacheeForm({ timezone: 'Mars/Olympus', languages: '', days: [], skill_feedback: '9', goals: '' }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('Please correct the fields marked below; nothing was saved.');
    expect(invalid.text).toContain('id="f-timezone-error">&quot;Mars/Olympus&quot; is not a time zone');
    expect(invalid.text).toContain('id="f-languages-error">Please name at least one language.');
    expect(invalid.text).toContain('id="f-days-error">Please choose at least one day.');
    expect(invalid.text).toContain('id="f-skill_feedback-error">Please choose a whole number from 0 to 5.');
    expect(invalid.text).toContain('id="f-goals-error">Please fill this in.');
    expect(invalid.text).toContain('value="Mars/Olympus"');
    expect(await snapshot(programId)).toBe(before);

    // Good answers: the enrollment as an import makes it, one welcome email.
    const saved = await post(anaLink, coacheeForm());
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('Your answers are saved');
    const enrollment = await one<{ id: string; skills: Record<string, number>; goals: string; status: string }>(
      `select e.id, e.skills, e.goals, e.status::text as status from enrollment e join person p on p.id = e.person_id where e.program_id = ? and p.email = 'ana@acme.test'`,
      [programId],
    );
    // The need is 5 minus the level given, so the growth report's intake level is the level given.
    expect(enrollment).toMatchObject({
      skills: { listening: 4, feedback: 1 },
      goals: 'Give clear feedback to my team',
      status: 'active',
    });
    expect(await one(`select name, timezone, languages from person where email = 'ana@acme.test'`)).toEqual({
      name: 'Ana Lima',
      timezone: 'Europe/Lisbon',
      languages: ['pt', 'en'],
    });
    await mailTo('ana@acme.test', /Welcome/);
    expect(
      await one(`select action from audit_event where subject_id = ? order by created_at desc limit 1`, [
        enrollment.id,
      ]),
    ).toEqual({ action: 'enrollment.created' });

    // The page shows the saved answers; a change updates the enrollment, with no second welcome.
    const again = await tandem.request('GET', anaLink);
    expect(again.text).toContain('Your answers are saved. You can change them here until you are matched.');
    expect(again.text).toContain('Give clear feedback to my team');
    const changed = await post(anaLink, coacheeForm({ goals: 'Run better one-to-ones', skill_listening: '3' }));
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Your changes are saved.');
    expect(await one(`select skills, goals from enrollment where id = ?`, [enrollment.id])).toEqual({
      skills: { listening: 2, feedback: 1 },
      goals: 'Run better one-to-ones',
    });

    // The coach answers too; then a round matches them, and answers can no longer be changed.
    const kenjiLink = questionnaireLink((await mailTo('kenji@acme.test', /questionnaire/)).text);
    const kenjiPage = await tandem.request('GET', kenjiLink);
    expect(kenjiPage.text).toContain('name="capacity"');
    expect((await post(kenjiLink, coachForm())).status).toBe(200);
    expect(
      await one(
        `select e.capacity, e.skills, e.bio, e.preferred_day, e.preferred_hour from enrollment e join person p on p.id = e.person_id where p.email = 'kenji@acme.test'`,
      ),
    ).toEqual({
      capacity: 2,
      skills: { listening: 5, feedback: 5 },
      bio: 'Led three engineering teams.',
      preferred_day: 3,
      preferred_hour: 14,
    });
    await tandem.queuesIdle();
    expect(mailsTo('ana@acme.test').filter((m) => /Welcome/.test(m.subject))).toHaveLength(1);

    const round = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    expect(round.status).toBe(202);
    const done = await roundDone(tandem, key, round.body.id);
    expect(done.status).toBe('proposed');
    const frozen = await snapshot(programId);
    const refused = await post(anaLink, coacheeForm({ goals: 'Something else' }));
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('You are matched already, so your answers can no longer be changed here.');
    expect(await snapshot(programId)).toBe(frozen);
    expect((await tandem.request('GET', anaLink)).text).toContain('You are matched');

    // The funnel: 3 invited, 2 opened, 2 submitted, nobody reminded.
    const funnel = await tandem.request('GET', `/api/v1/programs/${programId}/invitations`, { key });
    expect(funnel.body.funnel).toEqual({ invited: 3, sending: 0, opened: 2, submitted: 2, reminded: 0, unanswered: 1 });

    // Closing registration cancels the reminders still to come (Bo's).
    const closed = await tandem.request('POST', `/api/v1/programs/${programId}/registration/close`, { key });
    expect(closed.body).toMatchObject({ closed: true, openRegistration: false });
    expect(await one(`select remind_at from invitation where email = 'bo@acme.test'`)).toEqual({ remind_at: null });
  });

  it('reminds the unanswered after 3 and 7 days, once each, never the answered, and none after the deadline', async () => {
    const programId = await program('Reminders');
    const deadline = new Date(Date.now() + 5 * DAY);
    const settings = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { deadline: deadline.toISOString() },
    });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ reminderDays: [3, 7], openRegistration: false, closed: false });
    const later = await program('Reminders without deadline');
    for (const [id, domain] of [
      [programId, 'dl.test'],
      [later, 'free.test'],
    ])
      await tandem.request('POST', `/api/v1/programs/${id}/invitations`, {
        key,
        json: {
          people: [
            { role: 'coachee', name: 'Una Answered', email: `una@${domain}` },
            { role: 'coachee', name: 'Sam Silent', email: `sam@${domain}` },
          ],
        },
      });
    const deadlineMail = await mailTo('sam@dl.test', /questionnaire/);
    expect(deadlineMail.text).toContain('Please answer by');
    await mailTo('sam@free.test', /questionnaire/);
    for (const domain of ['dl.test', 'free.test']) {
      const link = questionnaireLink((await mailTo(`una@${domain}`, /questionnaire/)).text);
      expect((await post(link, coacheeForm({ name: 'Una Answered' }))).status).toBe(200);
    }
    await tandem.queuesIdle();

    const invitations = async () =>
      rawQuery<{ id: string; email: string }>(
        em(),
        `select id, email from invitation where email like '%@dl.test' or email like '%@free.test'`,
      );
    const idOf = new Map((await invitations()).map((i) => [i.email, i.id]));
    const service = tandem.get(InvitationsService);
    /** The reminder job as the worker runs it: for the reminder time the invitation holds. */
    const remind = async (email: string, reminder: number) => {
      const row = await one<{ remind_at: string | null }>(`select remind_at from invitation where id = ?`, [
        idOf.get(email),
      ]);
      return service.remind(idOf.get(email)!, reminder, row.remind_at ? new Date(row.remind_at).getTime() : 0);
    };
    const sweep = (now: Date) =>
      sweepInvitations({ em: em(), producer: tandem.get(JobProducer), now }).then((r) => r.counts);

    // Not yet due: nothing.
    expect(await remind('sam@free.test', 1)).toBe('not-due');
    expect(await sweep(tandem.clock.now())).toMatchObject({ invitationReminders: 0 });

    // Three days later the reminder jobs run through the worker, each at its time: the two silent ones are reminded.
    await tandem.advance(3 * DAY + 60_000);
    for (const email of ['sam@dl.test', 'sam@free.test'])
      expect(mailsTo(email).filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(1);
    // However often the job runs again, and whatever the sweep looks for, nobody is reminded twice.
    for (const email of ['sam@dl.test', 'sam@free.test', 'una@free.test']) expect(await remind(email, 1)).toBe('done');
    expect(await sweep(tandem.clock.now())).toMatchObject({ invitationReminders: 0 });
    const first = await mailTo('sam@free.test', /^Reminder:/);
    expect(first.subject).toBe('Reminder: your questionnaire for Reminders without deadline');
    expect(questionnaireLink(first.text)).toBe(questionnaireLink((await mailTo('sam@free.test', /^Your/)).text));

    // Seven days: the second reminder, only where the deadline (day 5) has not passed; none is left after it.
    await tandem.advance(4 * DAY);
    expect(await one(`select remind_at from invitation where id = ?`, [idOf.get('sam@dl.test')])).toEqual({
      remind_at: null,
    });
    expect(await remind('sam@free.test', 3)).toBe('done');
    expect(await sweep(tandem.clock.now())).toMatchObject({ invitationReminders: 0 });
    await tandem.queuesIdle();
    expect(mailsTo('sam@free.test').map((m) => m.subject.split(':')[0])).toEqual([
      'Your questionnaire for Reminders without deadline',
      'Reminder',
      'Reminder',
    ]);
    expect(mailsTo('sam@dl.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(1);
    expect(mailsTo('una@dl.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);
    expect(mailsTo('una@free.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);

    // After the deadline an unanswered questionnaire says registration has closed and takes no answers.
    const samLink = questionnaireLink((await mailTo('sam@dl.test', /^Your/)).text);
    expect((await tandem.request('GET', samLink)).text).toContain('Registration has closed');
    expect((await post(samLink, coacheeForm())).status).toBe(409);
    expect(await one(`select submitted_at from invitation where email = 'sam@dl.test'`)).toEqual({
      submitted_at: null,
    });

    // The deadline moved later: the reminder it cut short (day 7, passed) goes out now, once; the page takes answers.
    const extended = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { deadline: new Date(tandem.clock.now().getTime() + 5 * DAY).toISOString() },
    });
    expect(extended.status).toBe(200);
    await tandem.queuesIdle();
    expect(mailsTo('sam@dl.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(2);
    expect(mailsTo('una@dl.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);
    expect((await tandem.request('GET', samLink)).text).not.toContain('Registration has closed');
  });

  it('moves the reminders still to come when the schedule changes: a job at the new time, and the former one does nothing', async () => {
    const programId = await program('Rescheduled');
    const invited = await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      json: { people: [{ role: 'coachee', name: 'Rae Resched', email: 'rae@resched.test' }] },
    });
    expect(invited.status).toBe(202);
    await mailTo('rae@resched.test', /^Your/);
    const row = () =>
      one<{ id: string; remind_at: string }>(`select id, remind_at from invitation where email = 'rae@resched.test'`);
    const before = await row();
    const moved = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { reminderDays: [1, 7] },
    });
    expect(moved.status).toBe(200);
    const after = await row();
    expect(new Date(before.remind_at).getTime() - new Date(after.remind_at).getTime()).toBe(2 * DAY);
    const payload = (dueAt: string) => ({ invitationId: after.id, reminder: 1, dueAt: new Date(dueAt).getTime() });
    const job = await tandem
      .get(JobProducer)
      .queue(QueueName.Intake)
      .getJob(JOB_ID[JobName.IntakeRemindInvitation](payload(after.remind_at)));
    expect(await job?.isDelayed()).toBe(true);
    expect(job!.timestamp + job!.delay).toBe(new Date(after.remind_at).getTime());
    // The job of the former day finds the time gone and sends nothing.
    const service = tandem.get(InvitationsService);
    expect(await service.remind(after.id, 1, new Date(before.remind_at).getTime())).toBe('done');
    await tandem.queuesIdle();
    expect(mailsTo('rae@resched.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);
  });

  it('invites from the full participant CSV: its values are shown prefilled, the level as 5 minus the need', async () => {
    const programId = await program('Full file');
    const invited = await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      body: 'role,email,name,timezone,languages,listening,feedback,goals,department\ncoachee,fay@full.test,Fay Full,Asia/Tokyo,ja;en,4,1,Speak up in meetings,Sales\n',
    });
    expect(invited.body).toEqual({ invited: 1, alreadyInvited: 0 });
    const link = questionnaireLink((await mailTo('fay@full.test', /questionnaire/)).text);
    const page = await tandem.request('GET', link);
    expect(page.text).toContain('value="Asia/Tokyo"');
    expect(page.text).toContain('value="ja, en"');
    expect(page.text).toContain('Speak up in meetings');
    expect(page.text).toContain('name="skill_listening" value="1" checked');
    expect(page.text).toContain('name="skill_feedback" value="4" checked');
    // Nothing is enrolled before the person answers; then the file's department is kept.
    expect(await one(`select count(*)::int as n from person where email = 'fay@full.test'`)).toEqual({ n: 0 });
    expect(
      (
        await post(
          link,
          coacheeForm({ name: 'Fay Full', timezone: 'Asia/Tokyo', skill_listening: '1', skill_feedback: '4' }),
        )
      ).status,
    ).toBe(200);
    expect(
      await one(
        `select p.department, e.skills from enrollment e join person p on p.id = e.person_id where p.email = 'fay@full.test'`,
      ),
    ).toEqual({ department: 'Sales', skills: { listening: 4, feedback: 1 } });

    // Their export holds the questionnaire and its answers; erasing the person removes it too.
    const { id: personId } = await one<{ id: string }>(`select id from person where email = 'fay@full.test'`);
    const exported = await tandem.request('GET', `/api/v1/people/${personId}/export`, { key });
    expect(exported.body.invitations).toEqual([
      expect.objectContaining({
        programId,
        role: 'coachee',
        source: 'roster',
        answers: expect.objectContaining({ goals: 'Give clear feedback to my team' }),
      }),
    ]);
    const erased = await tandem.request('POST', `/api/v1/people/${personId}/erase`, {
      key,
      json: { confirm: 'fay@full.test' },
    });
    expect(erased.status).toBe(200);
    expect(await one(`select count(*)::int as n from invitation where email = 'fay@full.test'`)).toEqual({ n: 0 });
  });

  it('re-sends what a lost job left unsent, once: the sweep queues it again', async () => {
    const programId = await program('Lost jobs');
    await tandem.withoutWorker(async () => {
      // The invite commits; its send job is lost with Redis (removed here before any worker took it).
      await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
        key,
        json: { people: [{ role: 'coach', name: 'Lea Lost', email: 'lea@lost.test' }] },
      });
      const producer = tandem.get(JobProducer);
      await producer.queue('intake' as never).obliterate({ force: true });
      await rawQuery(em(), `update invitation set created_at = created_at - interval '1 minute' where program_id = ?`, [
        programId,
      ]);
      expect(await sweep()).toMatchObject({ invitations: 1 });
    });
    await mailTo('lea@lost.test', /questionnaire/);
    await tandem.queuesIdle();
    // Run again: the outbox key and invited_at keep it to one.
    expect(await tandem.get(InvitationsService).sendInvitations(programId)).toBe(0);
    await tandem.queuesIdle();
    expect(mailsTo('lea@lost.test')).toHaveLength(1);

    // Redis loses the delayed first reminder: restoring delayed work re-creates it, delayed to its day.
    const lea = await one<{ id: string; remind_at: string }>(
      `select id, remind_at from invitation where email = 'lea@lost.test'`,
    );
    const id = lea.id;
    const reminderJob = JOB_ID[JobName.IntakeRemindInvitation]({
      invitationId: id,
      reminder: 1,
      dueAt: new Date(lea.remind_at).getTime(),
    });
    const intake = tandem.get(JobProducer).queue(QueueName.Intake);
    expect(await intake.getJobState(reminderJob)).toBe('delayed');
    await tandem.withoutWorker(async () => {
      await intake.obliterate({ force: true });
      expect(await intake.getJobState(reminderJob)).toBe('unknown');
      expect(
        await restoreInvitations({ em: em(), producer: tandem.get(JobProducer), now: new Date() }),
      ).toBeGreaterThanOrEqual(1);
      const job = await intake.getJob(reminderJob);
      expect(await job!.getState()).toBe('delayed');
      expect(job!.data).toEqual({ invitationId: id, reminder: 1, dueAt: new Date(lea.remind_at).getTime() });
      expect(job!.opts.delay).toBeGreaterThan(3 * DAY - 120_000);
    });

    async function sweep() {
      return (await sweepInvitations({ em: em(), producer: tandem.get(JobProducer), now: new Date() })).counts;
    }
  });

  it('shows the funnel in the console, invites one person, sends one more reminder on demand and closes registration', async () => {
    const org = await consoleOrganization(tandem, 'Console Co', 'admin@console.test');
    const created = await tandem.request('POST', '/api/v1/programs', {
      key: org.apiKey,
      json: { name: 'Console program', skills: SKILLS },
    });
    const programId = created.body.id;
    const browser = new ConsoleClient(tandem);
    await browser.signIn('admin@console.test', smtp);

    const empty = await browser.get(`/console/programs/${programId}/invitations`);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('<td data-funnel="invited">0</td>');
    expect(empty.text).toContain('Nobody has been invited yet.');

    // A bad address: 422 with the field's message, nobody invited.
    const bad = await browser.post(
      `/console/programs/${programId}/invitations`,
      { role: 'coachee', name: 'Nia', email: 'not-an-email' },
      empty.text,
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Must be an email address.');
    expect(
      await one<{ n: number }>(`select count(*)::int as n from invitation where program_id = ?`, [programId]),
    ).toEqual({
      n: 0,
    });

    const invited = await browser.post(
      `/console/programs/${programId}/invitations`,
      { role: 'coachee', name: 'Nia Noor', email: 'nia@console.test' },
      empty.text,
    );
    expect(invited.status).toBe(303);
    const roster = await browser.post(
      `/console/programs/${programId}/invitations/roster`,
      { csv: 'role,name,email\ncoachee,Oli Ode,oli@console.test\ncoach,Pia Park,pia@console.test' },
      empty.text,
    );
    expect(roster.status).toBe(303);
    const niaLink = questionnaireLink((await mailTo('nia@console.test', /questionnaire/)).text);
    await mailTo('oli@console.test', /questionnaire/);
    await mailTo('pia@console.test', /questionnaire/);
    await tandem.request('GET', niaLink);
    expect((await post(niaLink, coacheeForm({ name: 'Nia Noor' }))).status).toBe(200);

    const page = await browser.get(`/console/programs/${programId}/invitations`);
    expect(page.text).toContain('<td data-funnel="invited">3</td>');
    expect(page.text).toContain('<td data-funnel="opened">1 (33%)</td>');
    expect(page.text).toContain('<td data-funnel="submitted">1 (33%)</td>');
    expect(page.text).toContain('<td data-funnel="reminded">0</td>');
    expect(page.text).toContain('Send one more reminder to 2 people');

    const reminded = await browser.post(`/console/programs/${programId}/invitations/remind`, {}, page.text);
    expect(reminded.status).toBe(303);
    await mailTo('oli@console.test', /^Reminder:/);
    await mailTo('pia@console.test', /^Reminder:/);
    await tandem.queuesIdle();
    expect(mailsTo('nia@console.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(0);
    const after = await browser.get(`/console/programs/${programId}/invitations`);
    expect(after.text).toContain('<td data-funnel="reminded">2</td>');
    // The same request again (a form sent twice) reminds nobody who was reminded within the hour.
    const twice = await tandem.request('POST', `/api/v1/programs/${programId}/invitations/remind`, { key: org.apiKey });
    expect([twice.status, twice.body.reminded]).toEqual([200, 0]);
    await tandem.queuesIdle();
    expect(mailsTo('oli@console.test').filter((m) => /^Reminder:/.test(m.subject))).toHaveLength(1);

    const closed = await browser.post(`/console/programs/${programId}/registration/close`, {}, after.text);
    expect(closed.status).toBe(303);
    const closedPage = await browser.get(closed.headers.location as string);
    expect(closedPage.text).toContain('Registration is closed: no more reminders or first answers.');
    expect(closedPage.text).not.toContain('Send one more reminder');
    const refused = await tandem.request('POST', `/api/v1/programs/${programId}/invitations/remind`, {
      key: org.apiKey,
    });
    expect(refused.status).toBe(409);
    // Nia answered before the close: she may still change her answers; Oli may no longer give a first one.
    expect((await post(niaLink, coacheeForm({ name: 'Nia Noor', goals: 'Lead a new team' }))).status).toBe(200);
    const oliLink = questionnaireLink((await mailTo('oli@console.test', /^Your/)).text);
    expect((await post(oliLink, coacheeForm({ name: 'Oli Ode' }))).status).toBe(409);
  });
  it('opens registration only when switched on, to allowed domains, with the same answer and timing for any address, and a questionnaire only after confirmation', async () => {
    const programId = await program('Open registration');
    const settings = await tandem.request('GET', `/api/v1/programs/${programId}/registration`, { key });
    expect(settings.body).toMatchObject({ openRegistration: false, allowedDomains: [], effectiveDomains: [] });
    const link = new URL(settings.body.registrationUrl).pathname;
    expect(link).toMatch(/^\/register\/[A-Za-z0-9_-]{43}$/);

    // Off by default: the page says so, and a posted address changes nothing.
    const off = await tandem.request('GET', link);
    expect(off.status).toBe(200);
    expect(off.text).toContain('Registration is closed');
    const counts = () =>
      one<{ requests: number; invitations: number; outbox: number }>(
        `select (select count(*)::int from registration_request) as requests, (select count(*)::int from invitation where program_id = ?) as invitations, (select count(*)::int from outbox_message) as outbox`,
        [programId],
      );
    const before = await counts();
    expect((await post(link, 'email=new%40open.test')).text).toContain('Registration is closed');
    expect(await counts()).toEqual(before);

    // A bad domain in the settings: 422 with the field, nothing changed.
    const bad = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { openRegistration: true, allowedDomains: ['not a domain'], reminderDays: [7, 3] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'allowedDomains.0',
      'reminderDays',
    ]);
    expect((await tandem.request('GET', `/api/v1/programs/${programId}/registration`, { key })).body).toMatchObject({
      openRegistration: false,
    });
    const on = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { openRegistration: true, allowedDomains: ['Open.test'] },
    });
    expect(on.body).toMatchObject({ openRegistration: true, effectiveDomains: ['open.test'] });
    await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      json: { people: [{ role: 'coach', name: 'Ida Invited', email: 'ida@open.test' }] },
    });
    await mailTo('ida@open.test', /questionnaire/);
    await tandem.queuesIdle();

    const page = await tandem.request('GET', link);
    expect(page.text).toContain('Join Open registration');
    expect(page.text).toContain('name="email"');
    const invalid = await post(link, 'email=not-an-address');
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('id="f-email-error">Please enter an email address.');

    // Unknown allowed address, an address invited already, an address of another domain: one answer, one timing.
    const answers: { status: number; text: string; ms: number }[] = [];
    for (const email of ['new@open.test', 'ida@open.test', 'eve@elsewhere.test', 'NEW@open.test']) {
      const started = performance.now();
      const answer = await post(link, `email=${encodeURIComponent(email)}`);
      answers.push({ status: answer.status, text: answer.text, ms: performance.now() - started });
    }
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0].text).toContain('If this address may join Open registration, a confirmation link is on its way.');
    // The console sign-in's floor (300 ms), less a millisecond of timer jitter.
    for (const a of answers) expect(a.ms).toBeGreaterThanOrEqual(299);

    const confirmation = await mailTo('new@open.test', /Confirm your registration/);
    await tandem.queuesIdle();
    // Entered twice: two confirmation links (the same one), nothing to the others.
    expect(mailsTo('new@open.test')).toHaveLength(2);
    expect(mailsTo('eve@elsewhere.test')).toHaveLength(0);
    expect(mailsTo('ida@open.test')).toHaveLength(1);
    // Not confirmed yet: no questionnaire.
    expect(await one(`select count(*)::int as n from invitation where email = 'new@open.test'`)).toEqual({ n: 0 });

    const confirmLink = /https?:\/\/\S+(\/register\/confirm\/[A-Za-z0-9_-]{43})/.exec(confirmation.text)![1];
    const confirmPage = await tandem.request('GET', confirmLink);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.text).toContain('Confirm new@open.test to get your questionnaire for Open registration.');
    expect(await one(`select count(*)::int as n from invitation where email = 'new@open.test'`)).toEqual({ n: 0 });
    const confirmed = await post(confirmLink, '');
    expect(confirmed.status).toBe(303);
    const questionnaire = confirmed.headers.location as string;
    expect(questionnaire).toMatch(/^\/questionnaire\/[A-Za-z0-9_-]{43}$/);
    // A second press finds the same questionnaire.
    expect((await post(confirmLink, '')).headers.location).toBe(questionnaire);
    await mailTo('new@open.test', /^Your questionnaire/);
    const form = await tandem.request('GET', questionnaire);
    expect(form.text).toContain('value=""');
    expect((await post(questionnaire, coacheeForm({ name: 'Nea New' }))).status).toBe(200);
    expect(
      await one(
        `select p.name, e.role::text as role from enrollment e join person p on p.id = e.person_id where p.email = 'new@open.test'`,
      ),
    ).toEqual({ name: 'Nea New', role: 'coachee' });

    // A confirmation link works for 7 days after it was last sent; entering the address again sends it again.
    await post(link, 'email=old%40open.test');
    const oldLink = /https?:\/\/\S+(\/register\/confirm\/[A-Za-z0-9_-]{43})/.exec(
      (await mailTo('old@open.test', /Confirm your registration/)).text,
    )![1];
    expect((await tandem.request('GET', oldLink)).status).toBe(200);
    await tandem.advance(8 * DAY);
    expect((await tandem.request('GET', oldLink)).status).toBe(404);
    expect((await post(oldLink, '')).status).toBe(404);
    expect(await one(`select count(*)::int as n from invitation where email = 'old@open.test'`)).toEqual({ n: 0 });
    await post(link, 'email=old%40open.test');
    await tandem.queuesIdle();
    expect(mailsTo('old@open.test')).toHaveLength(2);
    expect((await tandem.request('GET', oldLink)).status).toBe(200);
  });

  it('rate-limits the public registration link per client (429)', async () => {
    const programId = await program('Rate limited');
    const settings = await tandem.request('PUT', `/api/v1/programs/${programId}/registration`, {
      key,
      json: { openRegistration: true, allowedDomains: ['rate.test'] },
    });
    const link = new URL(settings.body.registrationUrl).pathname;
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 3; i++) statuses.push((await tandem.request('GET', link)).status);
    // The budget is per client over every token page, so earlier requests of this file may have used part of it.
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    // Posting addresses is limited too; one posted past the limit changes nothing.
    const posted: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) posted.push((await post(link, `email=x${i}%40elsewhere.test`)).status);
    expect(posted.every((s) => s === 200 || s === 429)).toBe(true);
    expect(posted.slice(-2)).toEqual([429, 429]);
    const before = await one(`select count(*)::int as n from registration_request`);
    expect((await post(link, 'email=late%40rate.test')).status).toBe(429);
    expect(await one(`select count(*)::int as n from registration_request`)).toEqual(before);
  });
});
