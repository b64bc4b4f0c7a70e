import { rawQuery } from '@tandem/domain';
import { CompletionService, ReconcilerService } from '@tandem/workflows';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { encode, form, linkPath, mailScenario } from './support/mail-scenario';
import { waitFor } from './support/test-env';

describe('completion: after the last session a closing survey, the pairing completes, and the report shows it', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo, waitMail } = ctx;
  /** Sessions 12, 24 and 36 hours on, an hour long; each closes (asks for feedback) an hour after its end. */
  const cadence = (sessions: number) => ({
    interval: 'PT12H',
    sessions,
    sessionDuration: 'PT1H',
    reminderLead: 'PT2H',
  });
  /** Moves the test clock past session `n`'s close (14 hours on, then one every 12 hours). */
  const pastClose = (n: number) => ctx.tandem.advance(n === 1 ? 'PT14H1M' : 'PT12H');

  it('a pairing runs from acceptance to completion', async () => {
    // Three coachees (focus: active listening 4 and emotional intelligence 3, i.e. intake levels 1 and 2), one coach each.
    const tags = ['a', 'b', 'c'];
    const people: FixturePerson[] = tags.flatMap((t): FixturePerson[] => [
      { role: 'coach', email: `coach-${t}@acme.example`, name: `Cora ${t}`, capacity: 1, skills: [4, 3, 4, 3, 3] },
      {
        role: 'coachee',
        email: `coachee-${t}@acme.example`,
        name: `Eli ${t}`,
        skills: [4, 0, 3, 0, 0],
        goals: 'Listen better',
      },
    ]);
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      {
        name: 'Leaders complete',
        cadence: cadence(3),
        feedback: { reminderAfter: 'PT1H' },
      },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(3);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    for (const t of tags) {
      const [offer] = await waitMail(`coach-${t}@acme.example`, 'Coaching offer');
      expect(
        (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
          .status,
      ).toBe(200);
    }

    // Every session: both forms answered (the coach says held); the coachee's answers rate progress 4 and 5.
    for (const index of [1, 2, 3]) {
      await pastClose(index);
      for (const t of tags) {
        const coachee = linkPath(
          (await waitMail(`coachee-${t}@acme.example`, `Feedback on coaching session ${index}`))[0].text,
          'feedback',
        );
        const coach = linkPath(
          (await waitMail(`coach-${t}@acme.example`, `Feedback on coaching session ${index}`))[0].text,
          'feedback',
        );
        const answers = {
          rating: '5',
          progress_active_listening: '4',
          progress_emotional_intelligence: '5',
          goals: '4',
          tasks: '4',
          bond: '5',
          ...(index === 1 ? { fit: 'good' } : {}),
        };
        expect((await ctx.tandem.request('POST', coachee, { body: encode(answers), ...form })).status).toBe(200);
        expect(
          (await ctx.tandem.request('POST', coach, { body: encode({ attendance: 'held' }), ...form })).status,
        ).toBe(200);
      }
    }

    // After the last session closes, each coachee gets the closing survey and the pairing is completed.
    const statuses = () =>
      rawQuery<{ status: string; ended_at: string | null }>(
        db(),
        `select status::text as status, ended_at from pairing where program_id = ? and status <> 'proposed'`,
        [programId],
      );
    await waitFor(
      async () => ((await statuses()).every((p) => p.status === 'completed') ? true : undefined),
      'three completed pairings',
      30_000,
    );
    expect((await statuses()).every((p) => p.ended_at !== null)).toBe(true);

    const surveys: string[] = [];
    for (const t of tags) {
      const [mail] = await waitMail(`coachee-${t}@acme.example`, 'Your coaching is complete');
      surveys.push(linkPath(mail.text, 'surveys'));
    }
    // The survey page asks the focus skills only, changes nothing on GET, and takes one submission.
    const shown = await ctx.tandem.request('GET', surveys[0]);
    expect(shown.status).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.text).toContain('name="level_active_listening"');
    expect(shown.text).toContain('name="level_emotional_intelligence"');
    expect(shown.text).not.toContain('name="level_empathy"');
    expect((await rawQuery(db(), `select 1 from closing_survey where submitted_at is not null`)).length).toBe(0);
    expect(
      (await ctx.tandem.request('POST', surveys[0], { body: encode({ level_active_listening: '4' }), ...form })).status,
    ).toBe(422);

    // Before the third answer, growth is withheld (surveys of fewer than 3 people).
    const levels = { level_active_listening: '4', level_emotional_intelligence: '3' };
    for (const survey of surveys.slice(0, 2))
      expect((await ctx.tandem.request('POST', survey, { body: encode(levels), ...form })).status).toBe(200);
    const early = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(early.body.growth.active_listening).toEqual({
      answers: 2,
      people: 2,
      intakeLevel: null,
      closingLevel: null,
      change: null,
    });
    expect((await ctx.tandem.request('POST', surveys[2], { body: encode(levels), ...form })).status).toBe(200);
    const again = await ctx.tandem.request('POST', surveys[2], { body: encode(levels), ...form });
    expect(again.text).toContain('Already submitted');
    expect(
      (
        await ctx.tandem.request('POST', surveys[2], {
          body: encode({ ...levels, level_active_listening: '5' }),
          ...form,
        })
      ).status,
    ).toBe(409);

    // The report shows it: the funnel to completion, every offer accepted, sessions held against planned, growth per skill.
    const report = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(report.status).toBe(200);
    expect(report.body.funnel).toEqual({
      enrolledCoachees: 3,
      enrolledCoaches: 3,
      matched: 3,
      offered: 3,
      accepted: 3,
      active: 0,
      completed: 3,
      ended: 0,
    });
    expect(report.body.offers).toMatchObject({ decided: 3, accepted: 3, acceptanceRate: 1 });
    expect(report.body.offers.medianTimeToAcceptSeconds).toBeGreaterThanOrEqual(0);
    expect(report.body.sessions).toEqual({ planned: 9, held: 9, missed: 0, cancelled: 0, scheduled: 0 });
    expect(report.body.feedback.progress.active_listening).toEqual({ answers: 9, people: 3, average: 4 });
    expect(report.body.feedback.alliance.bond).toEqual({ answers: 9, people: 3, average: 5 });
    expect(report.body.growth.active_listening).toEqual({
      answers: 3,
      people: 3,
      intakeLevel: 1,
      closingLevel: 4,
      change: 3,
    });
    expect(report.body.growth.emotional_intelligence).toEqual({
      answers: 3,
      people: 3,
      intakeLevel: 2,
      closingLevel: 3,
      change: 1,
    });
    expect(report.body.growth.empathy).toEqual({
      answers: 0,
      people: 0,
      intakeLevel: null,
      closingLevel: null,
      change: null,
    });
    expect(report.body.atRisk).toEqual([]);

    // Completing again, or reconciling, changes nothing and sends nothing twice.
    const [pairing] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status = 'completed' limit 1`,
      [programId],
    );
    expect(await ctx.tandem.get(CompletionService).complete(pairing.id)).toBe('done');
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).completions).toBe(0);
    await ctx.tandem.queuesIdle();
    const keys = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from outbox_message where idempotency_key like 'closing-survey:%'`,
    );
    expect(keys[0].n).toBe(3);
    for (const t of tags) expect(mailTo(`coachee-${t}@acme.example`, 'Your coaching is complete')).toHaveLength(1);
  }, 90_000);

  it('does not complete a pairing in which no session was held: no survey, no congratulations, and the inactivity rule ends it', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'coach-none@acme.example', name: 'Cora None', capacity: 1 },
      { role: 'coachee', email: 'coachee-none@acme.example', name: 'Eli None', skills: [4, 0, 3, 0, 0] },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      {
        name: 'Leaders none',
        cadence: cadence(1),
        feedback: { reminderAfter: 'P2D', inactivityWindow: 'P1D', inactivityGrace: 'PT6H' },
      },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    await roundDone(ctx.tandem, ctx.key, round.body.id);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail('coach-none@acme.example', 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    // The only session closes and the coach says it did not take place.
    await pastClose(1);
    const coach = linkPath(
      (await waitMail('coach-none@acme.example', 'Feedback on coaching session 1'))[0].text,
      'feedback',
    );
    expect((await ctx.tandem.request('POST', coach, { body: encode({ attendance: 'missed' }), ...form })).status).toBe(
      200,
    );
    const [{ id }] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status <> 'proposed'`,
      [programId],
    );
    // Every session has closed, yet it is not due: completing now, or reconciling, changes nothing.
    expect(await ctx.tandem.get(CompletionService).complete(id)).toBe('not-due');
    const sessions = await ctx.tandem.request('GET', `/api/v1/pairings/${id}/sessions`, { key: ctx.key });
    expect(sessions.status).toBe(200);
    expect(sessions.body.items).toEqual([
      {
        index: 1,
        startsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        endsAt: expect.stringMatching(/Z$/),
        status: 'missed',
        sequence: 0,
      },
    ]);

    // The inactivity rule nudges a day after the acceptance, then ends it 6 hours later; the API says so, and why, with
    // ISO 8601 UTC dates.
    await ctx.tandem.advance('PT9H');
    expect((await ctx.tandem.request('GET', `/api/v1/pairings/${id}`, { key: ctx.key })).body.status).toBe('active');
    await ctx.tandem.advance('PT7H');
    const pairing = (await ctx.tandem.request('GET', `/api/v1/pairings/${id}`, { key: ctx.key })).body;
    expect(pairing).toMatchObject({ status: 'ended', atRiskReason: 'inactive' });
    expect(pairing.endedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(pairing.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await rawQuery(db(), `select 1 from closing_survey where pairing_id = ?`, [id])).toEqual([]);
    expect(
      await rawQuery(db(), `select 1 from outbox_message where idempotency_key = ?`, [`closing-survey:${id}`]),
    ).toEqual([]);
    expect(await ctx.tandem.get(CompletionService).complete(id)).toBe('done');
    await ctx.tandem.queuesIdle();
    expect(mailTo('coachee-none@acme.example', 'Your coaching is complete')).toEqual([]);
    const report = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(report.body.funnel).toMatchObject({ matched: 1, accepted: 1, active: 0, completed: 0, ended: 1 });
  }, 60_000);

  it('completes once the coach reports a session held after every session closed', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'coach-late@acme.example', name: 'Cora Late', capacity: 1 },
      { role: 'coachee', email: 'coachee-late@acme.example', name: 'Eli Late', skills: [4, 0, 3, 0, 0] },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      {
        name: 'Leaders late',
        cadence: cadence(1),
        feedback: { reminderAfter: 'PT1H' },
      },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    await roundDone(ctx.tandem, ctx.key, round.body.id);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail('coach-late@acme.example', 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    await pastClose(1);
    const coach = linkPath(
      (await waitMail('coach-late@acme.example', 'Feedback on coaching session 1'))[0].text,
      'feedback',
    );
    const [{ id }] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status <> 'proposed'`,
      [programId],
    );
    expect(await ctx.tandem.get(CompletionService).complete(id)).toBe('not-due');
    expect((await ctx.tandem.request('POST', coach, { body: encode({ attendance: 'held' }), ...form })).status).toBe(
      200,
    );
    const [survey] = await waitMail('coachee-late@acme.example', 'Your coaching is complete');
    expect(survey.text).toContain('Congratulations');
    const [after] = await rawQuery<{ status: string }>(
      db(),
      `select status::text as status from pairing where id = ?`,
      [id],
    );
    expect(after.status).toBe('completed');
  }, 60_000);

  it('completes a pairing without feedback when its last session closes, not at the reconciler’s sweep', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'coach-quiet@acme.example', name: 'Cora Quiet', capacity: 1 },
      { role: 'coachee', email: 'coachee-quiet@acme.example', name: 'Eli Quiet', skills: [4, 0, 3, 0, 0] },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      {
        name: 'Leaders quiet',
        cadence: cadence(1),
        feedback: { enabled: false },
      },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    await roundDone(ctx.tandem, ctx.key, round.body.id);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail('coach-quiet@acme.example', 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const [session] = await waitFor(async () => {
      const rows = await rawQuery<{ ends_at: string }>(
        db(),
        `select s.ends_at from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ?`,
        [programId],
      );
      return rows.length === 1 ? rows : undefined;
    }, 'the planned session');
    // The session closes an hour after its end, and the test clock moves a minute past that.
    const closedAt = new Date(session.ends_at).getTime() + 3600 * 1000;
    await pastClose(1);
    // The reconciler's sweep takes a pairing only 30 s after its last change: completed well before that, it was the close.
    const [pairing] = await rawQuery<{ status: string; ended_at: string }>(
      db(),
      `select status::text as status, ended_at from pairing where program_id = ? and status = 'completed'`,
      [programId],
    );
    expect(pairing).toBeDefined();
    expect(new Date(pairing.ended_at).getTime()).toBeGreaterThanOrEqual(closedAt);
    expect(new Date(pairing.ended_at).getTime() - closedAt).toBeLessThan(20_000);
    expect(
      await rawQuery(
        db(),
        `select 1 from feedback f join coaching_session s on s.id = f.session_id join pairing p on p.id = s.pairing_id where p.program_id = ?`,
        [programId],
      ),
    ).toEqual([]);
  }, 60_000);

  it('ends (no-sessions-held), without a survey, a pairing without feedback whose every session was cancelled', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'coach-off@acme.example', name: 'Cora Off', capacity: 1 },
      { role: 'coachee', email: 'coachee-off@acme.example', name: 'Eli Off', skills: [4, 0, 3, 0, 0] },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { name: 'Leaders off', cadence: { interval: 'P7D', sessions: 1 }, feedback: { enabled: false } },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    await roundDone(ctx.tandem, ctx.key, round.body.id);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail('coach-off@acme.example', 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const [invite] = await waitMail('coachee-off@acme.example', 'Your coaching sessions');
    const cancelled = await ctx.tandem.request('POST', `${linkPath(invite.text, 'sessions')}/cancel`, {
      body: '',
      ...form,
    });
    expect(cancelled.status).toBe(200);
    const [{ id }] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status <> 'proposed'`,
      [programId],
    );
    // Nothing is left to hold: the (reconciler's) completion ends it instead.
    expect(await ctx.tandem.get(CompletionService).complete(id)).toBe('ended');
    const pairing = (await ctx.tandem.request('GET', `/api/v1/pairings/${id}`, { key: ctx.key })).body;
    expect(pairing).toMatchObject({ status: 'ended', atRiskReason: 'no-sessions-held' });
    expect(await rawQuery(db(), `select 1 from closing_survey where pairing_id = ?`, [id])).toEqual([]);
    expect(await ctx.tandem.get(CompletionService).complete(id)).toBe('done');
    await ctx.tandem.queuesIdle();
    expect(mailTo('coachee-off@acme.example', 'Your coaching is complete')).toEqual([]);
  }, 60_000);

  it('re-creates a lost completion from the database', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'coach-lost@acme.example', name: 'Cora Lost', capacity: 1 },
      { role: 'coachee', email: 'coachee-lost@acme.example', name: 'Eli Lost', skills: [4, 0, 3, 0, 0] },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { name: 'Leaders lost', cadence: { interval: 'P7D', sessions: 1 } },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    await roundDone(ctx.tandem, ctx.key, round.body.id);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail('coach-lost@acme.example', 'Coaching offer');
    await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form });
    const [pairing] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    await waitFor(
      async () =>
        (await rawQuery(db(), `select 1 from coaching_session where pairing_id = ?`, [pairing.id])).length === 1
          ? true
          : undefined,
      'the session',
    );
    // The session took place (the coach said so) and was closed (requests written) while the completion job was lost.
    await ctx.tandem.withoutWorker(async () => {
      const now = ctx.tandem.clock.now();
      await rawQuery(
        db(),
        `update coaching_session set status = 'held', starts_at = ?::timestamptz - interval '3 hours', ends_at = ?::timestamptz - interval '2 hours', remind_at = ?::timestamptz - interval '4 hours', reminded_at = ? where pairing_id = ?`,
        [now, now, now, now, pairing.id],
      );
      await rawQuery(
        db(),
        `insert into feedback (id, session_id, role, token_hash, requested_at, remind_at) select gen_random_uuid(), s.id, r::feedback_role, md5(random()::text), ?, ?::timestamptz + interval '1 day' from coaching_session s, unnest(array['coach', 'coachee']) r where s.pairing_id = ?`,
        [now, now, pairing.id],
      );
      await rawQuery(db(), `update pairing set updated_at = ?::timestamptz - interval '1 minute' where id = ?`, [
        now,
        pairing.id,
      ]);
      expect((await ctx.tandem.get(ReconcilerService).reconcile()).completions).toBe(1);
    });
    await waitMail('coachee-lost@acme.example', 'Your coaching is complete');
    const [after] = await rawQuery<{ status: string }>(
      db(),
      `select status::text as status from pairing where id = ?`,
      [pairing.id],
    );
    expect(after.status).toBe('completed');
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).completions).toBe(0);
  }, 60_000);
});
