import { rawQuery } from '@tandem/domain';
import { JobProducer, QueueName } from '@tandem/queues';
import {
  EffectivenessService,
  FeedbackService,
  OrganizationsService,
  ReconcilerService,
  RematchService,
} from '@tandem/workflows';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { encode, form, mailScenario } from './support/mail-scenario';
import { waitFor } from './support/test-env';

const feedbackLink = (text: string) => {
  const match = /https?:\/\/\S+(\/feedback\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no feedback link in: ${text}`);
  return match[1];
};

/** A coachee's answers; the coachee's focus skills are active listening and emotional intelligence (needs 4 and 3). */
const coacheeAnswers = (extra: Record<string, string> = {}) => ({
  rating: '4',
  progress_active_listening: '5',
  progress_emotional_intelligence: '5',
  goals: '4',
  tasks: '4',
  bond: '5',
  ...extra,
});

describe('feedback after each session: requests, one reminder, forms, confidential aggregates, learned effectiveness', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo, waitMail } = ctx;

  /** One coach (capacity 2) and one coachee, matched, published and accepted. */
  async function activePairing(tag: string, settings: Record<string, unknown>) {
    const coachEmail = `coach-${tag}@acme.example`;
    const coacheeEmail = `coachee-${tag}@acme.example`;
    const people: FixturePerson[] = [
      { role: 'coach', email: coachEmail, name: `<i>Cora</i> ${tag}`, capacity: 2, skills: [3, 3, 3, 3, 3] },
      { role: 'coachee', email: coacheeEmail, name: `Eli ${tag}`, skills: [4, 0, 3, 0, 0], goals: 'Listen better' },
    ];
    const { programId, idOf } = await seedProgram(ctx.tandem, ctx.key, { name: `Leaders ${tag}`, ...settings }, people);
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(1);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    const [offer] = await waitMail(coachEmail, 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const [pairing] = await rawQuery<{ id: string; score: number }>(
      db(),
      `select id, score from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    return {
      programId,
      pairingId: pairing.id,
      score: Number(pairing.score),
      coachEmail,
      coacheeEmail,
      coachId: idOf(coachEmail),
      idOf,
    };
  }

  const sessionsOf = (pairingId: string) =>
    rawQuery<{ id: string; index: number; status: string; sequence: number }>(
      db(),
      `select id, index, status, sequence from coaching_session where pairing_id = ? order by index`,
      [pairingId],
    );
  const feedbackRows = (pairingId: string) =>
    rawQuery<{
      id: string;
      session_id: string;
      role: string;
      index: number;
      requested_at: string;
      remind_at: string;
      reminded_at: string | null;
      submitted_at: string | null;
    }>(
      db(),
      `select f.id, f.session_id, f.role::text as role, s.index, f.requested_at, f.remind_at, f.reminded_at, f.submitted_at
         from feedback f join coaching_session s on s.id = f.session_id where s.pairing_id = ? order by s.index, f.role`,
      [pairingId],
    );
  /** The person-level estimates of a coach enrollment's person (pooled over every program of the organization). */
  const estimates = (coachId: string) =>
    rawQuery<{ skill: string; estimate: number; answers: number; coachees: number; programs: number }>(
      db(),
      `select skill, estimate, answers, coachees, programs from coach_learning where person_id = (select person_id from enrollment where id = ?) order by skill`,
      [coachId],
    );
  const summary = (programId: string, apiKey = ctx.key) =>
    ctx.tandem.request('GET', `/api/v1/programs/${programId}/feedback-summary`, { key: apiKey });

  let fast: Awaited<ReturnType<typeof activePairing>>;

  it('closes each of 3 PT12H sessions with a request to both, submits each form once, and reminds only unanswered forms, once', async () => {
    // Sessions start 12, 24 and 36 hours on and last an hour; each closes (asks for feedback) an hour after its end, and
    // a form still unanswered 6 hours after its request gets a reminder. The test clock moves through them.
    fast = await activePairing('fast', {
      cadence: { interval: 'PT12H', sessions: 3, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
      feedback: { reminderAfter: 'PT6H' },
    });
    const { pairingId, coachEmail, coacheeEmail, coachId, programId } = fast;
    const sessions = await waitFor(
      async () => ((await sessionsOf(pairingId)).length === 3 ? sessionsOf(pairingId) : undefined),
      'the sessions',
    );

    // Session 1: both get a form link of their own, once it closed.
    await ctx.tandem.queuesIdle();
    expect(mailTo(coacheeEmail, 'Feedback on coaching session')).toHaveLength(0);
    await ctx.tandem.advance('PT15H');
    const [coacheeRequest] = await waitMail(coacheeEmail, 'Feedback on coaching session 1');
    const [coachRequest] = await waitMail(coachEmail, 'Feedback on coaching session 1');
    const coacheeForm = feedbackLink(coacheeRequest.text);
    const coachForm = feedbackLink(coachRequest.text);
    expect(coacheeForm).not.toBe(coachForm);

    // GET shows the coachee's focus skills and the fit question, escapes names, and changes nothing.
    const before = await feedbackRows(pairingId);
    const shown = await ctx.tandem.request('GET', coacheeForm);
    expect(shown.status).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
    expect(shown.text).not.toContain('<script');
    expect(shown.text).toContain('name="progress_active_listening"');
    expect(shown.text).toContain('name="progress_emotional_intelligence"');
    expect(shown.text).not.toContain('name="progress_empathy"');
    expect(shown.text).toContain('name="fit"');
    expect(shown.text).toContain('&lt;i&gt;Cora&lt;/i&gt;');
    expect(shown.text).not.toContain('<i>Cora</i>');
    expect((await ctx.tandem.request('HEAD', coacheeForm)).status).toBe(200);
    expect(await feedbackRows(pairingId)).toEqual(before);

    // Incomplete answers: 422 and nothing saved. Then one submission; the same again is "already submitted"; a change is 409.
    expect((await ctx.tandem.request('POST', coacheeForm, { body: encode(coacheeAnswers()), ...form })).status).toBe(
      422,
    );
    const first = await ctx.tandem.request('POST', coacheeForm, {
      body: encode(coacheeAnswers({ fit: 'good' })),
      ...form,
    });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Thank you');
    const again = await ctx.tandem.request('POST', coacheeForm, {
      body: encode(coacheeAnswers({ fit: 'good' })),
      ...form,
    });
    expect(again.status).toBe(200);
    expect(again.text).toContain('Already submitted');
    expect(
      (await ctx.tandem.request('POST', coacheeForm, { body: encode(coacheeAnswers({ fit: 'not_good' })), ...form }))
        .status,
    ).toBe(409);
    expect((await ctx.tandem.request('GET', coacheeForm)).text).toContain('already');

    // One answer moves the estimate little (the organization's mean 3.125, the coach 3.59 on 0..5, from the coach's own 3).
    const afterOne = await waitFor(
      async () => ((await estimates(coachId)).length === 2 ? estimates(coachId) : undefined),
      'the first estimate',
    );
    expect(afterOne.map((e) => [e.skill, e.answers])).toEqual([
      ['active_listening', 1],
      ['emotional_intelligence', 1],
    ]);
    expect(Number(afterOne[0].estimate)).toBeCloseTo(3.59, 2);

    // The coach: held sets the session's status; the private note is escaped nowhere because it is shown nowhere.
    const coachPage = await ctx.tandem.request('GET', coachForm);
    expect(coachPage.text).toContain('name="attendance"');
    expect(coachPage.text).not.toContain('name="rating"');
    const note = 'Eli <script>alert(1)</script> talked about burnout';
    expect(
      (await ctx.tandem.request('POST', coachForm, { body: encode({ attendance: 'held', note }), ...form })).status,
    ).toBe(200);
    expect((await sessionsOf(pairingId))[0].status).toBe('held');

    // Session 2: no fit question for the coachee; the coach says it was missed.
    await ctx.tandem.advance('PT12H');
    const coachee2 = feedbackLink((await waitMail(coacheeEmail, 'Feedback on coaching session 2'))[0].text);
    const coach2 = feedbackLink((await waitMail(coachEmail, 'Feedback on coaching session 2'))[0].text);
    expect((await ctx.tandem.request('GET', coachee2)).text).not.toContain('name="fit"');
    expect((await ctx.tandem.request('POST', coachee2, { body: encode(coacheeAnswers()), ...form })).status).toBe(200);
    expect((await ctx.tandem.request('POST', coach2, { body: encode({ attendance: 'missed' }), ...form })).status).toBe(
      200,
    );
    expect((await sessionsOf(pairingId))[1].status).toBe('missed');

    // Session 3: nobody answers, so both get one reminder with the same link.
    await ctx.tandem.advance('PT12H');
    const coachee3 = feedbackLink((await waitMail(coacheeEmail, 'Feedback on coaching session 3'))[0].text);
    expect(mailTo(coacheeEmail, 'Reminder: Feedback on coaching session 3')).toHaveLength(0);
    await ctx.tandem.advance('PT6H');
    const [reminder] = await waitMail(coacheeEmail, 'Reminder: Feedback on coaching session 3');
    expect(feedbackLink(reminder.text)).toBe(coachee3);
    await waitMail(coachEmail, 'Reminder: Feedback on coaching session 3');
    expect((await sessionsOf(pairingId))[2].status).toBe('scheduled');

    // Exactly the forms unanswered at their reminder time got a reminder; the jobs again send nothing twice.
    const rows = await feedbackRows(pairingId);
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const answeredInTime = row.submitted_at !== null && new Date(row.submitted_at) < new Date(row.remind_at);
      expect(row.reminded_at === null).toBe(answeredInTime);
    }
    const feedback = ctx.tandem.get(FeedbackService);
    expect(await feedback.closeSession(sessions[2].id)).toBe('done');
    for (const row of rows) expect(await feedback.remind(row.id)).toBe('done');
    await ctx.tandem.queuesIdle();
    const keys = await rawQuery<{ idempotency_key: string }>(
      db(),
      `select idempotency_key from outbox_message where idempotency_key like 'feedback-%' order by idempotency_key`,
    );
    expect(keys.filter((k) => k.idempotency_key.startsWith('feedback-request:'))).toHaveLength(6);
    expect(keys.map((k) => k.idempotency_key)).toContain(`feedback-request:${sessions[0].id}:coachee`);
    expect(keys.map((k) => k.idempotency_key)).toContain(`feedback-reminder:${sessions[2].id}:coach`);
    expect(mailTo(coachEmail, 'Reminder: Feedback on coaching session 3')).toHaveLength(1);
    expect(mailTo(coacheeEmail, 'Feedback on coaching session 1')).toHaveLength(1);

    // The summary withholds every figure resting on fewer than 3 people (2 coachee answers, 2 coach answers so far).
    const early = await summary(programId);
    expect(early.status).toBe(200);
    expect(early.body.minimumPeople).toBe(3);
    expect(early.body.requests).toEqual({ coach: { sent: 3, answered: 2 }, coachee: { sent: 3, answered: 2 } });
    expect(early.body.coachees.sessionRating).toEqual({ answers: 2, people: 1, average: null });
    expect(early.body.coachees.alliance.bond).toEqual({ answers: 2, people: 1, average: null });
    expect(early.body.coachees.progress.active_listening).toEqual({ answers: 2, people: 1, average: null });
    expect(early.body.coachees.fit).toEqual({ answers: 1, people: 1, counts: null });
    expect(early.body.coaches.attendance).toEqual({ answers: 2, people: 1, counts: null });

    // Three answers of one coachee (and three of one coach) are still one person's: every figure stays withheld (the
    // program with three coachees below shows them once three people answered). No individual answer or note is ever
    // in an admin answer.
    expect(
      (
        await ctx.tandem.request('POST', coachee3, {
          body: encode(coacheeAnswers({ rating: '1', bond: '2' })),
          ...form,
        })
      ).status,
    ).toBe(200);
    const coach3 = feedbackLink(mailTo(coachEmail, 'Feedback on coaching session 3')[0].text);
    expect(
      (
        await ctx.tandem.request('POST', coach3, {
          body: encode({ attendance: 'moved', note: 'another private note' }),
          ...form,
        })
      ).status,
    ).toBe(200);
    expect((await sessionsOf(pairingId))[2].status).toBe('scheduled');
    const later = await summary(programId);
    expect(later.body.coachees.sessionRating).toEqual({ answers: 3, people: 1, average: null });
    expect(later.body.coachees.alliance.bond).toEqual({ answers: 3, people: 1, average: null });
    expect(later.body.coachees.progress.active_listening).toEqual({ answers: 3, people: 1, average: null });
    expect(later.body.coachees.progress.empathy).toEqual({ answers: 0, people: 0, average: null });
    expect(later.body.coachees.fit).toEqual({ answers: 1, people: 1, counts: null });
    expect(later.body.coaches.attendance).toEqual({ answers: 3, people: 1, counts: null });
    const report = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(report.body.minimumPeople).toBe(3);
    expect(report.body.feedback.sessionRating).toEqual({ answers: 3, people: 1, average: null });
    const everything = [
      later.text,
      (await ctx.tandem.request('GET', '/api/v1/outbox', { key: ctx.key })).text,
      (await ctx.tandem.request('GET', `/api/v1/pairings?programId=${programId}`, { key: ctx.key })).text,
    ].join('\n');
    expect(everything).not.toContain('burnout');
    expect(everything).not.toContain('another private note');
    const audit = await rawQuery<{ actor: string; action: string; data: unknown }>(
      db(),
      `select actor, action, data from audit_event where action = 'feedback.submitted'`,
    );
    expect(audit).toHaveLength(6);
    expect(JSON.stringify(audit)).not.toContain('burnout');
  }, 60_000);

  it('shows the summary only to the program’s own admins', async () => {
    const { programId } = fast;
    const { apiKey: operator } = await ctx.tandem
      .get(OrganizationsService)
      .createApiKey(ctx.organizationId, 'operator' as never);
    expect((await summary(programId, operator)).status).toBe(403);
    const { apiKey: otherAdmin } = await ctx.tandem.organization('Other');
    const foreign = await summary(programId, otherAdmin);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('not_found');
    expect((await summary('not-a-uuid')).status).toBe(404);
    expect((await ctx.tandem.request('GET', `/api/v1/programs/${programId}/feedback-summary`)).status).toBe(401);
  });

  it('learns: submitted feedback changes the coach’s estimate, and a later re-match scores the coach higher', async () => {
    const { programId, coachId, score, coachEmail } = fast;
    // Three answers of 5 on each focus skill, all from one coachee: the organization's mean 3.75, the coach 4.375 (the
    // coach rated themself 3).
    const learned = await waitFor(async () => {
      const rows = await estimates(coachId);
      return rows.length === 2 && rows.every((r) => r.answers === 3) ? rows : undefined;
    }, 'the estimates over three answers');
    for (const row of learned) expect(row).toMatchObject({ answers: 3, coachees: 1, programs: 1 });
    for (const row of learned) expect(Number(row.estimate)).toBeCloseTo(4.375, 2);

    // A new coachee with the same profile as the first: the re-match finds the coach with room and a higher score.
    const imported = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key: ctx.key,
      body: 'role,email,name,department,manager_email,level,timezone,languages,capacity,active_listening,empathy,emotional_intelligence,trust_building,clear_communication,goals,bio\ncoachee,coachee-later@acme.example,Lia Later,,,3,Europe/Paris,en,,4,0,3,0,0,Listen better,',
    });
    expect(imported.status).toBe(202);
    await waitFor(
      async () =>
        (await ctx.tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key: ctx.key })).body.status ===
        'succeeded'
          ? true
          : undefined,
      'the import',
    );
    const [later] = await rawQuery<{ id: string }>(
      db(),
      `select e.id from enrollment e join person p on p.id = e.person_id where p.email = 'coachee-later@acme.example'`,
    );
    expect(await ctx.tandem.get(RematchService).rematch(later.id)).toBe('offered');
    const [pairing] = await rawQuery<{ coach_id: string; score: number; breakdown: { reasons?: string[] } }>(
      db(),
      `select coach_id, score, breakdown from pairing where coachee_id = ? and status = 'offered'`,
      [later.id],
    );
    expect(pairing.coach_id).toBe(coachId);
    expect(Number(pairing.score)).toBeGreaterThan(score);
    // One coachee's answers: the explanation names the feedback, never a figure, in the proposal and the offer email.
    expect(pairing.breakdown.reasons).toContain('strong feedback from past coachees in active listening');
    expect(JSON.stringify(pairing.breakdown)).not.toContain('measured effectiveness');
    const [offerMail] = await waitMail(coachEmail, 'Coaching offer', 2).then((mails) => mails.slice(-1));
    expect(offerMail.text).toContain('strong feedback from past coachees in active listening');
    expect(offerMail.text).not.toMatch(/measured effectiveness|4\.4|4\.38/);
  });

  it('re-creates a lost close, a lost reminder and a lost aggregate from the database, and sends each once', async () => {
    const { programId, pairingId, coachEmail, coacheeEmail, coachId } = await activePairing('lost', {
      cadence: { interval: 'P7D', sessions: 2 },
      feedback: { reminderAfter: 'P3D' },
    });
    const [session] = await waitFor(
      async () => ((await sessionsOf(pairingId)).length === 2 ? sessionsOf(pairingId) : undefined),
      'the sessions',
    );
    const cadence = ctx.tandem.get(JobProducer).queue(QueueName.Cadence);
    const closeJob = await waitFor(
      async () => (await cadence.getJob(`close-session.${session.id}.0`)) ?? undefined,
      'the delayed close job',
    );
    const reconciler = ctx.tandem.get(ReconcilerService);
    // Each loss and the pass that repairs it happen while the worker is stopped, so that its own scheduled pass cannot
    // repair it first; the worker then runs what the pass queued.
    await ctx.tandem.withoutWorker(async () => {
      await closeJob.remove();
      // An hour-long session that ended two hours ago closed an hour ago (ending an hour ago would close it at this very
      // instant, which the reconciler's millisecond clock can read as not yet due).
      await rawQuery(
        db(),
        `update coaching_session set starts_at = ?::timestamptz - interval '3 hours', ends_at = ?::timestamptz - interval '2 hours', remind_at = ?::timestamptz - interval '4 hours', reminded_at = ? where id = ?`,
        [...Array(4).fill(ctx.tandem.clock.now()), session.id],
      );
      expect((await reconciler.reconcile()).sessionCloses).toBe(1);
    });
    await waitMail(coachEmail, 'Feedback on coaching session 1');
    const coacheeForm = feedbackLink((await waitMail(coacheeEmail, 'Feedback on coaching session 1'))[0].text);
    expect((await reconciler.reconcile()).sessionCloses).toBe(0);

    // The reminder's delayed job is lost too; once due, the reconciler queues it again.
    const feedbackQueue = ctx.tandem.get(JobProducer).queue(QueueName.Feedback);
    await ctx.tandem.withoutWorker(async () => {
      const rows = await feedbackRows(pairingId);
      for (const row of rows) {
        const job = await feedbackQueue.getJob(`feedback-remind.${row.id}`);
        expect(job?.data).toEqual({ feedbackId: row.id });
        await job!.remove();
      }
      await rawQuery(
        db(),
        `update feedback set remind_at = ?::timestamptz - interval '1 minute' where session_id = ?`,
        [ctx.tandem.clock.now(), session.id],
      );
      expect((await reconciler.reconcile()).feedbackReminders).toBe(2);
    });
    await waitMail(coacheeEmail, 'Reminder: Feedback on coaching session 1');
    await waitMail(coachEmail, 'Reminder: Feedback on coaching session 1');
    expect((await reconciler.reconcile()).feedbackReminders).toBe(0);

    // A submission whose aggregate job was lost: the reconciler finds the answer newer than the estimates.
    await ctx.tandem.withoutWorker(async () => {
      expect(
        (await ctx.tandem.request('POST', coacheeForm, { body: encode(coacheeAnswers({ fit: 'not_sure' })), ...form }))
          .status,
      ).toBe(200);
      const [submitted] = await rawQuery<{ id: string }>(
        db(),
        `select id from feedback where session_id = ? and role = 'coachee'`,
        [session.id],
      );
      const job = await feedbackQueue.getJob(`aggregate.${programId}.${submitted.id}`);
      expect(job?.data).toEqual({ programId, feedbackId: submitted.id });
      await job!.remove();
      await rawQuery(db(), `update feedback set submitted_at = ?::timestamptz - interval '1 minute' where id = ?`, [
        ctx.tandem.clock.now(),
        submitted.id,
      ]);
      expect((await reconciler.reconcile()).effectiveness).toBe(1);
    });
    await waitFor(async () => ((await estimates(coachId)).length === 2 ? true : undefined), 'the re-created aggregate');
    expect((await reconciler.reconcile()).effectiveness).toBe(0);
    await ctx.tandem.queuesIdle();
    expect(mailTo(coachEmail, 'Reminder: Feedback')).toHaveLength(1);
  });

  it('learns about the person: estimates carry to a new program, a figure needs 3 distinct coachees, the aggregate gives the same twice', async () => {
    const coach = 'coach-carry@acme.example';
    const people: FixturePerson[] = [
      { role: 'coach', email: coach, name: 'Cora Carry', capacity: 3, skills: [3, 3, 3, 3, 3] },
      ...[1, 2, 3].map((n): FixturePerson => ({
        role: 'coachee',
        email: `carry-${n}@acme.example`,
        name: `Kim ${n}`,
        skills: [4, 0, 3, 0, 0],
      })),
    ];
    const first = await seedProgram(
      ctx.tandem,
      ctx.key,
      {
        name: 'Carry A',
        cadence: { interval: 'PT12H', sessions: 6, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
        feedback: { reminderAfter: 'P3D' },
      },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${first.programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(3);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    for (const offer of await waitMail(coach, 'Coaching offer', 3)) {
      expect(
        (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
          .status,
      ).toBe(200);
    }
    // One coachee answers all six sessions (5 on both focus skills); the other two answer nothing yet.
    for (let n = 1; n <= 6; n++) {
      // The clock moves past session n's close (the first closes 14 hours on, then one every 12 hours).
      await ctx.tandem.advance(n === 1 ? 'PT15H' : 'PT12H');
      const [request] = await waitMail('carry-1@acme.example', `Feedback on coaching session ${n}`);
      expect(
        (
          await ctx.tandem.request('POST', feedbackLink(request.text), {
            body: encode(coacheeAnswers(n === 1 ? { fit: 'good' } : {})),
            ...form,
          })
        ).status,
      ).toBe(200);
    }
    const coachA = first.idOf(coach);
    const sixAnswers = await waitFor(async () => {
      const rows = await estimates(coachA);
      return rows.length === 2 && rows.every((r) => r.answers === 6) ? rows : undefined;
    }, 'the estimates over six answers');
    for (const row of sixAnswers) expect(row).toMatchObject({ answers: 6, coachees: 1, programs: 1 });
    // The program's summary and report: six answers, one person, no figure.
    const oneCoachee = await summary(first.programId);
    expect(oneCoachee.body.coachees.sessionRating).toEqual({ answers: 6, people: 1, average: null });
    expect(oneCoachee.body.coachees.progress.active_listening).toEqual({ answers: 6, people: 1, average: null });
    const oneReport = await ctx.tandem.request('GET', `/api/v1/programs/${first.programId}/report?format=csv`, {
      key: ctx.key,
    });
    expect(oneReport.text).toContain('feedback,session_rating,people,1');
    expect(oneReport.text).toMatch(/feedback,session_rating,average,\r?\n/);

    // A new program with the same coach (the same person) and a coach who rates themself higher and has no feedback:
    // what program A taught makes Cora the better match, and six answers of one coachee still show no figure.
    // Cora's places count over every running program: her three pairings in A take three of the four she offers here.
    const second = await seedProgram(ctx.tandem, ctx.key, { name: 'Carry B' }, [
      { role: 'coach', email: coach, name: 'Cora Carry', capacity: 4, skills: [3, 3, 3, 3, 3] },
      { role: 'coach', email: 'coach-fresh@acme.example', name: 'Dan Fresh', capacity: 1, skills: [4, 3, 4, 3, 3] },
      { role: 'coachee', email: 'carry-new@acme.example', name: 'Yan New', skills: [4, 0, 3, 0, 0] },
    ]);
    const proposal = async (programId: string) => {
      const r = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
      expect((await roundDone(ctx.tandem, ctx.key, r.body.id)).matched).toBe(1);
      const [p] = await rawQuery<{ coach_id: string; breakdown: { reasons: string[] } }>(
        db(),
        `select coach_id, breakdown from pairing where round_id = ?`,
        [r.body.id],
      );
      return p;
    };
    const carried = await proposal(second.programId);
    expect(carried.coach_id).toBe(second.idOf(coach));
    expect(carried.breakdown.reasons).toContain('strong feedback from past coachees in active listening');
    expect(JSON.stringify(carried.breakdown)).not.toContain('measured effectiveness');
    const view = (programId: string, coachId: string, key = ctx.key) =>
      ctx.tandem.request('GET', `/api/v1/programs/${programId}/coaches/${coachId}/learning`, { key });
    const withheld = await view(second.programId, second.idOf(coach));
    expect(withheld.status).toBe(200);
    const listening = withheld.body.skills.find((x: { skill: string }) => x.skill === 'active_listening');
    expect(listening).toMatchObject({
      measured: true,
      answers: 6,
      coachees: 1,
      programs: 1,
      estimate: null,
      shown: false,
      calibrated: null,
      used: null,
      scoreShift: null,
      selfRating: 3,
    });

    // Two more coachees answer once each: now 3 distinct coachees, and the figure may be shown.
    for (const n of [2, 3]) {
      const [request] = await waitMail(`carry-${n}@acme.example`, 'Feedback on coaching session 1');
      expect(
        (
          await ctx.tandem.request('POST', feedbackLink(request.text), {
            body: encode(coacheeAnswers({ fit: 'good' })),
            ...form,
          })
        ).status,
      ).toBe(200);
    }
    await waitFor(
      async () => ((await estimates(coachA)).every((r) => r.coachees === 3 && r.answers === 8) ? true : undefined),
      'the estimates over three coachees',
    );
    // Eight answers of three people: the summary shows the figures (every answer rated 4 and 5 on both focus skills).
    const threeCoachees = await summary(first.programId);
    expect(threeCoachees.body.coachees.sessionRating).toEqual({ answers: 8, people: 3, average: 4 });
    expect(threeCoachees.body.coachees.progress.active_listening).toEqual({ answers: 8, people: 3, average: 5 });
    expect(threeCoachees.body.coachees.fit).toEqual({
      answers: 3,
      people: 3,
      counts: { good: 3, notSure: 0, notGood: 0 },
    });
    const third = await seedProgram(ctx.tandem, ctx.key, { name: 'Carry C' }, [
      { role: 'coach', email: coach, name: 'Cora Carry', capacity: 4, skills: [3, 3, 3, 3, 3] },
      { role: 'coach', email: 'coach-fresh@acme.example', name: 'Dan Fresh', capacity: 1, skills: [4, 3, 4, 3, 3] },
      { role: 'coachee', email: 'carry-newer@acme.example', name: 'Zoe Newer', skills: [4, 0, 3, 0, 0] },
    ]);
    const quoted = await proposal(third.programId);
    expect(quoted.coach_id).toBe(third.idOf(coach));
    expect(quoted.breakdown.reasons.join('\n')).toMatch(/measured effectiveness \d(\.\d)?\/5 in active listening/);
    const shown = await view(third.programId, third.idOf(coach));
    const listened = shown.body.skills.find((x: { skill: string }) => x.skill === 'active_listening');
    expect(listened).toMatchObject({
      measured: true,
      answers: 8,
      coachees: 3,
      programs: 1,
      shown: true,
      selfRating: 3,
    });
    expect(listened.estimate).toBeGreaterThan(4);
    expect(listened.used).toBeGreaterThan(4);
    expect(listened.scoreShift).toBeGreaterThan(0);
    // Empathy was never measured: the bias measured on the other skills moves it (the coach underrated themself).
    expect(shown.body.skills.find((x: { skill: string }) => x.skill === 'empathy')).toMatchObject({
      measured: false,
      coachees: 0,
      shown: true,
    });
    expect(shown.body.skills.find((x: { skill: string }) => x.skill === 'empathy').used).toBeGreaterThan(3);

    // Only the organization's admins: an operator key is refused, another organization and a coachee get 404.
    const { apiKey: operator } = await ctx.tandem
      .get(OrganizationsService)
      .createApiKey(ctx.organizationId, 'operator' as never);
    expect((await view(third.programId, third.idOf(coach), operator)).status).toBe(403);
    const { apiKey: otherAdmin } = await ctx.tandem.organization('Other learning');
    expect((await view(third.programId, third.idOf(coach), otherAdmin)).status).toBe(404);
    expect((await view(third.programId, third.idOf('carry-newer@acme.example'))).status).toBe(404);
    expect((await view(third.programId, 'not-a-uuid')).status).toBe(404);
    expect(
      (await ctx.tandem.request('GET', `/api/v1/programs/${third.programId}/coaches/${third.idOf(coach)}/learning`))
        .status,
    ).toBe(401);

    // The policy's learning weight and half-life are checked like every setting: a clear 422, nothing changed.
    for (const policy of [{ learning: 2 }, { learningHalfLife: 'a year' }]) {
      const refused = await ctx.tandem.request('PATCH', `/api/v1/programs/${third.programId}`, {
        key: ctx.key,
        json: { policy },
      });
      expect(refused.status).toBe(422);
    }
    expect(
      (await ctx.tandem.request('GET', `/api/v1/programs/${third.programId}`, { key: ctx.key })).body.policy.learning,
    ).toBeUndefined();

    // The aggregate is a function of the rows: run twice more, it writes the very same estimates.
    const snapshot = () =>
      rawQuery(
        db(),
        `select person_id, skill, estimate, sd, certainty, prior_mean, answers, coachees, programs from coach_learning where organization_id = ? order by person_id, skill`,
        [ctx.organizationId],
      );
    const before = await snapshot();
    const service = ctx.tandem.get(EffectivenessService);
    await service.aggregate(first.programId);
    const once = await snapshot();
    await service.aggregate(second.programId);
    expect(await snapshot()).toEqual(once);
    expect(once).toEqual(before);
  }, 120_000);
});
