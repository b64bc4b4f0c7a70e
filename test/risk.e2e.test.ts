import { rawQuery } from '@tandem/domain';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { organizerFrom, ReconcilerService } from '@tandem/workflows';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { encode, form, linkPath, mailScenario } from './support/mail-scenario';
import { parseInvite } from './support/itip';
import { waitFor } from './support/test-env';

const ADMIN = 'admin@acme.example';
const coacheeAnswers = (alliance: string, extra: Record<string, string> = {}) => ({
  rating: '3',
  progress_active_listening: '3',
  goals: alliance,
  tasks: alliance,
  bond: alliance,
  ...extra,
});

describe('pairings at risk: the rules, the admin email, the coachee’s re-match by link, inactivity, the CSV report', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo, waitMail } = ctx;
  const pairingOf = async (id: string) =>
    (
      await rawQuery<{
        status: string;
        at_risk_reason: string | null;
        rematch_offered_at: string | null;
        nudged_at: string | null;
      }>(
        db(),
        `select status::text as status, at_risk_reason, rematch_offered_at, nudged_at from pairing where id = ?`,
        [id],
      )
    )[0];

  /** Coaches (the first fits best) and one coachee with a single focus skill; the best pair matched, published and accepted. */
  async function activePairing(tag: string, coacheeName: string, settings: Record<string, unknown>) {
    const people: FixturePerson[] = [
      { role: 'coach', email: `coach1-${tag}@acme.example`, name: `Cora ${tag}`, capacity: 1, skills: [5, 3, 3, 3, 3] },
      { role: 'coach', email: `coach2-${tag}@acme.example`, name: `Carl ${tag}`, capacity: 1, skills: [3, 3, 3, 3, 3] },
      { role: 'coachee', email: `coachee-${tag}@acme.example`, name: coacheeName, skills: [4, 0, 0, 0, 0] },
    ];
    const { programId, idOf } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { name: `Leaders ${tag}`, adminEmail: ADMIN, ...settings },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(1);
    await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key });
    const [offer] = await waitMail(`coach1-${tag}@acme.example`, 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const [pairing] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    return {
      programId,
      pairingId: pairing.id,
      coach: `coach1-${tag}@acme.example`,
      coach2: `coach2-${tag}@acme.example`,
      coachee: `coachee-${tag}@acme.example`,
      idOf,
    };
  }
  /** Sessions 12, 24 and 36 hours on, an hour long; each closes (asks for feedback) an hour after its end. */
  const fast = {
    cadence: { interval: 'PT12H', sessions: 3, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
    feedback: { reminderAfter: 'P1D' },
  };
  /** Moves the test clock past session `n`'s close (14 hours on, then one every 12 hours). */
  const pastClose = (n: 1 | 2) => ctx.tandem.advance(n === 1 ? 'PT14H1M' : 'PT12H');

  let fitCase: Awaited<ReturnType<typeof activePairing>>;

  it('"not good" after the first session: the admin is told, the coachee takes a re-match by link, the coach’s place is freed', async () => {
    fitCase = await activePairing('fit', '=HYPERLINK("http://evil.example","Eve")', fast);
    const { pairingId, coach, coach2, coachee, programId, idOf } = fitCase;
    await pastClose(1);
    const coacheeForm = linkPath((await waitMail(coachee, 'Feedback on coaching session 1'))[0].text, 'feedback');
    expect(
      (
        await ctx.tandem.request('POST', coacheeForm, {
          body: encode(coacheeAnswers('4', { fit: 'not_good' })),
          ...form,
        })
      ).status,
    ).toBe(200);

    expect(await pairingOf(pairingId)).toMatchObject({ status: 'active', at_risk_reason: 'fit' });
    const [admin] = await waitMail(ADMIN, 'Pairing at risk in Leaders fit');
    expect(admin.text).toContain('not a good fit');
    const [offer] = await waitMail(coachee, 'Would you like a different coach?');
    const page = linkPath(offer.text, 'rematch');

    // GET shows the offer, escapes the name and changes nothing (mail scanners fetch links).
    const shown = await ctx.tandem.request('GET', page);
    expect(shown.status).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.text).toContain(`action="${page}/accept"`);
    expect(shown.text).not.toContain('<a href="http://evil');
    expect((await pairingOf(pairingId)).status).toBe('active');
    expect((await ctx.tandem.request('GET', '/rematch/not-a-token')).status).toBe(404);

    // Accepting ends the pairing, cancels the remaining sessions, tells the coach and re-matches with the other coach.
    const accepted = await ctx.tandem.request('POST', `${page}/accept`, { body: '', ...form });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('new coach');
    expect((await pairingOf(pairingId)).status).toBe('ended');
    const future = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from coaching_session where pairing_id = ? and status = 'scheduled' and starts_at > ?`,
      [pairingId, ctx.tandem.clock.now()],
    );
    expect(future[0].n).toBe(0);
    // Both calendars lose the cancelled sessions: an iTIP CANCEL for each, its UID, a higher SEQUENCE, STATUS:CANCELLED.
    const cancelled = await rawQuery<{ id: string; sequence: number }>(
      db(),
      `select id, sequence from coaching_session where pairing_id = ? and status = 'cancelled' order by index`,
      [pairingId],
    );
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((s) => s.sequence > 0)).toBe(true);
    const sender = organizerFrom(ctx.tandem.api.get<TandemConfig>(TANDEM_CONFIG).mailFrom);
    for (const person of [coach, coachee]) {
      const [ended] = await waitMail(person, 'Coaching ended');
      expect(ended.calendars).toHaveLength(cancelled.length);
      expect(ended.calendarTypes.every((t) => t.startsWith('text/calendar; charset=utf-8; method=CANCEL'))).toBe(true);
      const cancels = ended.calendars.map(parseInvite);
      expect(cancels.map((c) => [c.method, c.uid, c.sequence, c.status, c.organizer.email])).toEqual(
        cancelled.map((s) => ['CANCEL', `${s.id}@tandem`, s.sequence, 'CANCELLED', sender.email]),
      );
      for (const c of cancels) expect(c.attendees.map((a) => a.email)).toEqual([coach, coachee]);
    }
    expect((await waitMail(ADMIN, 'Coaching ended'))[0].calendars).toEqual([]);
    await waitMail(coach2, 'Coaching offer');
    const [next] = await rawQuery<{ coach_id: string; status: string }>(
      db(),
      `select coach_id, status::text as status from pairing where coachee_id = ? and status = 'offered'`,
      [idOf(coachee)],
    );
    expect(next.coach_id).toBe(idOf(coach2));
    const live = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from pairing where coach_id = ? and status in ('offered', 'active')`,
      [idOf(coach)],
    );
    expect(live[0].n).toBe(0);
    expect((await ctx.tandem.request('POST', `${page}/accept`, { body: '', ...form })).text).toContain('Already asked');
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).riskRematches).toBe(0);

    // The report lists the pairing at risk; its CSV escapes the formula in the coachee's name and in nothing else.
    const report = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(report.body.atRisk).toEqual([
      expect.objectContaining({ pairingId, status: 'ended', reason: 'fit', rematchOffered: true }),
    ]);
    expect(report.body.funnel).toMatchObject({ offered: 1, accepted: 1, ended: 1 });
    const csv = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report?format=csv`, { key: ctx.key });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain(`at_risk,${pairingId},coachee,"'=HYPERLINK(""http://evil.example"",""Eve"")"`);
    expect(csv.text).toContain(`at_risk,${pairingId},reason,fit`);
    const cells = csv.text
      .split(/\r\n/)
      .flatMap((line) => line.split(','))
      .map((c) => c.replace(/^"/, ''));
    expect(cells.filter((c) => /^[=+@\t\r]/.test(c))).toEqual([]);
    const byAccept = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, {
      key: ctx.key,
      headers: { accept: 'text/csv' },
    });
    expect(byAccept.text).toBe(csv.text);
    expect(
      (await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report?format=xml`, { key: ctx.key })).status,
    ).toBe(422);
  }, 60_000);

  it('low alliance twice running, two missed sessions and the coach’s doubt: each reason reaches the admin once', async () => {
    const { pairingId, coach, coachee } = await activePairing('alliance', 'Eli Alliance', fast);
    await pastClose(1);
    // Session 1: the coach doubts the fit and says the session was missed (the admin hears; no re-match offer yet).
    const coach1 = linkPath((await waitMail(coach, 'Feedback on coaching session 1'))[0].text, 'feedback');
    const coachPage = await ctx.tandem.request('GET', coach1);
    expect(coachPage.text).toContain('name="fit" value="not_good"');
    expect(
      (await ctx.tandem.request('POST', coach1, { body: encode({ attendance: 'missed', fit: 'not_good' }), ...form }))
        .status,
    ).toBe(200);
    const coachee1 = linkPath((await waitMail(coachee, 'Feedback on coaching session 1'))[0].text, 'feedback');
    expect(
      (await ctx.tandem.request('POST', coachee1, { body: encode(coacheeAnswers('2', { fit: 'not_sure' })), ...form }))
        .status,
    ).toBe(200);
    expect(await pairingOf(pairingId)).toMatchObject({
      status: 'active',
      at_risk_reason: 'coach_fit',
      rematch_offered_at: null,
    });

    // Session 2: the second low alliance and the second missed session.
    await pastClose(2);
    const coachee2 = linkPath((await waitMail(coachee, 'Feedback on coaching session 2'))[0].text, 'feedback');
    expect((await ctx.tandem.request('POST', coachee2, { body: encode(coacheeAnswers('1')), ...form })).status).toBe(
      200,
    );
    const coach2 = linkPath((await waitMail(coach, 'Feedback on coaching session 2'))[0].text, 'feedback');
    expect((await ctx.tandem.request('POST', coach2, { body: encode({ attendance: 'missed' }), ...form })).status).toBe(
      200,
    );
    await waitMail(coachee, 'Would you like a different coach?');
    const keys = (
      await rawQuery<{ k: string }>(
        db(),
        `select idempotency_key as k from outbox_message where idempotency_key like ? order by 1`,
        [`%${pairingId}%`],
      )
    ).map((r) => r.k);
    expect(keys.filter((k) => k.startsWith('at-risk:') || k.startsWith('rematch-offer:'))).toEqual([
      `at-risk:${pairingId}:alliance`,
      `at-risk:${pairingId}:coach_fit`,
      `at-risk:${pairingId}:missed`,
      `rematch-offer:${pairingId}`,
    ]);
    await waitMail(ADMIN, 'Pairing at risk in Leaders alliance', 3);
    await ctx.tandem.queuesIdle();
    expect(mailTo(ADMIN, 'Pairing at risk in Leaders alliance')).toHaveLength(3);
    expect(mailTo(coachee, 'Would you like a different coach?')).toHaveLength(1);
    // Individual answers and the coach's note never reach the admin: the emails name the rule only.
    for (const mail of mailTo(ADMIN, 'Pairing at risk in Leaders alliance'))
      expect(mail.text).not.toMatch(/rated|answered [1-5]/);
  }, 60_000);

  it('inactivity: a nudge to both once the window passes, and the pairing closes after the grace period', async () => {
    // Both windows end before the first session (at least a day on).
    const { pairingId, coach, coachee, programId } = await activePairing('idle', 'Eli Idle', {
      cadence: { interval: 'P7D', sessions: 2 },
      feedback: { inactivityWindow: 'PT6H', inactivityGrace: 'PT6H' },
    });
    await ctx.tandem.advance('PT5H');
    expect(mailTo(coach, 'Time for your next coaching session')).toHaveLength(0);
    await ctx.tandem.advance('PT1H1M');
    await waitMail(coach, 'Time for your next coaching session');
    await waitMail(coachee, 'Time for your next coaching session');
    expect(await pairingOf(pairingId)).toMatchObject({ status: 'active' });
    expect((await pairingOf(pairingId)).nudged_at).not.toBeNull();
    await ctx.tandem.advance('PT6H');
    expect(await pairingOf(pairingId)).toMatchObject({ status: 'ended', at_risk_reason: 'inactive' });
    const [ended] = await waitMail(coachee, 'Coaching ended');
    await waitMail(ADMIN, 'Coaching ended: Cora idle');
    const sessions = await rawQuery<{ status: string }>(
      db(),
      `select status::text as status from coaching_session where pairing_id = ?`,
      [pairingId],
    );
    expect(sessions.every((s) => s.status === 'cancelled')).toBe(true);
    expect(ended.calendars.map(parseInvite).map((c) => [c.method, c.status])).toEqual(
      sessions.map(() => ['CANCEL', 'CANCELLED']),
    );
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).inactivityChecks).toBe(0);
    await ctx.tandem.queuesIdle();
    expect(mailTo(coach, 'Time for your next coaching session')).toHaveLength(1);
    const report = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: ctx.key });
    expect(report.body.atRisk).toEqual([
      expect.objectContaining({ pairingId, reason: 'inactive', status: 'ended', rematchOffered: false }),
    ]);
  }, 60_000);

  it('re-creates a lost inactivity check from the database', async () => {
    const { pairingId, coach } = await activePairing('lostidle', 'Eli Lost', {
      cadence: { interval: 'P7D', sessions: 2 },
      feedback: { inactivityWindow: 'P45D' },
    });
    await waitFor(
      async () =>
        (await rawQuery(db(), `select 1 from coaching_session where pairing_id = ?`, [pairingId])).length === 2
          ? true
          : undefined,
      'the sessions',
    );
    const reconciler = ctx.tandem.get(ReconcilerService);
    expect((await reconciler.reconcile()).inactivityChecks).toBe(0);
    // The window passed while the delayed check was lost: the reconciler finds the nudge due from the pairing row.
    await ctx.tandem.withoutWorker(async () => {
      await rawQuery(db(), `update pairing set activated_at = ?::timestamptz - interval '46 days' where id = ?`, [
        ctx.tandem.clock.now(),
        pairingId,
      ]);
      expect((await reconciler.reconcile()).inactivityChecks).toBe(1);
    });
    await waitMail(coach, 'Time for your next coaching session');
    expect((await reconciler.reconcile()).inactivityChecks).toBe(0);
  }, 60_000);

  it('shows the report only to the program’s own admins', async () => {
    const { programId } = fitCase;
    const { apiKey: other } = await ctx.tandem.organization('Other');
    expect((await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`, { key: other })).status).toBe(404);
    expect((await ctx.tandem.request('GET', `/api/v1/programs/${programId}/report`)).status).toBe(401);
    expect(
      (await ctx.tandem.request('GET', `/api/v1/programs/not-a-uuid/report?format=csv`, { key: ctx.key })).status,
    ).toBe(404);
  });
});
