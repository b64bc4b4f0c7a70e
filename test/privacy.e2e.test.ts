import { rawQuery } from '@tandem/domain';
import { OrganizationsService } from '@tandem/workflows';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { encode, form, linkPath, mailScenario } from './support/mail-scenario';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { tableCounts as countRows } from './support/table-counts';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';
const ERASED = 'eliza.quarrington@acme.example';
const ERASED_NAME = 'Eliza Quarrington';
const OPEN = 'otto.pendleton@acme.example';

/**
 * Data rights: an admin exports everything about one person and erases them (their data gone, other people's history
 * and the report's counts intact, a second erase changing nothing), and reads the audit trail; by API and console.
 */
describe('privacy: export, erase and the audit trail', () => {
  const ctx = mailScenario();
  const { db } = ctx;
  let key: string;
  let operator: string;
  let organizationId: string;
  let programId: string;
  let otherPersonId: string;
  const personIds = new Map<string, string>();
  const enrollmentIds = new Map<string, string>();
  const coachOf = new Map<string, { email: string; name: string }>();

  const people: FixturePerson[] = [
    {
      role: 'coach',
      email: 'coach-a@acme.example',
      name: 'Cora Abernathy',
      capacity: 1,
      skills: [4, 3, 4, 3, 3],
      bio: 'Coach bio',
    },
    {
      role: 'coachee',
      email: ERASED,
      name: ERASED_NAME,
      skills: [4, 0, 3, 0, 0],
      goals: 'Listen better',
      department: 'Finance',
      manager: 'boss@acme.example',
    },
    { role: 'coach', email: 'coach-b@acme.example', name: 'Cyril Bancroft', capacity: 1, skills: [4, 3, 4, 3, 3] },
    { role: 'coachee', email: 'coachee-b@acme.example', name: 'Bea Thornbury', skills: [4, 0, 3, 0, 0] },
    { role: 'coach', email: 'coach-d@acme.example', name: 'Dora Whitcombe', capacity: 1, skills: [4, 3, 4, 3, 3] },
    { role: 'coachee', email: OPEN, name: 'Otto Pendleton', skills: [4, 0, 3, 0, 0] },
  ];
  const api = (method: string, url: string, options: { key?: string; json?: unknown } = {}) =>
    ctx.tandem.request(method, url, { key, ...options });
  const tableCounts = () => countRows(db());
  const personRow = async (id: string) =>
    (
      await rawQuery<Record<string, unknown>>(
        db(),
        `select name, email, department, manager_email, level, languages, updated_at from person where id = ?`,
        [id],
      )
    )[0];
  const outboxDrained = () =>
    waitFor(
      async () => {
        const [{ n }] = await rawQuery<{ n: number }>(
          db(),
          `select count(*)::int as n from outbox_message where status in ('pending', 'sending')`,
        );
        return n === 0 ? true : undefined;
      },
      'the outbox to drain',
      30_000,
    );
  const countsOf = (report: {
    body: { funnel: unknown; sessions: unknown; offers: { decided: number; accepted: number } };
  }) => ({
    funnel: report.body.funnel,
    sessions: report.body.sessions,
    decided: report.body.offers.decided,
    accepted: report.body.offers.accepted,
  });

  beforeAll(async () => {
    await ctx.start();
    ({ apiKey: key, organizationId } = await consoleOrganization(ctx.tandem, 'Acme', ADMIN));
    ({ apiKey: operator } = await ctx.tandem
      .get(OrganizationsService)
      .createApiKey(organizationId, 'operator' as never));
    // Another organization (the scenario's own) with a person of its own.
    const other = await seedProgram(ctx.tandem, ctx.key, {}, [
      { role: 'coachee', email: 'someone@globex.example', name: 'Gus Globex' },
    ]);
    [{ id: otherPersonId }] = await rawQuery<{ id: string }>(
      db(),
      `select person_id as id from enrollment where id = ?`,
      [other.idOf('someone@globex.example')],
    );

    const seeded = await seedProgram(
      ctx.tandem,
      key,
      {
        name: 'Leaders private',
        cadence: { interval: 'PT12H', sessions: 1, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
        feedback: { reminderAfter: 'PT1H' },
      },
      people,
    );
    programId = seeded.programId;
    for (const p of people) {
      enrollmentIds.set(p.email, seeded.idOf(p.email));
      const [{ id }] = await rawQuery<{ id: string }>(db(), `select person_id as id from enrollment where id = ?`, [
        seeded.idOf(p.email),
      ]);
      personIds.set(p.email, id);
    }
    const round = await api('POST', `/api/v1/programs/${programId}/rounds`);
    expect((await roundDone(ctx.tandem, key, round.body.id)).matched).toBe(3);
    expect((await api('POST', `/api/v1/rounds/${round.body.id}/publish`)).status).toBe(200);
    const pairs = await rawQuery<{ coachee: string; coach: string; name: string }>(
      db(),
      `select ep.email as coachee, cp.email as coach, cp.name from pairing pr join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id where pr.program_id = ? and pr.status = 'offered'`,
      [programId],
    );
    for (const p of pairs) coachOf.set(p.coachee, { email: p.coach, name: p.name });
    // Two coaches accept and their pairings run to completion; the third coach's offer stays open.
    for (const coachee of [ERASED, 'coachee-b@acme.example']) {
      const coach = coachOf.get(coachee)!.email;
      const [offer] = await ctx.waitMail(coach, 'Coaching offer');
      expect(
        (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
          .status,
      ).toBe(200);
      // The test clock moves past the session's close (14 hours on).
      await ctx.tandem.advance('PT14H1M');
      const coacheeForm = linkPath((await ctx.waitMail(coachee, 'Feedback on coaching session 1'))[0].text, 'feedback');
      const coachForm = linkPath((await ctx.waitMail(coach, 'Feedback on coaching session 1'))[0].text, 'feedback');
      const answers = {
        rating: '5',
        progress_active_listening: '4',
        progress_emotional_intelligence: '5',
        goals: '4',
        tasks: '4',
        bond: '5',
        fit: 'good',
      };
      expect((await ctx.tandem.request('POST', coacheeForm, { body: encode(answers), ...form })).status).toBe(200);
      expect(
        (
          await ctx.tandem.request('POST', coachForm, {
            body: encode({ attendance: 'held', note: `Private note of ${coach}` }),
            ...form,
          })
        ).status,
      ).toBe(200);
      const [done] = await ctx.waitMail(coachee, 'Your coaching is complete');
      expect(
        (
          await ctx.tandem.request('POST', linkPath(done.text, 'surveys'), {
            body: encode({ level_active_listening: '4', level_emotional_intelligence: '3' }),
            ...form,
          })
        ).status,
      ).toBe(200);
    }
    await ctx.waitMail(coachOf.get(OPEN)!.email, 'Coaching offer');
    await outboxDrained();
  }, 120_000);
  afterAll(ctx.stop);

  it('exports everything about one person: their row, enrollments, pairings (the other side by name only), sessions, offers, own answers, surveys, audit and emails', async () => {
    const id = personIds.get(ERASED)!;
    const answer = await api('GET', `/api/v1/people/${id}/export`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="person-${id}.json"`);
    const data = answer.body;
    expect(data.person).toMatchObject({
      id,
      email: ERASED,
      name: ERASED_NAME,
      department: 'Finance',
      managerEmail: 'boss@acme.example',
    });
    expect(data.enrollments).toEqual([
      expect.objectContaining({
        programId,
        programName: 'Leaders private',
        role: 'coachee',
        status: 'alumni',
        goals: 'Listen better',
      }),
    ]);
    expect(data.pairings).toHaveLength(1);
    expect(data.pairings[0]).toMatchObject({
      programName: 'Leaders private',
      as: 'coachee',
      otherPersonName: coachOf.get(ERASED)!.name,
      status: 'completed',
      offer: { decision: 'accepted' },
    });
    expect(data.pairings[0].sessions).toEqual([expect.objectContaining({ index: 1, status: 'held' })]);
    // Their own answers only: the coach's form (and private note) on the same session is the coach's.
    expect(data.feedback).toEqual([
      expect.objectContaining({
        role: 'coachee',
        sessionRating: 5,
        fit: 'good',
        allianceBond: 5,
        progress: { active_listening: 4, emotional_intelligence: 5 },
      }),
    ]);
    expect(data.surveys).toEqual([
      expect.objectContaining({ levels: { active_listening: 4, emotional_intelligence: 3 } }),
    ]);
    const subjects = data.emails.map((e: { subject: string }) => e.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Welcome/),
        'Feedback on coaching session 1',
        expect.stringMatching(/^Your coaching is complete/),
      ]),
    );
    expect(data.emails.every((e: { status: string; text: string }) => e.status === 'sent' && e.text.length > 0)).toBe(
      true,
    );
    // Outside the emails they received (which may name their coach), nothing of the other people but a name.
    const text = JSON.stringify({ ...data, emails: undefined });
    for (const foreign of [
      coachOf.get(ERASED)!.email,
      'Private note of',
      'coachee-b@acme.example',
      'Bea Thornbury',
      'Coach bio',
    ])
      expect(text).not.toContain(foreign);

    // The coach's own export has the private note and the coachee by name.
    const coachEmail = coachOf.get(ERASED)!.email;
    const coach = (await api('GET', `/api/v1/people/${personIds.get(coachEmail)}/export`)).body;
    expect(coach.feedback).toEqual([
      expect.objectContaining({ role: 'coach', attendance: 'held', note: `Private note of ${coachEmail}` }),
    ]);
    expect(coach.pairings[0]).toMatchObject({ as: 'coach', otherPersonName: ERASED_NAME });
    expect(JSON.stringify({ ...coach, emails: undefined })).not.toContain(ERASED);

    // Audited with ids only; the next export lists the earlier one among the events about the person.
    const audits = await rawQuery<{ actor: string; data: unknown }>(
      db(),
      `select actor, data from audit_event where action = 'person.exported' and subject_id = ?`,
      [id],
    );
    expect(audits).toEqual([{ actor: expect.stringMatching(/^apikey:/), data: null }]);
    const again = (await api('GET', `/api/v1/people/${id}/export`)).body;
    expect(again.auditEvents.filter((e: { action: string }) => e.action === 'person.exported')).toHaveLength(1);
    expect(again.auditEvents.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['offer.accepted']),
    );
  });

  it('answers 401, 403 and 404 on the new routes before anything is read or written', async () => {
    const before = await tableCounts();
    const id = personIds.get(ERASED)!;
    const routes: [string, string, unknown][] = [
      ['GET', `/api/v1/people/${id}/export`, undefined],
      ['POST', `/api/v1/people/${id}/erase`, { confirm: ERASED }],
      ['GET', '/api/v1/audit', undefined],
    ];
    for (const [method, url, json] of routes) {
      expect((await ctx.tandem.request(method, url, { json })).status).toBe(401);
      expect((await ctx.tandem.request(method, url, { key: 'tdm_not-a-key', json })).status).toBe(401);
      const refused = await ctx.tandem.request(method, url, { key: operator, json });
      expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);
    }
    for (const bad of [otherPersonId, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const exported = await api('GET', `/api/v1/people/${bad}/export`);
      expect([exported.status, exported.body.code]).toEqual([404, 'not_found']);
      // Another organization's person is not found whatever the body says (even their own email).
      const erased = await api('POST', `/api/v1/people/${bad}/erase`, { json: { confirm: 'someone@globex.example' } });
      expect([erased.status, erased.body.code]).toEqual([404, 'not_found']);
    }
    expect(await tableCounts()).toEqual(before);
    expect((await personRow(otherPersonId)).name).toBe('Gus Globex');
  });

  it('refuses an erase without the right confirmation (422) and changes nothing', async () => {
    const id = personIds.get(ERASED)!;
    const before = await tableCounts();
    const row = await personRow(id);
    for (const json of [undefined, {}, { confirm: '' }, { confirm: 42 }, { confirm: 'coachee-b@acme.example' }]) {
      const answer = await api('POST', `/api/v1/people/${id}/erase`, { json });
      expect(answer.status).toBe(422);
      expect(answer.body.message).toMatch(/confirm/);
    }
    expect(await tableCounts()).toEqual(before);
    expect(await personRow(id)).toEqual(row);
  });

  it("erases a person: their data gone or anonymized, other people's history and the report's counts intact; a second erase changes nothing", async () => {
    const id = personIds.get(ERASED)!;
    const report = () => api('GET', `/api/v1/programs/${programId}/report`);
    const countsBefore = countsOf(await report());
    const [{ pairing }] = await rawQuery<{ pairing: string }>(
      db(),
      `select pr.id as pairing from pairing pr where pr.coachee_id = ?`,
      [enrollmentIds.get(ERASED)],
    );
    const feedbackOf = () =>
      rawQuery<{ role: string; n: number }>(
        db(),
        `select f.role::text as role, count(*)::int as n from feedback f join coaching_session s on s.id = f.session_id where s.pairing_id = ? group by f.role order by 1`,
        [pairing],
      );
    expect(await feedbackOf()).toEqual([
      { role: 'coach', n: 1 },
      { role: 'coachee', n: 1 },
    ]);
    const tablesBefore = await tableCounts();
    const othersBefore = await rawQuery(
      db(),
      `select id, name, email, department from person where id <> ? order by id`,
      [id],
    );
    const [{ mails }] = await rawQuery<{ mails: number }>(
      db(),
      `select count(*)::int as mails from outbox_message where "to" = ?`,
      [ERASED],
    );
    expect(mails).toBeGreaterThanOrEqual(3);

    const answer = await api('POST', `/api/v1/people/${id}/erase`, { json: { confirm: ERASED.toUpperCase() } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      personId: id,
      alreadyErased: false,
      enrollments: 1,
      feedbackDeleted: 1,
      surveysDeleted: 1,
      emailsScrubbed: expect.any(Number),
      offersWithdrawn: 0,
    });
    expect(answer.body.emailsScrubbed).toBeGreaterThanOrEqual(mails);

    // The person: anonymized, details cleared; their enrollment's free texts gone.
    expect(await personRow(id)).toMatchObject({
      name: 'Erased person',
      email: `erased-${id}@erased.invalid`,
      department: null,
      manager_email: null,
      level: null,
      languages: [],
    });
    expect(await rawQuery(db(), `select goals, bio from enrollment where person_id = ?`, [id])).toEqual([
      { goals: null, bio: null },
    ]);
    // Their answers and survey deleted; the coach's form on the same session kept.
    expect(await feedbackOf()).toEqual([{ role: 'coach', n: 1 }]);
    expect(await rawQuery(db(), `select 1 from closing_survey where pairing_id = ?`, [pairing])).toEqual([]);
    // Emails: nothing addressed to them or naming them is left, theirs kept as dates and statuses.
    expect(
      await rawQuery(
        db(),
        `select id from outbox_message where "to" = ? or strpos(text, ?) > 0 or strpos(subject, ?) > 0 or strpos(coalesce(html, ''), ?) > 0 or strpos(text, ?) > 0`,
        [ERASED, ERASED, ERASED_NAME, ERASED_NAME, ERASED_NAME],
      ),
    ).toEqual([]);
    // The coach's emails called them by first name and quoted their goals: both gone, the rest of the text kept.
    const coachMails = await rawQuery<{ subject: string; text: string }>(
      db(),
      `select subject, text from outbox_message where "to" = ?`,
      [coachOf.get(ERASED)!.email],
    );
    expect(coachMails.length).toBeGreaterThanOrEqual(4);
    expect(coachMails.filter((m) => /\bEliza\b|Listen better/.test(m.subject + m.text))).toEqual([]);
    expect(coachMails.map((m) => m.subject)).toEqual(
      expect.arrayContaining(['Coaching offer: Erased person (Leaders private)', 'You are now coaching Erased person']),
    );
    const scrubbed = await rawQuery<{ text: string; html: string | null; status: string }>(
      db(),
      `select text, html, status::text as status from outbox_message where "to" = ?`,
      [`erased-${id}@erased.invalid`],
    );
    expect(scrubbed).toHaveLength(mails);
    expect(scrubbed.every((m) => m.text === '' && m.html === null && m.status === 'sent')).toBe(true);
    // Other people: untouched; the pairing and its session stay, so the report counts the same.
    expect(
      await rawQuery(db(), `select id, name, email, department from person where id <> ? order by id`, [id]),
    ).toEqual(othersBefore);
    expect(await rawQuery(db(), `select status::text as status from pairing where id = ?`, [pairing])).toEqual([
      { status: 'completed' },
    ]);
    expect(countsOf(await report())).toEqual(countsBefore);
    const tablesAfter = await tableCounts();
    expect(tablesAfter).toEqual({
      ...tablesBefore,
      feedback: tablesBefore.feedback - 1,
      closing_survey: tablesBefore.closing_survey - 1,
      audit_event: tablesBefore.audit_event + 1,
    });
    // The audit entry holds counts, no personal data.
    const [audit] = await rawQuery<{ actor: string; subject_type: string; data: Record<string, unknown> }>(
      db(),
      `select actor, subject_type, data from audit_event where action = 'person.erased' and subject_id = ?`,
      [id],
    );
    expect(audit).toMatchObject({
      actor: expect.stringMatching(/^apikey:/),
      subject_type: 'person',
      data: { enrollments: 1, feedbackDeleted: 1, surveysDeleted: 1, offersWithdrawn: 0 },
    });
    expect(JSON.stringify(audit)).not.toMatch(/acme\.example|Eliza|Quarrington/);
    // The export now holds only the anonymized person.
    const exported = JSON.stringify((await api('GET', `/api/v1/people/${id}/export`)).body);
    expect(exported).not.toMatch(/eliza|quarrington|Listen better|Finance/i);

    // Again: 200, nothing more changed (the export above added its own audit entry only).
    const tables = await tableCounts();
    const row = await personRow(id);
    const second = await api('POST', `/api/v1/people/${id}/erase`, { json: { confirm: ERASED } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      personId: id,
      alreadyErased: true,
      enrollments: 0,
      feedbackDeleted: 0,
      surveysDeleted: 0,
      emailsScrubbed: 0,
      offersWithdrawn: 0,
    });
    expect(await tableCounts()).toEqual(tables);
    expect(await personRow(id)).toEqual(row);
  });

  it('withdraws an open offer through the offer itself, and takes the person out of the pool', async () => {
    const id = personIds.get(OPEN)!;
    const answer = await api('POST', `/api/v1/people/${id}/erase`, { json: { confirm: OPEN } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ alreadyErased: false, offersWithdrawn: 1, feedbackDeleted: 0 });
    const [pairing] = await rawQuery<{ status: string; decision: string; reason: string; enrollment: string }>(
      db(),
      `select pr.status::text as status, o.decision::text as decision, o.decline_reason as reason, e.status::text as enrollment
         from pairing pr join offer o on o.pairing_id = pr.id join enrollment e on e.id = pr.coachee_id where e.person_id = ?`,
      [id],
    );
    expect(pairing).toEqual({
      status: 'declined',
      decision: 'declined',
      reason: 'withdrawn: the person was erased',
      enrollment: 'withdrawn',
    });
    expect(
      (
        await rawQuery(
          db(),
          `select 1 from audit_event where action = 'offer.declined' and subject_id in (select o.id from offer o join pairing pr on pr.id = o.pairing_id where pr.coachee_id = ?)`,
          [enrollmentIds.get(OPEN)],
        )
      ).length,
    ).toBe(1);
    // The re-match the decline queues finds the coachee out of the pool: no new pairing for them.
    await ctx.tandem.queuesIdle();
    await outboxDrained();
    expect(
      await rawQuery(db(), `select status::text as status from pairing where coachee_id = ? order by created_at`, [
        enrollmentIds.get(OPEN),
      ]),
    ).toEqual([{ status: 'declined' }]);
  });

  it('refuses to erase someone in the proposals of an unpublished round (409), changing nothing', async () => {
    const draft = await seedProgram(ctx.tandem, key, { name: 'Leaders draft' }, [
      { role: 'coach', email: 'coach-x@acme.example', name: 'Xena Coach', capacity: 1 },
      { role: 'coachee', email: 'coachee-x@acme.example', name: 'Xavier Coachee' },
    ]);
    const round = await api('POST', `/api/v1/programs/${draft.programId}/rounds`);
    expect((await roundDone(ctx.tandem, key, round.body.id)).matched).toBe(1);
    const [{ id }] = await rawQuery<{ id: string }>(db(), `select person_id as id from enrollment where id = ?`, [
      draft.idOf('coachee-x@acme.example'),
    ]);
    const before = await tableCounts();
    const refused = await api('POST', `/api/v1/people/${id}/erase`, { json: { confirm: 'coachee-x@acme.example' } });
    expect([refused.status, refused.body.code]).toEqual([409, 'proposed']);
    expect(refused.body.message).toContain('Remove their pair from the round (or publish it) first');
    expect(await tableCounts()).toEqual(before);
    expect((await personRow(id)).name).toBe('Xavier Coachee');
  });

  it('reads the audit trail: newest first, filtered, paged, with clear 422s for bad filters', async () => {
    const all = await api('GET', '/api/v1/audit?limit=200');
    expect(all.status).toBe(200);
    const [{ n }] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from audit_event where organization_id = ?`,
      [organizationId],
    );
    expect(all.body.total).toBe(n);
    expect(all.body.items).toHaveLength(Math.min(n, 200));
    const times = all.body.items.map((e: { createdAt: string }) => Date.parse(e.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Only the organization's own entries.
    const [{ theirs }] = await rawQuery<{ theirs: number }>(
      db(),
      `select count(*)::int as theirs from audit_event where organization_id <> ?`,
      [organizationId],
    );
    expect(theirs).toBeGreaterThan(0);
    expect(all.body.items.every((e: { subjectId: string }) => e.subjectId !== otherPersonId)).toBe(true);

    const erased = await api('GET', '/api/v1/audit?action=person.erased&subjectType=person');
    expect(erased.body.total).toBe(2);
    expect(erased.body.items.map((e: { subjectId: string }) => e.subjectId)).toEqual([
      personIds.get(OPEN),
      personIds.get(ERASED),
    ]);
    const page1 = await api('GET', '/api/v1/audit?action=person.erased&limit=1');
    const page2 = await api('GET', '/api/v1/audit?action=person.erased&limit=1&offset=1');
    expect([page1.body.items[0].subjectId, page2.body.items[0].subjectId]).toEqual([
      personIds.get(OPEN),
      personIds.get(ERASED),
    ]);
    expect((await api('GET', `/api/v1/audit?actor=nobody:1`)).body).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await api('GET', `/api/v1/audit?since=${future}`)).body.total).toBe(0);
    expect((await api('GET', `/api/v1/audit?until=${future}&action=person.erased`)).body.total).toBe(2);

    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['offset=-1', 'offset'],
      ['limit=ten', 'limit'],
      ['since=yesterday', 'since'],
      ['until=2026-13-45', 'until'],
      ['since=2026-12-02&until=2026-12-01', 'until'],
      ['action=%3Cscript%3E', 'action'],
    ]) {
      const answer = await api('GET', `/api/v1/audit?${query}`);
      expect([answer.status, answer.body.code]).toEqual([422, 'validation_failed']);
      expect(answer.body.message).toContain(field);
    }
  });

  it('console: links on the person, the export download, the erase confirm page (CSRF, typed email) and the audit page', async () => {
    const browser = new ConsoleClient(ctx.tandem);
    await browser.signIn(ADMIN, ctx.smtp);
    const enrollment = enrollmentIds.get('coachee-b@acme.example')!;
    const personId = personIds.get('coachee-b@acme.example')!;
    const edit = await browser.get(`/console/enrollments/${enrollment}/edit`);
    expect(edit.text).toContain(`href="/console/enrollments/${enrollment}/export.json" download>Export data</a>`);
    expect(edit.text).toContain(`href="/console/enrollments/${enrollment}/erase">Erase…</a>`);
    expect(edit.text).toContain('<a href="/console/audit">Audit</a>');

    const download = await browser.get(`/console/enrollments/${enrollment}/export.json`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^application\/json/);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="person-${personId}.json"`);
    expect(JSON.parse(download.text).person).toMatchObject({ id: personId, name: 'Bea Thornbury' });
    const [exportAudit] = await rawQuery<{ actor: string }>(
      db(),
      `select actor from audit_event where action = 'person.exported' and subject_id = ?`,
      [personId],
    );
    expect(exportAudit.actor).toMatch(/^admin:/);

    const confirm = await browser.get(`/console/enrollments/${enrollment}/erase`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('<h1>Erase Bea Thornbury?</h1>');
    expect(confirm.text).toContain('Type coachee-b@acme.example to confirm');
    expect(confirm.text).toContain(`<form method="post" action="/console/enrollments/${enrollment}/erase">`);
    const before = await tableCounts();
    // Without the CSRF token: refused; with a wrong email: 422 and the page says why; nothing changed either way.
    expect(
      (
        await browser.post(`/console/enrollments/${enrollment}/erase`, {
          _csrf: 'forged',
          confirm: 'coachee-b@acme.example',
        })
      ).status,
    ).toBe(403);
    const wrong = await browser.post(
      `/console/enrollments/${enrollment}/erase`,
      { confirm: 'someone@else.example' },
      confirm.text,
    );
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Nothing was erased: Confirm does not match the email of the person to erase.');
    expect(wrong.text).toContain('Does not match the person’s email.');
    expect(await tableCounts()).toEqual(before);
    expect((await personRow(personId)).name).toBe('Bea Thornbury');

    const done = await browser.post(
      `/console/enrollments/${enrollment}/erase`,
      { confirm: 'coachee-b@acme.example' },
      confirm.text,
    );
    expect(done.status).toBe(200);
    expect(done.text).toContain('Erased: 1 feedback form(s) and 1 closing survey(s) deleted');
    expect(done.text).toContain('0 open offer(s) withdrawn, 1 enrollment(s) anonymized.');
    expect((await personRow(personId)).name).toBe('Erased person');
    const [eraseAudit] = await rawQuery<{ actor: string }>(
      db(),
      `select actor from audit_event where action = 'person.erased' and subject_id = ?`,
      [personId],
    );
    expect(eraseAudit.actor).toMatch(/^admin:/);
    const again = await browser.post(`/console/enrollments/${enrollment}/erase`, { confirm: 'anything' }, confirm.text);
    expect(again.text).toContain('This person was erased already: nothing more was changed.');

    const audit = await browser.get('/console/audit?action=person.erased');
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('Entries 1 to 3 of 3.');
    expect(audit.text).toContain(`<td>person.erased</td><td>person ${personId}</td>`);
    expect(audit.text).not.toMatch(/acme\.example<\/td>|Thornbury/);
    const paged = await browser.get('/console/audit?action=person.erased&offset=2');
    expect(paged.text).toContain('Entries 3 to 3 of 3.');
    expect(paged.text).toContain(`person ${personIds.get(ERASED)}`);
    const bad = await browser.get('/console/audit?since=yesterday&action=%3Cb%3Ex');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Nothing is shown: fix the filters marked below.');
    expect(bad.text).toContain('value="&lt;b&gt;x"');
    expect(bad.text).not.toContain('<b>x');
    // Another organization's enrollment is not found in the console either.
    const foreign = await rawQuery<{ id: string }>(db(), `select id from enrollment where person_id = ?`, [
      otherPersonId,
    ]);
    expect((await browser.get(`/console/enrollments/${foreign[0].id}/export.json`)).status).toBe(404);
    expect((await browser.get(`/console/enrollments/${foreign[0].id}/erase`)).status).toBe(404);
  });
  it("erases a coach: their notes go, what their coachees' answers taught about them stays as the organization's statistics", async () => {
    const coach = coachOf.get(ERASED)!;
    const id = personIds.get(coach.email)!;
    const learning = () =>
      rawQuery<{ skill: string; answers: number }>(
        db(),
        `select skill, answers from coach_learning where person_id = ? order by skill`,
        [id],
      );
    const kept = await learning();
    expect(kept.length).toBeGreaterThan(0);
    const countsBefore = countsOf(await api('GET', `/api/v1/programs/${programId}/report`));
    const answer = await api('POST', `/api/v1/people/${id}/erase`, { json: { confirm: coach.email } });
    expect(answer.body).toMatchObject({
      alreadyErased: false,
      feedbackDeleted: 1,
      surveysDeleted: 0,
      offersWithdrawn: 0,
    });
    expect(await rawQuery(db(), `select note from feedback where note like 'Private note of %'`)).toEqual([
      { note: `Private note of ${coachOf.get('coachee-b@acme.example')!.email}` },
    ]);
    expect(
      await rawQuery(db(), `select 1 from outbox_message where strpos(text, ?) > 0 or "to" = ?`, [
        coach.name,
        coach.email,
      ]),
    ).toEqual([]);
    expect(await learning()).toEqual(kept);
    // The history counts stay; the coach left the pool, so (as after a pause) they are no longer counted as enrolled.
    const funnel = countsBefore.funnel as { enrolledCoaches: number };
    expect(countsOf(await api('GET', `/api/v1/programs/${programId}/report`))).toEqual({
      ...countsBefore,
      funnel: { ...funnel, enrolledCoaches: funnel.enrolledCoaches - 1 },
    });
  });
});
