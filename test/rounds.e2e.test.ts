import { EntityManager } from '@mikro-orm/postgresql';
import { hashSecret, rawQuery } from '@tandem/domain';
import { escapeHtml } from '@tandem/mail';
import { QueueName } from '@tandem/queues';
import { JobProducer } from '@tandem/queues';
import { RoundsService } from '@tandem/workflows';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const PUBLIC_URL = 'https://tandem.test';

const coach = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coach',
  email: `coach${n}@acme.example`,
  name: `Coach${n} Smith`,
  capacity: 2,
  skills,
  ...extra,
});
const coachee = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coachee',
  email: `coachee${n}@acme.example`,
  name: `Dana${n} Lee`,
  skills,
  goals: `Goal of ${n}: <script>alert(${n})</script>`,
  ...extra,
});

describe('matching rounds, offers by email link, and re-matching', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url, PUBLIC_URL, PAGE_RATE_LIMIT: '1000' } });
    ({ apiKey: key } = await tandem.organization());
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  const pathOf = (link: string) => new URL(link).pathname;
  const mailTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
  const offerMailsTo = (email: string) => mailTo(email).filter((m) => m.subject.startsWith('Coaching offer'));

  it('runs a round, lets an admin pin, swap and exclude, publishes, and takes accept and decline on the offer page', async () => {
    const people: FixturePerson[] = [
      coach(1, [5, 5, 1, 1, 1]),
      coach(2, [1, 1, 5, 5, 1]),
      coach(3, [1, 1, 1, 1, 5], { capacity: 1 }),
      // A weak coach the round does not need: the one left with room when a coachee is re-matched.
      coach(4, [1, 1, 1, 1, 1], { capacity: 1 }),
      coachee(1, [5, 5, 0, 0, 0]),
      coachee(2, [0, 0, 5, 5, 0]),
      coachee(3, [0, 0, 0, 0, 5]),
      coachee(4, [4, 4, 0, 0, 0], { manager: 'coach1@acme.example' }),
    ];
    const { programId, idOf } = await seedProgram(tandem, key, { adminEmail: 'hr@acme.example' }, people);

    // One round at a time: with the worker paused the first round stays queued.
    await tandem.stopWorker();
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    expect(launched.status).toBe(202);
    expect(launched.body).toMatchObject({ status: 'queued', revision: 1 });
    const again = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('round_running');
    // The same job run twice (even at once) stores each proposal once.
    const rounds = tandem.get(RoundsService);
    const outcomes = await Promise.all([rounds.run(launched.body.id, 1), rounds.run(launched.body.id, 1)]);
    expect(outcomes).toContain('done');
    await tandem.startWorker();
    const round = await roundDone(tandem, key, launched.body.id);
    expect(round).toMatchObject({ status: 'proposed', progress: 1, matched: 4, unmatched: 0 });
    expect(round.totalScore).toBeGreaterThan(0);
    expect(round.stats).toMatchObject({ coachees: 4, coaches: 4, matched: 4 });
    const [{ n }] = await rawQuery<{ n: string }>(db(), `select count(*) as n from pairing where round_id = ?`, [
      round.id,
    ]);
    expect(Number(n)).toBe(4);
    // Proposals are drafts until published: the funnel does not count them as matched.
    expect((await tandem.request('GET', `/api/v1/programs/${programId}/report`, { key })).body.funnel).toMatchObject({
      enrolledCoachees: 4,
      matched: 0,
      offered: 0,
    });

    let proposals = (await tandem.request('GET', `/api/v1/rounds/${round.id}/proposals`, { key })).body;
    const proposalOf = (email: string) =>
      proposals.items.find((p: { coachee: { email: string } }) => p.coachee.email === email);
    expect(proposalOf('coachee1@acme.example').coach.email).toBe('coach1@acme.example');
    expect(proposalOf('coachee1@acme.example').breakdown.reasons.length).toBeGreaterThan(0);
    expect(proposalOf('coachee1@acme.example').breakdown.terms.map((t: { term: string }) => t.term)).toContain(
      'skills',
    );
    // coachee4 reports to coach1: the reporting-line rule keeps them apart.
    expect(proposalOf('coachee4@acme.example').coach.email).not.toBe('coach1@acme.example');

    // Pinning a forbidden pair is refused with the reason, and changes nothing.
    const forbidden = await tandem.request('POST', `/api/v1/rounds/${round.id}/pins`, {
      key,
      json: { coacheeId: idOf('coachee4@acme.example'), coachId: idOf('coach1@acme.example'), revision: 1 },
    });
    expect(forbidden.status).toBe(409);
    expect(forbidden.body).toMatchObject({ code: 'pair_not_allowed', details: { reason: 'reporting-line' } });

    // A swap: pin coachee2 to coach3; the rest is solved again around the pin.
    const pinned = await tandem.request('POST', `/api/v1/rounds/${round.id}/pins`, {
      key,
      json: { coacheeId: idOf('coachee2@acme.example'), coachId: idOf('coach3@acme.example'), revision: 1 },
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ revision: 2, status: 'queued' });
    // A second admin still holding revision 1 is refused.
    const stale = await tandem.request('POST', `/api/v1/rounds/${round.id}/exclusions`, {
      key,
      json: { coacheeId: idOf('coachee1@acme.example'), coachId: idOf('coach1@acme.example'), revision: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_revision');
    await roundDone(tandem, key, round.id);
    proposals = (await tandem.request('GET', `/api/v1/rounds/${round.id}/proposals`, { key })).body;
    expect(proposalOf('coachee2@acme.example')).toMatchObject({
      pinned: true,
      coach: { email: 'coach3@acme.example' },
    });
    // coach3 has capacity 1 and it went to the pin, so coachee3 gets someone else.
    expect(proposalOf('coachee3@acme.example').coach.email).not.toBe('coach3@acme.example');
    const full = await tandem.request('POST', `/api/v1/rounds/${round.id}/pins`, {
      key,
      json: { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach3@acme.example'), revision: 2 },
    });
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('coach_full');

    // Removing a pair excludes it.
    const excluded = await tandem.request('POST', `/api/v1/rounds/${round.id}/exclusions`, {
      key,
      json: { coacheeId: idOf('coachee1@acme.example'), coachId: idOf('coach1@acme.example'), revision: 2 },
    });
    expect(excluded.status).toBe(200);
    await roundDone(tandem, key, round.id);
    proposals = (await tandem.request('GET', `/api/v1/rounds/${round.id}/proposals`, { key })).body;
    expect(proposalOf('coachee1@acme.example').coach.email).not.toBe('coach1@acme.example');
    const audit = await rawQuery<{ action: string }>(
      db(),
      `select action from audit_event where subject_id = ? order by created_at`,
      [round.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['round.launched', 'round.pinned', 'round.excluded']);

    // Publish, with a forged Host header that must not leak into the links.
    const published = await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, {
      key,
      headers: { host: 'evil.example' },
    });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    const funnel = (await tandem.request('GET', `/api/v1/programs/${programId}/report`, { key })).body.funnel;
    expect(funnel.matched).toBeGreaterThan(0);
    expect(funnel.matched).toBe(funnel.offered);
    expect((await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, { key })).status).toBe(409);
    expect(
      (
        await tandem.request('POST', `/api/v1/rounds/${round.id}/exclusions`, {
          key,
          json: { coacheeId: idOf('coachee1@acme.example'), coachId: idOf('coach2@acme.example'), revision: 3 },
        })
      ).status,
    ).toBe(409);

    await waitFor(
      async () => (offerMailsTo('coach3@acme.example').length === 1 ? true : undefined),
      'the offer email to coach3',
    );
    const offerMail = offerMailsTo('coach3@acme.example')[0];
    expect(offerMail.text).toContain('Dana2');
    expect(offerMail.text).toContain('Why we matched you');
    // The coachee chose nobody: the match is Tandem's, and the email says so.
    expect(offerMail.text).not.toContain('would like you as their coach');
    expect(offerMail.text).toContain('We matched you with Dana2');
    const link = offerLink(offerMail.text);
    expect(link.startsWith(`${PUBLIC_URL}/offers/`)).toBe(true);
    expect(offerMail.html).toContain(`href="${link}"`);
    // No token in the database or the outbox.
    const token = pathOf(link).split('/').pop()!;
    const dump = await rawQuery<{ hit: boolean }>(
      db(),
      `select exists(select 1 from outbox_message where text like ? or html like ?) or exists(select 1 from offer where token_hash = ?) as hit`,
      [`%${token}%`, `%${token}%`, token],
    );
    expect(dump[0].hit).toBe(false);

    const state = async () =>
      (
        await rawQuery<{ status: string }>(
          db(),
          `select pr.status from pairing pr where pr.round_id = ? and pr.coachee_id = ?`,
          [round.id, idOf('coachee2@acme.example')],
        )
      )[0].status;
    // Scanners: GET and HEAD show and change nothing.
    const shown = await tandem.request('GET', pathOf(link));
    expect(shown.status).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.text).toContain('Would you coach Dana2?');
    // The page lists the pair's reasons from its stored breakdown.
    const [stored] = await rawQuery<{ reasons: string[] }>(
      db(),
      `select breakdown -> 'reasons' as reasons from pairing where round_id = ? and coachee_id = ?`,
      [round.id, idOf('coachee2@acme.example')],
    );
    expect(stored.reasons.length).toBeGreaterThan(0);
    for (const reason of stored.reasons) expect(shown.text).toContain(`<li>${escapeHtml(reason)}</li>`);
    expect(shown.text).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(shown.text).not.toContain('<script>');
    expect((await tandem.request('HEAD', pathOf(link))).status).toBe(200);
    expect(await state()).toBe('offered');

    const accepted = await tandem.request('POST', `${pathOf(link)}/accept`, {
      body: '',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('Thank you!');
    expect(await state()).toBe('active');
    const second = await tandem.request('POST', `${pathOf(link)}/accept`, {
      body: '',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(second.status).toBe(200);
    expect(second.text).toContain('Already accepted');
    const flip = await tandem.request('POST', `${pathOf(link)}/decline`, {
      body: 'reason=changed+my+mind',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(flip.status).toBe(409);
    expect(await state()).toBe('active');
    // The two introductions are two emails, sent by two jobs in either order.
    await waitFor(
      async () =>
        mailTo('coachee2@acme.example').some((m) => m.subject.startsWith('Meet your coach')) ? true : undefined,
      'the introduction to coachee2',
    );
    await waitFor(
      async () =>
        mailTo('coach3@acme.example').some((m) => m.subject.startsWith('You are now coaching')) ? true : undefined,
      'the introduction to coach3',
    );
    await tandem.queuesIdle();
    expect(mailTo('coach3@acme.example').filter((m) => m.subject.startsWith('You are now coaching'))).toHaveLength(1);
    const [pairing] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where round_id = ? and coachee_id = ?`,
      [round.id, idOf('coachee2@acme.example')],
    );
    const cadenceJob = await tandem.get(JobProducer).queue(QueueName.Cadence).getJob(`schedule-sessions.${pairing.id}`);
    expect(cadenceJob?.data).toEqual({ pairingId: pairing.id });

    // Decline: the coachee is re-matched with a coach who still has room, never the one who declined.
    const declinedEmail = proposalOf('coachee3@acme.example').coach.email as string;
    const declineMail = offerMailsTo(declinedEmail).find((m) => m.text.includes('Dana3'))!;
    const declined = await tandem.request('POST', `${pathOf(offerLink(declineMail.text))}/decline`, {
      body: 'reason=Too+busy+%3Cb%3Ethis%3C%2Fb%3E+month',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('Offer declined');
    const rematched = await waitFor(async () => {
      const [row] = await rawQuery<{ email: string }>(
        db(),
        `select cp.email from pairing pr join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
          where pr.coachee_id = ? and pr.status = 'offered' and pr.round_id is null`,
        [idOf('coachee3@acme.example')],
      );
      return row?.email;
    }, 'the re-match offer');
    expect(rematched).not.toBe(declinedEmail);
    await waitFor(
      async () => (offerMailsTo(rematched).some((m) => m.text.includes('Dana3')) ? true : undefined),
      'the re-match email',
    );
    const [reason] = await rawQuery<{ decline_reason: string }>(
      db(),
      `select decline_reason from offer where decision = 'declined'`,
    );
    expect(reason.decline_reason).toBe('Too busy <b>this</b> month');

    const pairings = await tandem.request('GET', `/api/v1/pairings?programId=${programId}`, { key });
    expect(pairings.status).toBe(200);
    const statuses = pairings.body.items.map((p: { status: string }) => p.status).sort();
    expect(statuses).toEqual(['active', 'declined', 'offered', 'offered', 'offered']);
  });

  it('answers unknown and altered tokens with a plain page and changes nothing', async () => {
    const unknown = await tandem.request('GET', `/offers/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Link not valid');
    expect(
      (
        await tandem.request('POST', `/offers/${'A'.repeat(43)}/accept`, {
          body: '',
          contentType: 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(404);
    expect((await tandem.request('GET', '/offers/short')).status).toBe(404);
    const link = offerLink(smtp.messages.find((m) => m.subject.startsWith('Coaching offer'))!.text);
    const token = pathOf(link).split('/').pop()!;
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await tandem.request('GET', `/offers/${altered}`)).status).toBe(404);
  });

  it('answers many offer pages opened at once from a few queries, each with its own offer in its current state', async () => {
    const links = smtp.messages
      .filter((m) => m.subject.startsWith('Coaching offer'))
      .map((m) => ({ token: pathOf(offerLink(m.text)).split('/').pop()!, subject: m.subject }));
    expect(links.length).toBeGreaterThanOrEqual(4);
    const stateOf = async (token: string) =>
      (
        await rawQuery<{ decision: string | null }>(db(), `select decision from offer where token_hash = ?`, [
          hashSecret(token),
        ])
      )[0].decision;
    const heading = (decision: string | null) =>
      decision === 'accepted' ? 'Offer accepted' : decision === 'declined' ? 'Offer declined' : 'Would you coach';
    const unknown = 'A'.repeat(43);
    const queries: string[] = [];
    const knex = tandem.get(EntityManager).getKnex();
    const count = (query: { sql: string }) => void queries.push(query.sql);
    knex.on('query', count);
    let pages;
    try {
      pages = await Promise.all(
        [...links.map((l) => l.token), unknown, ...links.map((l) => l.token)].map((token) =>
          tandem.request('GET', `/offers/${token}`),
        ),
      );
    } finally {
      knex.off('query', count);
    }
    // Page views that arrive together are looked up together: far fewer queries than pages.
    const lookups = queries.filter((sql) => sql.includes('o.token_hash = any('));
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups.length).toBeLessThan(pages.length / 2);
    expect(pages[links.length].status).toBe(404);
    expect(pages[links.length].text).toContain('Link not valid');
    for (const [i, link] of [...links, undefined, ...links].entries()) {
      if (!link) continue;
      const first = /Coaching offer: (\S+)/.exec(link.subject)![1];
      expect(pages[i].text).toContain(first);
      expect(pages[i].text).toContain(heading(await stateOf(link.token)));
    }

    // Nothing is cached: a page opened right after a decision shows it.
    const pending = links.filter((l) => pages[links.indexOf(l)].text.includes('Would you coach'));
    expect(pending.length).toBeGreaterThan(0);
    const [open] = pending;
    expect(
      (
        await tandem.request('POST', `/offers/${open.token}/decline`, {
          body: '',
          contentType: 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(200);
    const after = await tandem.request('GET', `/offers/${open.token}`);
    expect(after.status).toBe(200);
    expect(after.text).toContain('Offer declined');
  });

  it('expires offers after their time-to-live and re-matches, then tells the admin when no coach is left', async () => {
    const people: FixturePerson[] = [
      { ...coach(11, [5, 5, 5, 5, 5], { capacity: 1 }), email: 'c11@expire.example' },
      { ...coach(12, [1, 1, 1, 1, 1], { capacity: 1 }), email: 'c12@expire.example' },
      { ...coachee(11, [5, 5, 5, 5, 5]), email: 'e11@expire.example', name: 'Ezra Stone' },
    ];
    const { programId } = await seedProgram(
      tandem,
      key,
      { offerTtl: 'P2D', adminEmail: 'admin@expire.example' },
      people,
    );
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, launched.body.id);
    expect((await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key })).status).toBe(200);
    // c11 is offered first; it expires (the test clock moves past its two days); c12 is offered; it expires; nobody is
    // left: the admin hears of it.
    await waitFor(async () => (offerMailsTo('c11@expire.example').length === 1 ? true : undefined), 'the first offer');
    await tandem.advance('PT23H');
    expect(mailTo('c11@expire.example').filter((m) => m.subject.startsWith('Reminder: coaching offer'))).toHaveLength(
      0,
    );
    await tandem.advance('P1DT2H');
    expect(offerMailsTo('c12@expire.example')).toHaveLength(1);
    expect(mailTo('admin@expire.example')).toHaveLength(0);
    await tandem.advance('P2DT1H');
    const [adminMail] = mailTo('admin@expire.example');
    expect(adminMail).toBeDefined();
    // Each offer got its one reminder half-way through its time-to-live.
    expect(mailTo('c11@expire.example').filter((m) => m.subject.startsWith('Reminder: coaching offer'))).toHaveLength(
      1,
    );
    expect(adminMail.text).toContain('Ezra Stone');
    // The reason in words, never as a code.
    expect(adminMail.text).toContain(
      'Tandem could not find a coach for Ezra Stone in Leaders 2027: every fitting coach declined them or coached them before.',
    );
    expect(adminMail.text).not.toMatch(/\((declined-before|no-capacity)\)/);
    // The funnel counts the published round's coachee as matched, and the board keeps both expired offers.
    const report = await tandem.request('GET', `/api/v1/programs/${programId}/report`, { key });
    expect(report.body.funnel).toMatchObject({ enrolledCoachees: 1, matched: 1, offered: 1, accepted: 0 });
    const expiredPairings = await tandem.request('GET', `/api/v1/pairings?programId=${programId}&status=expired`, {
      key,
    });
    expect(expiredPairings.body.items).toHaveLength(2);
    for (const p of expiredPairings.body.items) expect(p.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const rows = await rawQuery<{ status: string }>(
      db(),
      `select status from pairing where program_id = ? order by created_at`,
      [programId],
    );
    expect(rows.map((r) => r.status)).toEqual(['expired', 'expired']);
    const [enrollment] = await rawQuery<{ unmatched_reason: string }>(
      db(),
      `select unmatched_reason from enrollment e join person p on p.id = e.person_id where p.email = 'e11@expire.example'`,
    );
    expect(enrollment.unmatched_reason).toBe('declined-before');
    // An expired link says so.
    const expired = await tandem.request('GET', pathOf(offerLink(offerMailsTo('c11@expire.example')[0].text)));
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');
  });

  it('lets exactly one of 50 concurrent accepts through, with one pair of introduction emails', async () => {
    const people: FixturePerson[] = [
      { ...coach(21, [4, 4, 4, 4, 4]), email: 'c21@race.example' },
      { ...coachee(21, [4, 4, 4, 4, 4]), email: 'e21@race.example' },
    ];
    const { programId } = await seedProgram(tandem, key, {}, people);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, launched.body.id);
    await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key });
    const mail = await waitFor(async () => offerMailsTo('c21@race.example')[0], 'the offer');
    const path = `${pathOf(offerLink(mail.text))}/accept`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        tandem.request('POST', path, { body: '', contentType: 'application/x-www-form-urlencoded' }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.text.includes('Thank you!'))).toHaveLength(1);
    const [{ n }] = await rawQuery<{ n: string }>(
      db(),
      `select count(*) as n from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    expect(Number(n)).toBe(1);
    const [{ m }] = await rawQuery<{ m: string }>(
      db(),
      `select count(*) as m from outbox_message where idempotency_key like 'intro:%' and "to" in ('c21@race.example', 'e21@race.example')`,
    );
    expect(Number(m)).toBe(2);
  });

  it("lets exactly one accept take a coach's last place", async () => {
    const people: FixturePerson[] = [
      { ...coach(31, [4, 4, 4, 4, 4], { capacity: 2 }), email: 'c31@slot.example' },
      { ...coachee(31, [4, 4, 4, 4, 4]), email: 'e31@slot.example' },
      { ...coachee(32, [4, 4, 4, 4, 4]), email: 'e32@slot.example' },
    ];
    const { programId, idOf } = await seedProgram(tandem, key, {}, people);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, launched.body.id);
    await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key });
    await waitFor(
      async () => (offerMailsTo('c31@slot.example').length === 2 ? true : undefined),
      'two offers to one coach',
    );
    // The admin lowers the coach's capacity to one after the offers went out.
    await rawQuery(db(), `update enrollment set capacity = 1 where id = ?`, [idOf('c31@slot.example')]);
    const paths = offerMailsTo('c31@slot.example').map((m) => `${pathOf(offerLink(m.text))}/accept`);
    const answers = await Promise.all(
      paths.map((path) => tandem.request('POST', path, { body: '', contentType: 'application/x-www-form-urlencoded' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const [{ n }] = await rawQuery<{ n: string }>(
      db(),
      `select count(*) as n from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    expect(Number(n)).toBe(1);
  });
});
