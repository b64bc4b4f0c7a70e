import { randomUUID } from 'node:crypto';
import { rawQuery } from '@tandem/domain';
import { formatInstant } from '@tandem/mail';
import { FeedbackService, PERSONAL_SIGN_IN_MINUTES } from '@tandem/workflows';
import { SIGN_IN_ANSWER_MS } from '../apps/api/src/console/console-signin.controller';
import { encode, form, linkPath, mailScenario } from './support/mail-scenario';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { appRoutes } from './support/routes';
import { tableCounts } from './support/table-counts';
import { waitFor } from './support/test-env';

/** A cookie jar of one browser: what `set-cookie` gave, sent back on each request. */
class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly request: ReturnType<typeof mailScenario>['tandem']['request']) {}

  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async go(method: string, url: string, fields?: Record<string, string>) {
    const answer = await this.request(method, url, {
      headers: this.header(),
      ...(fields ? { body: encode(fields), ...form } : {}),
    });
    for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
      const [pair] = String(line).split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(String(line))) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
    return answer;
  }

  /** The `_csrf` value of the first form of a page. */
  static csrf(page: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!match) throw new Error(`no CSRF field in: ${page.slice(0, 300)}`);
    return match[1];
  }
}

/** Text of a page without its tags, whitespace folded: what a reader sees. */
const seen = (page: string) =>
  page
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

