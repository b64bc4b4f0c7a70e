import { rawQuery } from '@tandem/domain';
import { ReconcilerService, RematchService } from '@tandem/workflows';
import { fixtureCsv, type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { form, linkPath, mailScenario } from './support/mail-scenario';
import { waitFor } from './support/test-env';

const ADMIN = 'admin@pool.example';
/** One short session per pairing: an accepted pair completes within seconds once its coach reports the session held. */
const fast = {
  cadence: { interval: 'PT12H', sessions: 1, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
  feedback: { reminderAfter: 'PT1H' },
};

describe('who may be matched: graduates, returns, re-imports, capacity across programs, former pairs, the waiting list', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo, waitMail } = ctx;
  const api = (method: string, url: string, json?: unknown) =>
    ctx.tandem.request(method, url, { key: ctx.key, ...(json === undefined ? {} : { json }) });

  const statusOf = async (enrollmentId: string) =>
    (
      await rawQuery<{ status: string }>(db(), `select status::text as status from enrollment where id = ?`, [
        enrollmentId,
      ])
    )[0].status;
  type Pair = { coach: string; coachee: string };
  const round = async (
    programId: string,
  ): Promise<{
    id: string;
    revision: number;
    stats: { coachees: number };
    unmatchedCoachees: unknown[];
    pairs: Pair[];
  }> => {
    const launched = await api('POST', `/api/v1/programs/${programId}/rounds`);
    expect(launched.status).toBe(202);
    const done = await roundDone(ctx.tandem, ctx.key, launched.body.id);
    const proposals = await api('GET', `/api/v1/rounds/${launched.body.id}/proposals`);
    return {
      ...done,
      pairs: proposals.body.items.map((p: { coach: { id: string }; coachee: { id: string } }) => ({
        coach: p.coach.id,
        coachee: p.coachee.id,
      })) as Pair[],
    };
  };
  const importDone = async (programId: string, people: FixturePerson[]) => {
    const accepted = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key: ctx.key,
      body: fixtureCsv(people),
    });
    expect(accepted.status).toBe(202);
    return waitFor(async () => {
      const view = await api('GET', `/api/v1/imports/${accepted.body.id}`);
      return view.body.status === 'succeeded' ? view.body : undefined;
    }, 'the import');
  };
  const acceptOffers = async (coachEmail: string, count = 1) => {
    const offers = await waitMail(coachEmail, 'Coaching offer', count);
    const answer = await ctx.tandem.request('POST', `${new URL(offerLink(offers[count - 1].text)).pathname}/accept`, {
      body: '',
      ...form,
    });
    expect(answer.status).toBe(200);
  };
  /**
   * The test clock moves past the coach's one session's close (14 hours after the acceptance); the coach reports it
   * held, so it can complete.
   */
  const reportHeld = async (coachEmail: string) => {
    await ctx.tandem.advance('PT14H1M');
    const [request] = await waitMail(coachEmail, 'Feedback on coaching session 1');
    expect(
      (await ctx.tandem.request('POST', linkPath(request.text, 'feedback'), { body: 'attendance=held', ...form }))
        .status,
    ).toBe(200);
  };
  const waitCompleted = (programId: string, n: number) =>
    waitFor(
      async () => {
        const [{ c }] = await rawQuery<{ c: number }>(
          db(),
          `select count(*)::int as c from pairing where program_id = ? and status = 'completed'`,
          [programId],
        );
        return c >= n ? true : undefined;
      },
      `${n} completed pairing(s)`,
      40_000,
    );

  it('graduates leave the pool and never reappear in a round; a re-import leaves them alone; an admin returns one, never to the former coach unless pinned', async () => {
    // Each coachee fits one coach clearly best: Esme Cora (active listening), Emil Carl (clear communication).
    const people: FixturePerson[] = [
      { role: 'coach', email: 'cora@grad.example', name: 'Cora Grad', capacity: 1, skills: [5, 3, 3, 3, 1] },
      { role: 'coach', email: 'carl@grad.example', name: 'Carl Grad', capacity: 1, skills: [1, 3, 3, 3, 5] },
      { role: 'coachee', email: 'esme@grad.example', name: 'Esme Grad', skills: [4, 0, 0, 0, 0] },
      { role: 'coachee', email: 'emil@grad.example', name: 'Emil Grad', skills: [0, 0, 0, 0, 4] },
    ];
    const { programId, idOf } = await seedProgram(ctx.tandem, ctx.key, { name: 'Graduates', ...fast }, people);
    const first = await round(programId);
    expect(first.pairs).toEqual(
      expect.arrayContaining([
        { coach: idOf('cora@grad.example'), coachee: idOf('esme@grad.example') },
        { coach: idOf('carl@grad.example'), coachee: idOf('emil@grad.example') },
      ]),
    );
    expect((await api('POST', `/api/v1/rounds/${first.id}/publish`)).status).toBe(200);
    await acceptOffers('cora@grad.example');
    await acceptOffers('carl@grad.example');
    await reportHeld('cora@grad.example');
    await reportHeld('carl@grad.example');
    await waitCompleted(programId, 2);
    expect(await statusOf(idOf('esme@grad.example'))).toBe('alumni');
    expect(await statusOf(idOf('emil@grad.example'))).toBe('alumni');

    // The same file again, with a changed goal for Esme and a new coachee: the graduates stay alumni, counted and noted.
    const again = await importDone(programId, [
      ...people.map((p) => (p.email === 'esme@grad.example' ? { ...p, goals: 'Lead a bigger team' } : p)),
      { role: 'coachee', email: 'nina@grad.example', name: 'Nina New', skills: [4, 0, 0, 0, 0] },
    ]);
    expect(again).toMatchObject({ created: 1, updated: 1, unchanged: 3, alumni: 2 });
    expect(again.notes).toEqual([expect.stringContaining('2 row(s) name people who finished this program (alumni)')]);
    expect(await statusOf(idOf('esme@grad.example'))).toBe('alumni');
    const [goal] = await rawQuery<{ goals: string }>(db(), `select goals from enrollment where id = ?`, [
      idOf('esme@grad.example'),
    ]);
    expect(goal.goals).toBe('Lead a bigger team');

    // The next round takes only the new coachee; the graduates are neither proposed nor listed as unmatched.
    const enrollments = await api('GET', `/api/v1/programs/${programId}/enrollments?limit=500`);
    const nina = enrollments.body.items.find((e: { email: string }) => e.email === 'nina@grad.example').id as string;
    const second = await round(programId);
    expect(second.stats.coachees).toBe(1);
    expect(second.pairs.map((p) => p.coachee)).toEqual([nina]);
    expect(second.unmatchedCoachees).toEqual([]);

    // An admin returns Esme on purpose (audited); twice is a conflict, another id is not found, nothing else changes.
    const returned = await api('POST', `/api/v1/enrollments/${idOf('esme@grad.example')}/return-to-pool`);
    expect(returned.status).toBe(200);
    expect(returned.body).toEqual({ id: idOf('esme@grad.example'), programId, status: 'active' });
    expect((await api('POST', `/api/v1/enrollments/${idOf('esme@grad.example')}/return-to-pool`)).status).toBe(409);
    expect((await api('POST', `/api/v1/enrollments/${idOf('cora@grad.example')}/return-to-pool`)).body.code).toBe(
      'not_alumni',
    );
    expect((await api('POST', '/api/v1/enrollments/00000000-0000-4000-8000-000000000000/return-to-pool')).status).toBe(
      404,
    );
    expect((await api('POST', '/api/v1/enrollments/not-an-id/return-to-pool')).status).toBe(404);
    const audits = await rawQuery<{ action: string }>(
      db(),
      `select action from audit_event where subject_id = ? and action = 'enrollment.returned-to-pool'`,
      [idOf('esme@grad.example')],
    );
    expect(audits).toHaveLength(1);

    // Back in the pool, Esme is never proposed to Cora again (her best fit, and free) unless the admin pins them.
    const third = await round(programId);
    expect(third.stats.coachees).toBe(2);
    const esme = third.pairs.find((p) => p.coachee === idOf('esme@grad.example'));
    expect(esme?.coach).not.toBe(idOf('cora@grad.example'));
    expect(third.pairs.some((p) => p.coachee === nina && p.coach === idOf('cora@grad.example'))).toBe(true);
    const pinned = await api('POST', `/api/v1/rounds/${third.id}/pins`, {
      coacheeId: idOf('esme@grad.example'),
      coachId: idOf('cora@grad.example'),
      revision: third.revision,
    });
    expect(pinned.status).toBe(200);
    const repinned = await roundDone(ctx.tandem, ctx.key, third.id);
    expect(repinned.status).toBe('proposed');
    const proposals = await api('GET', `/api/v1/rounds/${third.id}/proposals`);
    expect(
      proposals.body.items.find((p: { coachee: { id: string } }) => p.coachee.id === idOf('esme@grad.example')),
    ).toMatchObject({ coach: { id: idOf('cora@grad.example') }, pinned: true });
  }, 120_000);

  it('a coach in two running programs is never over capacity: places taken in one are not offered again in the other', async () => {
    const coach: FixturePerson = {
      role: 'coach',
      email: 'dana@two.example',
      name: 'Dana Two',
      capacity: 2,
      skills: [5, 3, 3, 3, 3],
    };
    const a = await seedProgram(ctx.tandem, ctx.key, { name: 'Two A' }, [
      coach,
      { role: 'coachee', email: 'a1@two.example', name: 'A One', skills: [4, 0, 0, 0, 0] },
      { role: 'coachee', email: 'a2@two.example', name: 'A Two', skills: [4, 0, 0, 0, 0] },
    ]);
    const b = await seedProgram(ctx.tandem, ctx.key, { name: 'Two B' }, [
      coach,
      { role: 'coach', email: 'otto@two.example', name: 'Otto Two', capacity: 3, skills: [3, 3, 3, 3, 3] },
      { role: 'coachee', email: 'b1@two.example', name: 'B One', skills: [4, 0, 0, 0, 0] },
      { role: 'coachee', email: 'b2@two.example', name: 'B Two', skills: [4, 0, 0, 0, 0] },
    ]);
    // Before A publishes, B's round would give Dana both of its coachees (she fits them best).
    const before = await round(b.programId);
    expect(before.pairs.filter((p) => p.coach === b.idOf('dana@two.example'))).toHaveLength(2);

    const inA = await round(a.programId);
    expect(inA.pairs.every((p) => p.coach === a.idOf('dana@two.example'))).toBe(true);
    expect(inA.pairs).toHaveLength(2);
    expect((await api('POST', `/api/v1/rounds/${inA.id}/publish`)).status).toBe(200);
    await acceptOffers('dana@two.example', 1);

    // Dana's two places are taken in A (one active, one offered): B proposes her nobody, and a pin is refused.
    const inB = await round(b.programId);
    expect(inB.pairs).toHaveLength(2);
    expect(inB.pairs.filter((p) => p.coach === b.idOf('dana@two.example'))).toEqual([]);
    const pin = await api('POST', `/api/v1/rounds/${inB.id}/pins`, {
      coacheeId: b.idOf('b1@two.example'),
      coachId: b.idOf('dana@two.example'),
      revision: inB.revision,
    });
    expect(pin.status).toBe(409);
    expect(pin.body.code).toBe('coach_full');
    const [live] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from pairing x join enrollment e on e.id = x.coach_id join person p on p.id = e.person_id where p.email = 'dana@two.example' and x.status in ('offered', 'active')`,
    );
    expect(live.n).toBe(2);
  }, 60_000);

  it('the waiting list: when a place frees up the best-fitting waiting coachee gets an offer, exactly once, and the admin is told', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'wanda@wait.example', name: 'Wanda Wait', capacity: 1, skills: [5, 3, 3, 3, 1] },
      { role: 'coachee', email: 'w1@wait.example', name: 'Wes First', skills: [5, 0, 0, 0, 0] },
      // Wil needs clear communication too (where Wanda is weak), so Wes fits her best, then Wil, then Wyn: no ties.
      { role: 'coachee', email: 'w2@wait.example', name: 'Wil Second', skills: [3, 0, 0, 0, 2] },
      { role: 'coachee', email: 'w3@wait.example', name: 'Wyn Third', skills: [0, 0, 0, 0, 4] },
    ];
    const { programId, idOf } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { name: 'Waiting', adminEmail: ADMIN, ...fast },
      people,
    );
    const first = await round(programId);
    expect(first.pairs).toEqual([{ coach: idOf('wanda@wait.example'), coachee: idOf('w1@wait.example') }]);
    expect((await api('POST', `/api/v1/rounds/${first.id}/publish`)).status).toBe(200);
    const waiting = await rawQuery<{ id: string; unmatched_reason: string }>(
      db(),
      `select id, unmatched_reason from enrollment where program_id = ? and unmatched_reason is not null order by id`,
      [programId],
    );
    expect(waiting.map((w) => w.id).sort()).toEqual([idOf('w2@wait.example'), idOf('w3@wait.example')].sort());

    // Wes's coaching completes: Wanda's place goes to Wil, who fits her better than Wyn does.
    await acceptOffers('wanda@wait.example', 1);
    await reportHeld('wanda@wait.example');
    await waitCompleted(programId, 1);
    // (Wil's offer is left open: accepted, his one session would complete and free the place again.)
    await waitMail('wanda@wait.example', 'Coaching offer', 2);
    const [admin] = await waitMail(ADMIN, 'Waiting list matched in Waiting');
    expect(admin.text).toContain('Wil Second to Wanda Wait');
    const offered = () =>
      rawQuery<{ coachee_id: string; status: string }>(
        db(),
        `select coachee_id, status::text as status from pairing where program_id = ? and status in ('offered', 'active') order by coachee_id`,
        [programId],
      );
    expect(await offered()).toEqual([{ coachee_id: idOf('w2@wait.example'), status: 'offered' }]);

    // Running the job again, or the reconciler, changes nothing: one offer, one admin email.
    expect(await ctx.tandem.get(RematchService).matchWaiting(programId)).toBe('skipped');
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).waitingLists).toBe(0);
    await ctx.tandem.queuesIdle();
    expect(mailTo('wanda@wait.example', 'Coaching offer')).toHaveLength(2);
    expect(mailTo(ADMIN, 'Waiting list matched in Waiting')).toHaveLength(1);

    // A coach joins by import: Wyn, still waiting, gets that coach's place.
    await importDone(programId, [
      ...people,
      { role: 'coach', email: 'walt@wait.example', name: 'Walt Wait', capacity: 1, skills: [1, 3, 3, 3, 5] },
    ]);
    await waitMail('walt@wait.example', 'Coaching offer');
    await waitMail(ADMIN, 'Waiting list matched in Waiting', 2);
    expect((await offered()).map((o) => o.coachee_id).sort()).toEqual(
      [idOf('w2@wait.example'), idOf('w3@wait.example')].sort(),
    );
    const keys = await rawQuery<{ k: string }>(
      db(),
      `select idempotency_key as k from outbox_message where idempotency_key like ?`,
      [`waitlist-matched:${programId}:%`],
    );
    expect(keys).toHaveLength(2);
  }, 120_000);

  it('publishing offers nobody who left the pool while the round solved; a coachee whose coach left waits for the next place', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'cora@left.example', name: 'Cora Left', capacity: 1, skills: [5, 3, 3, 3, 1] },
      { role: 'coach', email: 'carl@left.example', name: 'Carl Left', capacity: 1, skills: [1, 3, 3, 3, 5] },
      { role: 'coachee', email: 'esme@left.example', name: 'Esme Left', skills: [4, 0, 0, 0, 0] },
      { role: 'coachee', email: 'emil@left.example', name: 'Emil Left', skills: [0, 0, 0, 0, 4] },
    ];
    const { programId, idOf } = await seedProgram(ctx.tandem, ctx.key, { name: 'Left the pool' }, people);
    const proposed = await round(programId);
    expect(proposed.pairs).toHaveLength(2);
    // Between the solve and the publish, one coachee and the other pair's coach leave the pool.
    await rawQuery(db(), `update enrollment set status = 'withdrawn' where id in (?, ?)`, [
      idOf('esme@left.example'),
      idOf('carl@left.example'),
    ]);
    expect((await api('POST', `/api/v1/rounds/${proposed.id}/publish`)).status).toBe(200);
    const pairings = await rawQuery<{ coachee_id: string; status: string }>(
      db(),
      `select coachee_id, status::text as status from pairing where round_id = ? order by coachee_id`,
      [proposed.id],
    );
    expect(pairings.map((p) => p.status)).toEqual(['withdrawn', 'withdrawn']);
    const offers = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from offer o join pairing p on p.id = o.pairing_id where p.round_id = ?`,
      [proposed.id],
    );
    expect(offers[0].n).toBe(0);
    // Emil, still in the pool, lost his coach: he waits for the next free place, and Cora's (Esme left) is one.
    const [emil] = await rawQuery<{ unmatched_reason: string }>(
      db(),
      `select unmatched_reason from enrollment where id = ?`,
      [idOf('emil@left.example')],
    );
    expect(emil.unmatched_reason).toBe('coach-left');
    const [offer] = await waitMail('cora@left.example', 'Coaching offer');
    expect(offer.text).toContain('Emil');
    await ctx.tandem.queuesIdle();
    expect(mailTo('cora@left.example', 'Coaching offer')).toHaveLength(1);
    expect(mailTo('carl@left.example', 'Coaching offer')).toHaveLength(0);
    const live = await rawQuery<{ coachee_id: string; coach_id: string }>(
      db(),
      `select coachee_id, coach_id from pairing where program_id = ? and status = 'offered'`,
      [programId],
    );
    expect(live).toEqual([{ coachee_id: idOf('emil@left.example'), coach_id: idOf('cora@left.example') }]);
  });

  it('the reconciler re-queues a waiting-list match whose job was lost', async () => {
    const { programId, idOf } = await seedProgram(ctx.tandem, ctx.key, { name: 'Lost', adminEmail: ADMIN }, [
      { role: 'coach', email: 'lou@lost.example', name: 'Lou Lost', capacity: 1, skills: [5, 3, 3, 3, 3] },
      { role: 'coachee', email: 'l1@lost.example', name: 'Lia Lost', skills: [4, 0, 0, 0, 0] },
    ]);
    // Lia waits (a re-match found nobody, say); a place freed a minute ago but its job never reached Redis.
    await ctx.tandem.withoutWorker(async () => {
      await rawQuery(db(), `update enrollment set unmatched_reason = 'no-capacity' where id = ?`, [
        idOf('l1@lost.example'),
      ]);
      await rawQuery(
        db(),
        `update program set waitlist_due_at = now() - interval '1 minute', waitlist_done_at = null where id = ?`,
        [programId],
      );
      expect((await ctx.tandem.get(ReconcilerService).reconcile()).waitingLists).toBe(1);
    });
    await waitMail('lou@lost.example', 'Coaching offer');
    await waitFor(
      async () => ((await ctx.tandem.get(ReconcilerService).reconcile()).waitingLists === 0 ? true : undefined),
      'the waiting list to be matched',
    );
    const pairings = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from pairing where coachee_id = ? and status = 'offered'`,
      [idOf('l1@lost.example')],
    );
    expect(pairings[0].n).toBe(1);
  }, 60_000);
});
