import { rawQuery } from '@tandem/domain';
import { DateTime } from 'luxon';
import { parseInvite } from './support/itip';
import { runCli } from './support/processes';
import { encode, form, linkPath, mailScenario } from './support/mail-scenario';
import { offerLink, roundDone } from './support/program-fixture';
import { waitFor } from './support/test-env';

const HEADER =
  'role,email,name,timezone,languages,locale,capacity,active_listening,empathy,emotional_intelligence,trust_building,clear_communication,goals,preferred_day,preferred_hour';

/** A date as German readers get it, computed by luxon (not by the code under test): "Donnerstag, 10. Dezember 2026, 14:00". */
const german = (at: Date | string, zone: string) =>
  DateTime.fromJSDate(new Date(at), { zone }).setLocale('de-DE').toFormat('cccc, d. LLLL yyyy, HH:mm');
/** The English form: "10 Dec 2026, 14:00". */
const english = (at: Date | string, zone: string) =>
  DateTime.fromJSDate(new Date(at), { zone }).setLocale('en-GB').toFormat('d LLL yyyy, HH:mm');
const lang = (markup: string) => /<html lang="([^"]+)">/.exec(markup)?.[1];

describe('languages: each person reads their emails, invites and pages in their own language', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo, waitMail } = ctx;

  // Greta chose German (locale), Dieter speaks German (his first supported spoken language), Emma chose English although
  // she speaks German too. Greta coaches both (capacity 2) on Thursdays at 14:00 in Berlin; Dieter lives in London.
  const greta = 'greta@acme.example';
  const dieter = 'dieter@acme.example';
  const emma = 'emma@acme.example';
  let programId = '';

  it("writes the welcome emails in each person's language", async () => {
    const csv = [
      HEADER,
      `coach,${greta},Greta Berg,Europe/Berlin,de;en,de,2,5,5,5,5,5,,thu,14`,
      `coachee,${dieter},Dieter Holm,Europe/London,pt;de;en,,,3,3,3,3,3,Besser zuhören,,`,
      `coachee,${emma},Emma Stone,Europe/Berlin,de;en,en-GB,,3,3,3,3,3,Listen better,,`,
    ].join('\n');
    const program = await ctx.tandem.request('POST', '/api/v1/programs', {
      key: ctx.key,
      json: { name: 'Leaders', cadence: { sessions: 2, interval: 'P7D' } },
    });
    expect(program.status).toBe(201);
    programId = program.body.id;
    const imported = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key: ctx.key,
      body: csv,
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
    expect(
      await rawQuery(db(), `select email, locale from person where email = any(?::text[]) order by email`, [
        [greta, dieter, emma],
      ]),
    ).toEqual([
      { email: dieter, locale: null },
      { email: emma, locale: 'en' },
      { email: greta, locale: 'de' },
    ]);

    const listed = await ctx.tandem.request('GET', `/api/v1/programs/${programId}/enrollments`, { key: ctx.key });
    expect(listed.body.items.map((e: { email: string; locale: string | null }) => [e.email, e.locale])).toEqual([
      [dieter, null],
      [emma, 'en'],
      [greta, 'de'],
    ]);

    const [toGreta] = await waitMail(greta, 'Willkommen bei Leaders');
    expect(toGreta.text).toBe(
      'Hallo Greta,\n\nSie sind jetzt als Coach in Leaders angemeldet. Wenn ein Coachee zu Ihren Stärken passt, erhalten Sie ein Angebot mit einer Begründung und entscheiden selbst, ob Sie es annehmen.\n\nTandem',
    );
    // The HTML part and the Content-Language header name the language too.
    expect({ header: toGreta.contentLanguage, html: lang(toGreta.html) }).toEqual({ header: 'de', html: 'de' });
    const [toDieter] = await waitMail(dieter, 'Willkommen bei Leaders');
    expect(toDieter.text).toContain('Sie sind jetzt als Coachee in Leaders angemeldet.');
    const [toEmma] = await waitMail(emma, 'Welcome to Leaders');
    expect({ header: toEmma.contentLanguage, html: lang(toEmma.html) }).toEqual({ header: 'en', html: 'en' });
    expect(toEmma.text).toBe(
      'Hi Emma,\n\nYou have been enrolled in Leaders as a coachee. We will match you with a coach whose strengths fit what you want to develop, and let you know who it is.\n\nTandem',
    );
  });

  it('sends the German coach German offers with the expiry in her zone, and German offer pages', async () => {
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(2);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    const offers = await waitMail(greta, 'Coaching-Angebot: ', 2);
    const [expires] = await rawQuery<{ expires_at: string }>(
      db(),
      `select o.expires_at from offer o join pairing p on p.id = o.pairing_id where p.program_id = ? limit 1`,
      [programId],
    );
    const toDieter = offers.find((m) => m.subject === 'Coaching-Angebot: Dieter (Leaders)')!;
    expect(toDieter.text).toContain('Hallo Greta,\n\nWir haben Sie in Leaders mit Dieter zusammengebracht');
    expect(toDieter.text).toContain('Die Ziele von Dieter:\nBesser zuhören');
    expect(toDieter.text).toContain(`das Angebot läuft ab am ${german(expires.expires_at, 'Europe/Berlin')} `);
    // The match reasons are worded in German too (the default skills by their German names).
    expect(toDieter.text).toMatch(
      /Warum wir Sie ausgewählt haben:\n- Stärke: (Aktives Zuhören|Empathie|Emotionale Intelligenz|Vertrauensaufbau|Klare Kommunikation)/,
    );
    expect(toDieter.text).not.toMatch(/Accept or decline|expires|strong in|working hour|preferred language|level/);

    for (const offer of offers) {
      const path = new URL(offerLink(offer.text)).pathname;
      const page = await ctx.tandem.request('GET', path);
      expect(page.status).toBe(200);
      expect(lang(page.text)).toBe('de');
      expect(page.text).toMatch(/<h1>Möchten Sie (Dieter|Emma) coachen\?<\/h1>/);
      expect(page.text).toContain(`Dieses Angebot läuft ab am ${german(expires.expires_at, 'Europe/Berlin')}`);
      expect(page.text).toMatch(/<h2>Warum wir Sie ausgewählt haben<\/h2>\n<ul><li>Stärke: /);
      const accepted = await ctx.tandem.request('POST', `${path}/accept`, { body: '', ...form });
      expect(accepted.status).toBe(200);
      expect(lang(accepted.text)).toBe('de');
      expect(accepted.text).toMatch(/<h1>Danke!<\/h1><p>Sie sind jetzt der Coach von (Dieter|Emma)\./);
      const again = await ctx.tandem.request('POST', `${path}/accept`, { body: '', ...form });
      expect(again.text).toContain('<h1>Bereits angenommen</h1>');
    }
  });

  it('introduces each coachee in their language', async () => {
    const [toDieter] = await waitMail(dieter, 'Ihr Coach: Greta Berg');
    expect(toDieter.text).toContain(
      'Greta Berg ist in Leaders Ihr Coach. Sie erreichen Greta Berg unter greta@acme.example.',
    );
    const [toEmma] = await waitMail(emma, 'Meet your coach, Greta Berg');
    expect(toEmma.text).toContain(
      'Greta Berg has agreed to be your coach in Leaders. You can reach them at greta@acme.example.',
    );
    expect(await waitMail(greta, 'Sie coachen jetzt ', 2)).toHaveLength(2);
  });

  it("sends session invites with dates in each reader's language and zone, invites included, and session pages to match", async () => {
    const sessions = await waitFor(async () => {
      const rows = await rawQuery<{ id: string; index: number; starts_at: string; coachee: string }>(
        db(),
        `select s.id, s.index, s.starts_at, ep.email as coachee from coaching_session s join pairing pr on pr.id = s.pairing_id
           join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id where pr.program_id = ? order by ep.email, s.index`,
        [programId],
      );
      return rows.length === 4 ? rows : undefined;
    }, 'the planned sessions');
    const first = (coachee: string) => sessions.find((s) => s.coachee === coachee && s.index === 1)!;

    const gretas = await waitMail(greta, 'Ihre Coaching-Sitzungen mit ', 2);
    const withDieter = gretas.find((m) => m.subject === 'Ihre Coaching-Sitzungen mit Dieter')!;
    const start = german(first(dieter).starts_at, 'Europe/Berlin');
    // The coach's sessions are on Thursdays at 14:00 in Berlin.
    expect(start).toMatch(/^Donnerstag, \d{1,2}\. \S+ \d{4}, 14:00$/);
    expect(withDieter.text).toMatch(
      new RegExp(`Sitzung 1: ${start} (MEZ|MESZ)\\n  Verschieben oder absagen: https://`),
    );
    expect(withDieter.text).toContain('Hier sind Ihre 2 Coaching-Sitzungen mit Dieter Holm in Leaders.');
    const gretaInvite = parseInvite(withDieter.calendars[0]);
    expect(gretaInvite.summary).toBe('Coaching-Sitzung 1: Greta Berg und Dieter Holm');
    expect(gretaInvite.description).toBe(
      'Leaders, Sitzung 1 von 2. Verschieben oder absagen können Sie sie über den Link in Ihrer E-Mail.',
    );

    const [toDieter] = await waitMail(dieter, 'Ihre Coaching-Sitzungen mit Greta');
    expect(toDieter.text).toContain(`Sitzung 1: ${german(first(dieter).starts_at, 'Europe/London')} `);
    expect(german(first(dieter).starts_at, 'Europe/London')).toMatch(/, 13:00$/);
    const [toEmma] = await waitMail(emma, 'Your coaching sessions with Greta');
    expect(toEmma.text).toMatch(
      new RegExp(
        `Session 1: ${english(first(emma).starts_at, 'Europe/Berlin')} (CET|CEST)\\n  Move or cancel: https://`,
      ),
    );
    const emmaInvite = parseInvite(toEmma.calendars[0]);
    expect(emmaInvite.summary).toBe('Coaching session 1: Greta Berg and Emma Stone');
    expect(emmaInvite.uid).toBe(`${first(emma).id}@tandem`);

    const dieterPage = await ctx.tandem.request('GET', linkPath(toDieter.text, 'sessions'));
    expect(dieterPage.status).toBe(200);
    expect(lang(dieterPage.text)).toBe('de');
    expect(dieterPage.text).toContain('<h1>Sitzung 1 von 2 mit Greta</h1>');
    expect(dieterPage.text).toContain(`<strong>${german(first(dieter).starts_at, 'Europe/London')} `);
    expect(dieterPage.text).toContain('Verschieben auf (Ihre Zeitzone, Europe/London)');
    const emmaPage = await ctx.tandem.request('GET', linkPath(toEmma.text, 'sessions'));
    expect(lang(emmaPage.text)).toBe('en');
    expect(emmaPage.text).toContain('<h1>Session 1 of 2 with Greta</h1>');

    // A refusal is explained in the person's language, and nothing changes.
    const refused = await ctx.tandem.request('POST', `${linkPath(toDieter.text, 'sessions')}/move`, {
      body: 'startsAt=2020-01-01T10:00',
      ...form,
    });
    expect(refused.status).toBe(422);
    expect(lang(refused.text)).toBe('de');
    expect(refused.text).toContain(
      '<h1>Bitte prüfen Sie die neue Zeit</h1><p>die neue Zeit liegt in der Vergangenheit</p>',
    );
    const [unchanged] = await rawQuery<{ starts_at: string; sequence: number }>(
      db(),
      `select starts_at, sequence from coaching_session where id = ?`,
      [first(dieter).id],
    );
    expect({ at: new Date(unchanged.starts_at).getTime(), sequence: unchanged.sequence }).toEqual({
      at: new Date(first(dieter).starts_at).getTime(),
      sequence: 0,
    });
  });

  it('asks for feedback and closes with the survey in German: emails, forms, refusals and thanks', async () => {
    const kai = 'kai@acme.example';
    const lena = 'lena@acme.example';
    const csv = [
      HEADER,
      `coach,${kai},Kai Brandt,Europe/Berlin,de,de,1,5,5,5,5,5,,,`,
      `coachee,${lena},Lena Vogt,Europe/Berlin,de,de,,4,0,0,0,0,,,`,
    ].join('\n');
    const program = await ctx.tandem.request('POST', '/api/v1/programs', {
      key: ctx.key,
      json: {
        name: 'Schnell',
        cadence: { interval: 'PT12H', sessions: 1, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
      },
    });
    const imported = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, {
      key: ctx.key,
      body: csv,
    });
    await waitFor(
      async () =>
        (await ctx.tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key: ctx.key })).body.status ===
        'succeeded'
          ? true
          : undefined,
      'the import',
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(1);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    const [offer] = await waitMail(kai, 'Coaching-Angebot: Lena');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);

    // The test clock moves past the session's reminder (10 hours on) and its close (14 hours on).
    await ctx.tandem.advance('PT14H1M');
    const [reminder] = await waitMail(lena, 'Erinnerung: Coaching-Sitzung 1 am ');
    expect(reminder.text).toMatch(
      /^Hallo Lena,\n\nEine Erinnerung: Die Coaching-Sitzung 1 mit Kai Brandt ist am \S+, \d{1,2}\. \S+ \d{4}, \d\d:\d\d (MEZ|MESZ)\./,
    );
    const [coacheeRequest] = await waitMail(lena, 'Feedback zur Coaching-Sitzung 1');
    expect(coacheeRequest.text).toContain('Wie war die Coaching-Sitzung 1 mit Kai Brandt (');
    const [coachRequest] = await waitMail(kai, 'Feedback zur Coaching-Sitzung 1');
    const coacheeForm = linkPath(coacheeRequest.text, 'feedback');
    const shown = await ctx.tandem.request('GET', coacheeForm);
    expect(lang(shown.text)).toBe('de');
    expect(shown.text).toContain('<h1>Sitzung 1 von 1 mit Kai</h1>');
    expect(shown.text).toContain('<legend>Ihr Fortschritt: Aktives Zuhören</legend>');
    expect(shown.text).toContain('<legend>Passt Kai gut als Ihr Coach?</legend>');
    expect(shown.text).toContain('<button type="submit" class="accept">Mein Feedback senden</button>');
    const incomplete = await ctx.tandem.request('POST', coacheeForm, { body: encode({ rating: '4' }), ...form });
    expect(incomplete.status).toBe(422);
    expect(lang(incomplete.text)).toBe('de');
    expect(incomplete.text).toContain('<h1>Bitte beantworten Sie jede Frage</h1>');
    const answers = { rating: '4', progress_active_listening: '4', goals: '4', tasks: '4', bond: '5', fit: 'good' };
    const sent = await ctx.tandem.request('POST', coacheeForm, { body: encode(answers), ...form });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('<h1>Danke</h1><p>Ihr Feedback ist gespeichert.</p>');
    const changed = await ctx.tandem.request('POST', coacheeForm, {
      body: encode({ ...answers, fit: 'not_good' }),
      ...form,
    });
    expect(changed.status).toBe(409);
    expect(changed.text).toContain(
      '<h1>Bereits gesendet</h1><p>Dieses Feedback wurde bereits gesendet; Antworten lassen sich nicht ändern.</p>',
    );
    const coachForm = linkPath(coachRequest.text, 'feedback');
    expect((await ctx.tandem.request('GET', coachForm)).text).toContain(
      '<legend>Was ist aus der Sitzung geworden?</legend>',
    );
    expect(
      (await ctx.tandem.request('POST', coachForm, { body: encode({ attendance: 'held' }), ...form })).status,
    ).toBe(200);

    const [closing] = await waitMail(lena, 'Ihr Coaching ist abgeschlossen: eine letzte Frage');
    expect(closing.text).toContain('Ihr Coaching mit Kai Brandt in Schnell ist abgeschlossen. Herzlichen Glückwunsch!');
    const survey = await ctx.tandem.request('GET', linkPath(closing.text, 'surveys'));
    expect(lang(survey.text)).toBe('de');
    expect(survey.text).toContain('<h1>Wo stehen Sie jetzt?</h1>');
    expect(survey.text).toContain('<legend>Aktives Zuhören</legend>');
    const done = await ctx.tandem.request('POST', linkPath(closing.text, 'surveys'), {
      body: encode({ level_active_listening: '4' }),
      ...form,
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('<h1>Danke</h1><p>Ihre Antworten sind gespeichert. Alles Gute für das, was kommt!</p>');
  });

  it("answers an unknown link in the browser's language, English by default", async () => {
    const unknown = `/offers/${'A'.repeat(43)}`;
    const plain = await ctx.tandem.request('GET', unknown);
    expect(plain.status).toBe(404);
    expect(lang(plain.text)).toBe('en');
    expect(plain.text).toContain('<h1>Link not valid</h1>');
    const browser = await ctx.tandem.request('GET', unknown, {
      headers: { 'accept-language': 'fr-CH, de;q=0.8, en;q=0.5' },
    });
    expect(browser.status).toBe(404);
    expect(lang(browser.text)).toBe('de');
    expect(browser.text).toContain('<h1>Link ungültig</h1>');
  });

  it("falls back to the organization's default language, and refuses a language it does not write", async () => {
    const { apiKey } = await ctx.tandem.organization('Beispiel GmbH', 'de');
    const program = await ctx.tandem.request('POST', '/api/v1/programs', { key: apiKey, json: { name: 'Führung' } });
    const refused = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, {
      key: apiKey,
      body: [HEADER, 'coachee,fr@beispiel.example,Fran Roux,Europe/Paris,fr,fr,,3,3,3,3,3,,,'].join('\n'),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      { row: 2, column: 'locale', message: '"fr" is not a language Tandem writes in (en, de)' },
    ]);
    expect(await rawQuery(db(), `select 1 from person where email = 'fr@beispiel.example'`)).toEqual([]);

    const imported = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, {
      key: apiKey,
      body: [HEADER, 'coachee,pt@beispiel.example,Paula Reis,Europe/Lisbon,pt,,,3,3,3,3,3,,,'].join('\n'),
    });
    expect(imported.status).toBe(202);
    const [welcome] = await waitMail('pt@beispiel.example', 'Willkommen bei Führung');
    expect(welcome.text).toContain('Hallo Paula,');
    await ctx.tandem.queuesIdle();
    expect(mailTo('pt@beispiel.example', 'Welcome')).toEqual([]);
  });

  it('changes the organization’s default language through the API (admins only), audited', async () => {
    const { apiKey, organizationId } = await ctx.tandem.organization('Umstellung GmbH');
    expect((await ctx.tandem.request('GET', '/api/v1/organization', { key: apiKey })).body).toMatchObject({
      id: organizationId,
      name: 'Umstellung GmbH',
      defaultLocale: 'en',
    });
    const operator = (await ctx.tandem.request('POST', '/api/v1/api-keys', { key: apiKey, json: { role: 'operator' } }))
      .body.apiKey;
    expect(
      (await ctx.tandem.request('PATCH', '/api/v1/organization', { key: operator, json: { defaultLocale: 'de' } }))
        .status,
    ).toBe(403);
    const changed = await ctx.tandem.request('PATCH', '/api/v1/organization', {
      key: apiKey,
      json: { defaultLocale: 'de' },
    });
    expect([changed.status, changed.body.defaultLocale]).toEqual([200, 'de']);
    expect(await rawQuery(db(), `select default_locale from organization where id = ?`, [organizationId])).toEqual([
      { default_locale: 'de' },
    ]);
    expect(
      await rawQuery(
        db(),
        `select actor, data from audit_event where organization_id = ? and action = 'organization.updated'`,
        [organizationId],
      ),
    ).toEqual([{ actor: expect.stringMatching(/^apikey:/), data: { fields: ['defaultLocale'] } }]);
    // The same value again changes nothing and records nothing.
    expect(
      (await ctx.tandem.request('PATCH', '/api/v1/organization', { key: apiKey, json: { defaultLocale: 'de' } }))
        .status,
    ).toBe(200);
    expect(
      await rawQuery(db(), `select 1 from audit_event where organization_id = ? and action = 'organization.updated'`, [
        organizationId,
      ]),
    ).toHaveLength(1);
  });

  it('creates an organization with a default language from the command line, and refuses one it does not write', async () => {
    const env = ctx.tandem.testEnv.env;
    const created = runCli(['org:create', '--name', 'Kommandozeile AG', '--locale', 'de-AT'], env);
    expect(created.status).toBe(0);
    expect(
      await rawQuery(db(), `select name, default_locale from organization where id = ?`, [created.json.organizationId]),
    ).toEqual([{ name: 'Kommandozeile AG', default_locale: 'de' }]);
    const english = runCli(['org:create', '--name', 'Command Line Ltd'], env);
    expect(
      await rawQuery(db(), `select default_locale from organization where id = ?`, [english.json.organizationId]),
    ).toEqual([{ default_locale: 'en' }]);
    const refused = runCli(['org:create', '--name', 'Ligne de commande SA', '--locale', 'fr'], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('the default language must be one of en, de');
    expect(runCli(['org:create', '--name', 'Ligne de commande SA', '--locale'], env).status).toBe(2);
    expect(await rawQuery(db(), `select 1 from organization where name = 'Ligne de commande SA'`)).toEqual([]);
  });
});