describe('the personal page: sign-in by emailed link, what it shows, and the person’s own actions', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo } = ctx;

  const people: FixturePerson[] = [
    {
      role: 'coach',
      email: 'cora@acme.example',
      name: 'Cora Best',
      capacity: 1,
      timezone: 'Europe/Berlin',
      skills: [5, 5, 5, 5, 5],
      bio: 'Twenty years of leading teams; I listen first.',
    },
    { role: 'coach', email: 'carl@acme.example', name: 'Carl Next', capacity: 1, skills: [3, 3, 3, 3, 3] },
    {
      role: 'coachee',
      email: 'eli@acme.example',
      name: 'Eli Learner',
      timezone: 'America/New_York',
      goals: 'Listen better',
    },
  ];
  let programId = '';
  let idOf: (email: string) => string;
  let roundId = '';

  /** Signs a person in through the emailed link, as a browser does; answers the browser. */
  async function signIn(email: string): Promise<Browser> {
    const browser = new Browser(ctx.tandem.request.bind(ctx.tandem));
    const formPage = await browser.go('GET', '/me/signin');
    expect(formPage.status).toBe(200);
    const before = mailTo(email, 'Your link to your Tandem page').length;
    const sent = await browser.go('POST', '/me/signin', { _csrf: Browser.csrf(formPage.text), email });
    expect(sent.status).toBe(200);
    const [mail] = (await ctx.waitMail(email, 'Your link to your Tandem page', before + 1)).slice(before);
    const path = new RegExp(`https://tandem\\.test(/me/signin/[A-Za-z0-9_-]{43})`).exec(mail.text)![1];
    const confirm = await browser.go('GET', path);
    expect(confirm.status).toBe(200);
    const signedIn = await browser.go('POST', path, { _csrf: Browser.csrf(confirm.text) });
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/me']);
    return browser;
  }

  const statusOf = async (email: string) =>
    (
      await rawQuery<{ status: string }>(db(), `select status::text as status from enrollment where id = ?`, [
        idOf(email),
      ])
    )[0].status;

  beforeAll(async () => {
    ({ programId, idOf } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { adminEmail: 'team@acme.example', policy: { maxTimezoneGapHours: 12 } },
      people,
    ));
  });

  it('signs in by an emailed link used once: the form answers alike for anyone, GET changes nothing, POST needs the form token', async () => {
    const browser = new Browser(ctx.tandem.request.bind(ctx.tandem));
    expect((await browser.go('GET', '/me')).headers.location).toBe('/me/signin');
    const formPage = await browser.go('GET', '/me/signin');
    expect(seen(formPage.text)).toContain(`it works once, for ${PERSONAL_SIGN_IN_MINUTES} minutes`);
    const csrf = Browser.csrf(formPage.text);

    // A malformed email is a 422 with its message beside the field, and nothing is written.
    const before = await tableCounts(db());
    const bad = await browser.go('POST', '/me/signin', { _csrf: csrf, email: 'not an email' });
    expect(bad.status).toBe(422);
    expect(seen(bad.text)).toContain('Enter a valid email address.');
    expect(bad.text).toContain('aria-invalid="true"');
    expect(await tableCounts(db())).toEqual(before);

    // A known and an unknown address get the same page, no sooner than the floor; only the known one gets an email.
    const answers: { text: string; ms: number }[] = [];
    for (const email of ['nobody@acme.example', 'eli@acme.example']) {
      const started = performance.now();
      const answer = await browser.go('POST', '/me/signin', { _csrf: csrf, email });
      answers.push({ text: seen(answer.text), ms: performance.now() - started });
      expect(answer.status).toBe(200);
    }
    expect(answers[0].text).toBe(answers[1].text);
    expect(answers[0].text).toContain('If this address belongs to someone in a Tandem program');
    for (const { ms } of answers) expect(ms).toBeGreaterThanOrEqual(SIGN_IN_ANSWER_MS - 5);
    const [mail] = await ctx.waitMail('eli@acme.example', 'Your link to your Tandem page');
    await ctx.tandem.queuesIdle();
    expect(ctx.smtp.messages.filter((m) => m.to.includes('nobody@acme.example'))).toEqual([]);
    expect(mail.text).toContain(`It works once, for ${PERSONAL_SIGN_IN_MINUTES} minutes`);
    const path = /https:\/\/tandem\.test(\/me\/signin\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1];

    // A mail scanner fetching the link twice uses nothing; a POST without the form's token is refused.
    expect((await browser.go('GET', path)).status).toBe(200);
    const confirm = await browser.go('GET', path);
    expect(confirm.status).toBe(200);
    expect((await browser.go('POST', path, { _csrf: 'forged' })).status).toBe(403);
    const [{ n: unused }] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from participant_sign_in where used_at is null`,
    );
    expect(unused).toBe(1);

    const signedIn = await browser.go('POST', path, { _csrf: Browser.csrf(confirm.text) });
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/me']);
    expect(String(signedIn.headers['set-cookie'])).toMatch(
      /tandem_me=tps_[^;]+; Max-Age=43200; Path=\/me; HttpOnly; Secure; SameSite=Lax/,
    );
    // Only the hash is stored.
    const [stored] = await rawQuery<{ token_hash: string }>(db(), `select token_hash from participant_session`);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(browser.header().cookie).not.toContain(stored.token_hash);

    // The link works once.
    expect((await browser.go('GET', path)).status).toBe(404);
    const again = new Browser(ctx.tandem.request.bind(ctx.tandem));
    const confirmAgain = await again.go('GET', '/me/signin');
    expect((await again.go('POST', path, { _csrf: Browser.csrf(confirmAgain.text) })).status).toBe(404);

    const home = await browser.go('GET', '/me');
    expect(home.status).toBe(200);
    expect(seen(home.text)).toContain('Signed in as Eli Learner (eli@acme.example).');
    expect(seen(home.text)).toContain('You have no coach yet: we match you in the next round.');
    expect(seen(home.text)).toContain('In the matching pool.');
  });

  it('answers every /me route without a session by sending the browser to sign-in, whatever its body', async () => {
    const signInRoute = (path: string) => path.startsWith('/me/signin');
    const routes = appRoutes(ctx.tandem.api).filter(
      (r) => (r.path === '/me' || r.path.startsWith('/me/')) && !signInRoute(r.path),
    );
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /me',
      'GET /me/sessions/:id/calendar.ics',
      'POST /me/enrollments/:id/leave',
      'POST /me/enrollments/:id/pause',
      'POST /me/enrollments/:id/resume',
      'POST /me/pairings/:id/rematch',
      'POST /me/signout',
    ]);
    const before = await tableCounts(db());
    const wrong: string[] = [];
    for (const route of routes) {
      for (const [body, contentType] of [
        ['a=%ff', 'application/x-www-form-urlencoded'],
        ['{"a":', 'application/json'],
        ['', 'application/x-www-form-urlencoded'],
      ]) {
        const answer = await ctx.tandem.request(route.method, route.path.replace(':id', randomUUID()), {
          body: route.method === 'POST' ? body : undefined,
          contentType,
          headers: { cookie: 'tandem_me=%zz' },
        });
        if (answer.status !== 303 || answer.headers.location !== '/me/signin')
          wrong.push(`${route.method} ${route.path} (${contentType}): ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts(db())).toEqual(before);
  });

  it('shows the coach, the sessions with calendar files and the feedback still to give, and never an answer', async () => {
    const eli = await signIn('eli@acme.example');
    const cora = await signIn('cora@acme.example');
    const launched = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    roundId = launched.body.id;
    expect((await roundDone(ctx.tandem, ctx.key, roundId)).matched).toBe(1);
    // Before publishing, nobody sees the proposal.
    expect(seen((await cora.go('GET', '/me')).text)).toContain('You have no coachee in this program right now.');
    expect(seen((await eli.go('GET', '/me')).text)).not.toContain('Cora');
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${roundId}/publish`, { key: ctx.key })).status).toBe(200);
    const offer = await ctx.waitMail('cora@acme.example', 'Coaching offer');

    // Offered: the coach sees whom and the same offer page as the email's; the coachee does not see the coach yet.
    const coraOffered = await cora.go('GET', '/me');
    expect(seen(coraOffered.text)).toContain('You have been asked to coach Eli Learner.');
    expect(coraOffered.text).toContain(`href="${new URL(offerLink(offer[0].text)).pathname}"`);
    const eliOffered = seen((await eli.go('GET', '/me')).text);
    expect(eliOffered).toContain('A coach has been asked to coach you');
    expect(eliOffered).not.toContain('Cora');

    const accepted = await ctx.tandem.request('POST', `${new URL(offerLink(offer[0].text)).pathname}/accept`, {
      body: '',
      ...form,
    });
    expect(accepted.status).toBe(200);
    const [pairing] = await rawQuery<{ id: string }>(db(), `select id from pairing where status = 'active'`);
    const sessions = await waitFor(async () => {
      const rows = await rawQuery<{ id: string; index: number; starts_at: string }>(
        db(),
        `select id, index, starts_at from coaching_session where pairing_id = ? order by index`,
        [pairing.id],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the planned sessions');

    const home = await eli.go('GET', '/me');
    const text = seen(home.text);
    expect(text).toContain('Your coach: Cora Best');
    expect(text).toContain('Time zone: Europe/Berlin');
    expect(text).toContain('Languages: English');
    expect(text).toContain('Twenty years of leading teams; I listen first.');
    expect(text).not.toContain('cora@acme.example');
    expect(text).toContain('Upcoming sessions');
    const firstWhen = formatInstant(new Date(sessions[0].starts_at), 'America/New_York', 'en');
    expect(text).toContain(`Session 1 of ${sessions.length}: ${firstWhen} · Calendar file · Move or cancel`);
    expect(home.text.match(/data-session="/g)).toHaveLength(sessions.length);
    // Each session links its calendar file and its own page (the email's move-or-cancel link).
    const invite = (await ctx.waitMail('eli@acme.example', 'Your coaching sessions'))[0];
    expect(home.text).toContain(`href="${linkPath(invite.text, 'sessions')}"`);

    const ics = await eli.go('GET', `/me/sessions/${sessions[0].id}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(ics.text).toContain(`UID:${sessions[0].id}@tandem`);
    const dtstart = new Date(sessions[0].starts_at)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(ics.text).toContain(`DTSTART:${dtstart}`);
    // Someone else's session, or no session at all, is the same 404.
    const carl = await signIn('carl@acme.example');
    expect((await carl.go('GET', `/me/sessions/${sessions[0].id}/calendar.ics`)).status).toBe(404);
    expect((await eli.go('GET', `/me/sessions/${randomUUID()}/calendar.ics`)).status).toBe(404);
    expect((await eli.go('GET', `/me/sessions/not-an-id/calendar.ics`)).status).toBe(404);

    // Session 1 took place: both are asked for feedback; the coach answers with a private note.
    await rawQuery(
      db(),
      `update coaching_session set starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour',
              remind_at = now() - interval '3 hours', reminded_at = now() - interval '3 hours' where id = ?`,
      [sessions[0].id],
    );
    expect(await ctx.tandem.get(FeedbackService).closeSession(sessions[0].id)).toBe('requested');
    const [coachRequest] = await ctx.waitMail('cora@acme.example', 'Feedback on coaching session 1');
    const [coacheeRequest] = await ctx.waitMail('eli@acme.example', 'Feedback on coaching session 1');
    const note = 'PRIVATE-NOTE-7f3a: Eli avoids conflict';
    const coachForm = linkPath(coachRequest.text, 'feedback');
    const submitted = await ctx.tandem.request('POST', coachForm, {
      body: encode({ attendance: 'held', note }),
      ...form,
    });
    expect(submitted.status).toBe(200);

    const eliNow = await eli.go('GET', '/me');
    expect(seen(eliNow.text)).toContain('Feedback to give');
    expect(eliNow.text).toContain(`href="${linkPath(coacheeRequest.text, 'feedback')}"`);
    expect(seen(eliNow.text)).toContain('Past sessions');
    const coraNow = await cora.go('GET', '/me');
    expect(seen(coraNow.text)).toContain('Your coachee: Eli Learner');
    expect(seen(coraNow.text)).not.toContain('Feedback to give');
    for (const page of [eliNow.text, coraNow.text]) expect(page).not.toContain('PRIVATE-NOTE-7f3a');
  });

  it('lets a person pause and resume only their own enrollment, refuses a pause during coaching with words, and checks the form token', async () => {
    const eli = await signIn('eli@acme.example');
    const carl = await signIn('carl@acme.example');
    const page = await eli.go('GET', '/me');
    const csrf = Browser.csrf(page.text);
    const before = await tableCounts(db());

    // Eli is being coached: a pause is refused, and says why.
    const refused = await eli.go('POST', `/me/enrollments/${idOf('eli@acme.example')}/pause`, { _csrf: csrf });
    expect(refused.status).toBe(409);
    expect(seen(refused.text)).toContain('You have a coaching that is offered or running');
    // Without the form token, or for someone else's enrollment, nothing happens.
    const carlCsrf = Browser.csrf((await carl.go('GET', '/me')).text);
    expect((await carl.go('POST', `/me/enrollments/${idOf('carl@acme.example')}/pause`, {})).status).toBe(403);
    expect((await carl.go('POST', `/me/enrollments/${idOf('carl@acme.example')}/pause`, { _csrf: csrf })).status).toBe(
      403,
    );
    expect(
      (await carl.go('POST', `/me/enrollments/${idOf('eli@acme.example')}/leave`, { _csrf: carlCsrf })).status,
    ).toBe(404);
    expect((await carl.go('POST', `/me/enrollments/not-an-id/pause`, { _csrf: carlCsrf })).status).toBe(404);
    expect(await tableCounts(db())).toEqual(before);
    expect(await statusOf('eli@acme.example')).toBe('active');

    // Carl has no coachee: he pauses, sees it, and resumes; each change is audited with his id.
    const paused = await carl.go('POST', `/me/enrollments/${idOf('carl@acme.example')}/pause`, { _csrf: carlCsrf });
    expect(paused.status).toBe(200);
    expect(seen(paused.text)).toContain('You are paused in Leaders 2027');
    expect(await statusOf('carl@acme.example')).toBe('withdrawn');
    expect(seen((await carl.go('GET', '/me')).text)).toContain('Paused: you are out of the matching pool');
    const resumed = await carl.go('POST', `/me/enrollments/${idOf('carl@acme.example')}/resume`, { _csrf: carlCsrf });
    expect(seen(resumed.text)).toContain('You are back in the matching pool of Leaders 2027.');
    expect(await statusOf('carl@acme.example')).toBe('active');
    const audits = await rawQuery<{ action: string; actor: string }>(
      db(),
      `select action, actor from audit_event where subject_id = ? order by created_at`,
      [idOf('carl@acme.example')],
    );
    expect(audits.map((a) => a.action)).toEqual(['enrollment.paused', 'enrollment.resumed']);
    expect(new Set(audits.map((a) => a.actor)).size).toBe(1);
    expect(audits[0].actor).toMatch(/^person:[0-9a-f-]{36}$/);
  });

  it('lets the coachee ask for a different coach: the reason goes to the program team only, and a new coach is asked', async () => {
    const eli = await signIn('eli@acme.example');
    const page = await eli.go('GET', '/me');
    const csrf = Browser.csrf(page.text);
    const [pairing] = await rawQuery<{ id: string }>(db(), `select id from pairing where status = 'active'`);
    expect(page.text).toContain(`action="/me/pairings/${pairing.id}/rematch"`);

    const before = await tableCounts(db());
    const tooLong = await eli.go('POST', `/me/pairings/${pairing.id}/rematch`, {
      _csrf: csrf,
      reason: 'x'.repeat(1001),
    });
    expect(tooLong.status).toBe(422);
    expect(seen(tooLong.text)).toContain('Please keep the reason under 1000 characters.');
    expect(await tableCounts(db())).toEqual(before);

    const reason = 'We rarely find a time that works.';
    const asked = await eli.go('POST', `/me/pairings/${pairing.id}/rematch`, { _csrf: csrf, reason });
    expect(asked.status).toBe(200);
    expect(seen(asked.text)).toContain('Your coaching with Cora Best has ended. We are finding you a new coach');
    const [{ status }] = await rawQuery<{ status: string }>(
      db(),
      `select status::text as status from pairing where id = ?`,
      [pairing.id],
    );
    expect(status).toBe('ended');
    const [team] = await ctx.waitMail('team@acme.example', 'Coaching ended');
    expect(team.text).toContain(`The coachee's reason: ${reason}`);
    const [coach] = await ctx.waitMail('cora@acme.example', 'Coaching ended');
    expect(coach.text).not.toContain(reason);
    // The re-match job asks the other coach; the coachee sees that a coach was asked, not who.
    await ctx.waitMail('carl@acme.example', 'Coaching offer');
    const eliNow = seen((await eli.go('GET', '/me')).text);
    expect(eliNow).toContain('A coach has been asked to coach you');
    expect(eliNow).not.toContain('Carl');
    expect(eliNow).toContain('Ended on');
    // Asking again for the ended pairing changes nothing.
    const again = await eli.go('POST', `/me/pairings/${pairing.id}/rematch`, { _csrf: csrf, reason });
    expect(again.status).toBe(200);
    await ctx.tandem.queuesIdle();
    expect(mailTo('team@acme.example', 'Coaching ended')).toHaveLength(1);
  });

  it('lets a coach leave the program (their open offer withdrawn), and signs out everywhere the browser was', async () => {
    const carl = await signIn('carl@acme.example');
    const csrf = Browser.csrf((await carl.go('GET', '/me')).text);
    const left = await carl.go('POST', `/me/enrollments/${idOf('carl@acme.example')}/leave`, { _csrf: csrf });
    expect(left.status).toBe(200);
    expect(seen(left.text)).toContain('You have left Leaders 2027. Offers that were still open are withdrawn.');
    expect(await statusOf('carl@acme.example')).toBe('withdrawn');
    const open = await rawQuery(db(), `select 1 from pairing where coach_id = ? and status = 'offered'`, [
      idOf('carl@acme.example'),
    ]);
    expect(open).toEqual([]);

    const out = await carl.go('POST', '/me/signout', { _csrf: csrf });
    expect([out.status, out.headers.location]).toEqual([303, '/me/signin']);
    expect((await carl.go('GET', '/me')).headers.location).toBe('/me/signin');
  });

  it('shows when the questionnaire was answered, with the link to see or change the answers', async () => {
    const skills = [
      { key: 'listening', label: 'Listening', weight: 1 },
      { key: 'feedback', label: 'Feedback', weight: 1 },
    ];
    const created = await ctx.tandem.request('POST', '/api/v1/programs', {
      key: ctx.key,
      json: { name: 'Invited 2027', skills },
    });
    expect(created.status).toBe(201);
    const invited = await ctx.tandem.request('POST', `/api/v1/programs/${created.body.id}/invitations`, {
      key: ctx.key,
      json: { people: [{ role: 'coachee', name: 'Ines Invited', email: 'ines@acme.example' }] },
    });
    expect(invited.status).toBeLessThan(300);
    const [invitation] = await ctx.waitMail('ines@acme.example', '');
    const questionnaire = /https?:\/\/\S+(\/questionnaire\/[A-Za-z0-9_-]{43})/.exec(invitation.text)![1];
    const answers = new URLSearchParams();
    for (const [k, v] of Object.entries({
      name: 'Ines Invited',
      timezone: 'Europe/Lisbon',
      languages: 'en',
      from: '9',
      to: '12',
      skill_listening: '2',
      skill_feedback: '4',
      goals: 'Give clear feedback',
    }))
      answers.append(k, v);
    answers.append('days', 'tue');
    const submitted = await ctx.tandem.request('POST', questionnaire, { body: answers.toString(), ...form });
    expect(submitted.status).toBe(200);

    const ines = await signIn('ines@acme.example');
    const page = await ines.go('GET', '/me');
    const text = seen(page.text);
    expect(text).toContain('Invited 2027');
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'Europe/Lisbon' }).format(new Date());
    expect(text).toContain(`You answered the questionnaire on ${today}. See or change your answers`);
    expect(page.text).toContain(`href="${questionnaire}"`);
  });

  it('ends the person’s sessions and links when they are erased, and takes their re-match reason out of the team’s email', async () => {
    await signIn('eli@acme.example');
    const [{ person_id: personId }] = await rawQuery<{ person_id: string }>(
      db(),
      `select person_id from enrollment where id = ?`,
      [idOf('eli@acme.example')],
    );
    const count = async () =>
      (
        await rawQuery<{ n: number }>(
          db(),
          `select (select count(*) from participant_session where person_id = ?) + (select count(*) from participant_sign_in where person_id = ?) as n`,
          [personId, personId],
        )
      )[0].n;
    expect(Number(await count())).toBeGreaterThan(0);
    const teamEmail = async () =>
      (
        await rawQuery<{ text: string }>(
          db(),
          `select text from outbox_message where idempotency_key like 'pairing-ended:%:admin'`,
        )
      )[0].text;
    expect(await teamEmail()).toContain("The coachee's reason: We rarely find a time that works.");
    const erased = await ctx.tandem.request('POST', `/api/v1/people/${personId}/erase`, {
      key: ctx.key,
      json: { confirm: 'eli@acme.example' },
    });
    expect(erased.status).toBe(200);
    expect(Number(await count())).toBe(0);
    // Their own words leave the program team's email; the rest of it stays.
    expect(await teamEmail()).not.toContain('We rarely find a time');
    expect(await teamEmail()).not.toContain("The coachee's reason");
    expect(await teamEmail()).toContain('the coachee asked for a different coach');
  });
});
