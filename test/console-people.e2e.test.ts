import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { parse } from 'csv-parse/sync';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { type FixturePerson, fixtureCsv } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';
const SKILLS = ['active_listening', 'empathy', 'emotional_intelligence', 'trust_building', 'clear_communication'];
const coach = (n: number, extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coach',
  email: `coach${n}@acme.example`,
  name: `Coach${n} Smith`,
  capacity: 2,
  skills: [5, 5, 4, 4, 4],
  ...extra,
});
const coachee = (n: number, extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coachee',
  email: `coachee${n}@acme.example`,
  name: `Dana${n} Lee`,
  skills: [4, 4, 1, 1, 1],
  ...extra,
});

/** The add/edit form's fields for a person (every skill given). */
const personForm = (fields: Record<string, string>): Record<string, string> => ({
  role: 'coachee',
  name: '',
  department: '',
  managerEmail: '',
  level: '',
  timezone: 'Europe/Paris',
  languages: 'en',
  capacity: '',
  goals: '',
  bio: '',
  preferredDay: '',
  preferredHour: '',
  ...Object.fromEntries(SKILLS.map((k) => [`skills.${k}`, '3'])),
  ...fields,
});

describe('console: getting people in and out, one at a time or by file', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let browser: ConsoleClient;
  let programPath: string;
  let programId: string;

  const db = () => tandem.get(EntityManager).fork();
  const enrollment = async (email: string) =>
    (
      await rawQuery<{
        id: string;
        status: string;
        capacity: number | null;
        department: string | null;
        languages: string[];
      }>(
        db(),
        `select e.id, e.status::text as status, e.capacity, p.department, p.languages from enrollment e join person p on p.id = e.person_id where p.email = ? and e.program_id = ?`,
        [email, programId],
      )
    )[0];
  const audits = async (action: string) =>
    (await rawQuery<{ n: number }>(db(), `select count(*)::int as n from audit_event where action = ?`, [action]))[0].n;
  const welcomes = (email: string) =>
    sink.messages.filter((m) => m.to.includes(email) && m.subject.startsWith('Welcome')).length;
  /** Waits until every email written so far has been sent. */
  const outboxDrained = () =>
    waitFor(async () => {
      const [{ n }] = await rawQuery<{ n: number }>(
        db(),
        `select count(*)::int as n from outbox_message where status in ('pending', 'sending')`,
      );
      return n === 0 ? true : undefined;
    }, 'the outbox to drain');
  const importDone = async (location: string) => {
    await waitFor(
      async () => ((await browser.get(`${location.split('?')[0]}/status`)).body.done ? true : undefined),
      'the import',
    );
    return (await browser.get(location)).text;
  };

  beforeAll(async () => {
    sink = new SmtpSink();
    await sink.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: sink.url, PAGE_RATE_LIMIT: '1000' } });
    await consoleOrganization(tandem, 'Acme', ADMIN);
    browser = new ConsoleClient(tandem);
    const home = (await browser.signIn(ADMIN, sink)).text;
    const created = await browser.post('/console/programs', { name: 'Leaders 2027' }, home);
    programPath = String(created.headers.location).split('?')[0];
    programId = programPath.split('/').pop()!;
  });

  afterAll(async () => {
    await tandem?.stop();
    await sink?.stop();
  });

  it('offers a CSV template and a column guide, and the template imports as it is', async () => {
    const page = await browser.get(`${programPath}/people`);
    expect(page.text).toContain(`href="${programPath}/people-template.csv" download`);
    // The guide: one row per column with its meaning, allowed values and an example; the capacity default written down.
    const guide = page.text.slice(
      page.text.indexOf('id="column-guide"'),
      page.text.indexOf('</details>', page.text.indexOf('id="column-guide"')),
    );
    expect(guide).toContain('(19 columns)');
    expect(
      [...guide.matchAll(/<th scope="row" data-label="Column"><code>([a-z_]+)<\/code><\/th>/g)].map((m) => m[1]),
    ).toEqual([
      'role',
      'email',
      'name',
      'department',
      'manager_email',
      'level',
      'timezone',
      'languages',
      'locale',
      'capacity',
      ...SKILLS,
      'goals',
      'bio',
      'preferred_day',
      'preferred_hour',
    ]);
    expect(guide).toMatch(
      /<code>capacity<\/code><\/th><td data-label="Needed">Optional<\/td><td data-label="Meaning">Coaches: how many coachees they take at once. Ignored for coachees.<\/td><td data-label="Allowed values">A whole number from 0 to 50. Empty means 1 coachee.<\/td><td data-label="Example"><code>2<\/code><\/td>/,
    );
    expect(guide).toMatch(/<code>empathy<\/code><\/th><td data-label="Needed">Required<\/td>/);

    const template = await browser.get(`${programPath}/people-template.csv`);
    expect(template.status).toBe(200);
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(template.headers['content-disposition']).toBe('attachment; filename="people-template.csv"');
    const rows = parse(template.text) as string[][];
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r[0])).toEqual(['role', 'coach', 'coachee']);
    expect(rows[1][rows[0].indexOf('capacity')]).toBe('2');

    const uploaded = await browser.post(`${programPath}/imports`, { csv: template.text }, page.text);
    expect(uploaded.status).toBe(303);
    expect(await importDone(String(uploaded.headers.location))).toContain('Done: 2 new, 0 updated, 0 unchanged');
    expect(await enrollment('ana.lima@example.com')).toMatchObject({
      status: 'active',
      capacity: 2,
      languages: ['en', 'pt'],
    });
  });

  it('reads semicolon- and tab-separated files, says so, and refuses an unreadable one with a hint', async () => {
    const page = (await browser.get(`${programPath}/people`)).text;
    // As a spreadsheet in a European locale saves it: semicolons between cells, a cell holding a ; quoted.
    const semicolons = fixtureCsv([coach(1, { capacity: undefined })])
      .replace(/,/g, ';')
      .replace(/;3;Europe\/Paris;en;/, ';3;Europe/Paris;"en;fr";');
    // The fixture writes a coach's capacity (2 unless given): empty it to see the documented default.
    const noCapacity = semicolons
      .split('\n')
      .map((line, i) => (i === 1 ? line.replace(/;"en;fr";2;/, ';"en;fr";;') : line))
      .join('\n');
    expect(noCapacity).toContain(';"en;fr";;');
    const read = await browser.post(`${programPath}/imports`, { csv: noCapacity }, page);
    expect(read.status).toBe(303);
    expect(read.headers.location).toMatch(/\?separator=semicolon$/);
    const done = await importDone(String(read.headers.location));
    expect(done).toContain('The file was read as semicolon-separated.');
    expect(done).toContain('Done: 1 new, 0 updated, 0 unchanged');
    // An empty capacity is the documented 1 (the page's column guide says so).
    expect(await enrollment('coach1@acme.example')).toMatchObject({ capacity: 1, languages: ['en', 'fr'] });

    const tabs = fixtureCsv([coachee(1)]).replace(/,/g, '\t');
    const tabbed = await browser.post(`${programPath}/imports`, { csv: tabs }, page);
    expect(tabbed.status).toBe(303);
    expect(await importDone(String(tabbed.headers.location))).toContain('The file was read as tab-separated.');
    expect(await enrollment('coachee1@acme.example')).toMatchObject({ status: 'active' });

    const before = (await rawQuery<{ n: number }>(db(), 'select count(*)::int as n from enrollment'))[0].n;
    const broken = fixtureCsv([coachee(2, { goals: 'x' })])
      .replace(/,/g, ';')
      .replace(/;x;$/, ';"x;');
    const refused = await browser.post(`${programPath}/imports`, { csv: broken }, page);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(
      'This file looks semicolon-separated, but it could not be read: a quoted cell is never closed. Nothing was written.',
    );
    // A semicolon file with a wrong column: the errors say how it was read.
    const unknown = await browser.post(
      `${programPath}/imports`,
      {
        csv: fixtureCsv([coachee(3)])
          .replace(/,/g, ';')
          .replace('goals', 'aims'),
      },
      page,
    );
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('(The file was read as semicolon-separated.)');
    expect(unknown.text).toMatch(/<tr><td>1<\/td><td>aims<\/td><td>unknown column/);
    expect((await rawQuery<{ n: number }>(db(), 'select count(*)::int as n from enrollment'))[0].n).toBe(before);
  });

  it('adds one person with inline errors, once, and one welcome email however often the form is sent', async () => {
    const form = await browser.get(`${programPath}/people/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>Add a person</h1>');
    const bad = await browser.post(
      `${programPath}/people`,
      personForm({ email: 'eve@acme.example', level: 'senior', 'skills.empathy': '' }),
      form.text,
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Nobody was added: fix the fields marked below.');
    expect(bad.text).toContain('<p class="error" id="f-name-error">Name is required.</p>');
    expect(bad.text).toContain('<p class="error" id="f-level-error">Level must be a number from 0 to 20.</p>');
    expect(bad.text).toContain('<p class="error" id="f-skills-empathy-error">Empathy is required (0-5).</p>');
    expect(bad.text).toMatch(/id="f-level" name="level" value="senior" inputmode="numeric" aria-invalid="true"/);
    expect(await enrollment('eve@acme.example')).toBeUndefined();

    const added = await browser.post(
      `${programPath}/people`,
      personForm({
        email: 'Eve@acme.example',
        name: 'Eve <Adams>',
        department: 'Sales',
        level: '4',
        languages: 'en; de',
      }),
      form.text,
    );
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`${programPath}/people?done=added`);
    const people = await browser.get(String(added.headers.location));
    expect(people.text).toContain('Person added. One welcome email is on its way.');
    expect(people.text).toContain('<td data-label="Name">Eve &lt;Adams&gt;</td>');
    expect(await enrollment('eve@acme.example')).toMatchObject({
      status: 'active',
      department: 'Sales',
      languages: ['en', 'de'],
    });
    expect(await audits('enrollment.created')).toBe(1);

    // The same email again is the same person: updated, no second welcome.
    const again = await browser.post(
      `${programPath}/people`,
      personForm({
        email: 'eve@acme.example',
        name: 'Eve Adams',
        department: 'Sales',
        level: '4',
        languages: 'en; de',
      }),
      form.text,
    );
    expect(again.headers.location).toBe(`${programPath}/people?done=updated`);
    expect((await browser.get(String(again.headers.location))).text).toContain(
      'their details were updated (no second welcome email)',
    );
    // Someone enrolled as a coach cannot be added as a coachee of the same program.
    const otherRole = await browser.post(
      `${programPath}/people`,
      personForm({ email: 'coach1@acme.example', name: 'Coach1 Smith' }),
      form.text,
    );
    expect(otherRole.status).toBe(409);
    expect(otherRole.text).toContain(
      'Nobody was added: coach1@acme.example is already enrolled in this program as a coach.',
    );
    await outboxDrained();
    expect(welcomes('eve@acme.example')).toBe(1);
  });

  it('edits one person: role and email stay, the rest is checked like an import row', async () => {
    const { id } = await enrollment('eve@acme.example');
    const people = await browser.get(`${programPath}/people`);
    expect(people.text).toContain(`<a href="/console/enrollments/${id}/edit" aria-label="Edit Eve Adams">Edit</a>`);
    const form = await browser.get(`/console/enrollments/${id}/edit`);
    expect(form.text).toContain('<h1>Edit Eve Adams</h1>');
    expect(form.text).toContain('<dt>Email</dt><dd>eve@acme.example</dd>');
    expect(form.text).toContain('id="f-languages" name="languages" value="en; de"');
    const bad = await browser.post(
      `/console/enrollments/${id}`,
      personForm({ name: 'Eve Adams', timezone: 'Mars/Olympus' }),
      form.text,
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Nothing was saved: fix the fields marked below.');
    expect(bad.text).toContain(
      '<p class="error" id="f-timezone-error">Time zone &quot;Mars/Olympus&quot; is not an IANA time zone such as Europe/Paris.</p>',
    );

    // A role or email in the form is ignored: the enrollment says who this is.
    const badLanguage = await browser.post(
      `/console/enrollments/${id}`,
      personForm({ name: 'Eve Adams', locale: 'fr' }),
      form.text,
    );
    expect(badLanguage.status).toBe(422);
    expect(badLanguage.text).toContain(
      '<p class="error" id="f-locale-error">Language &quot;fr&quot; is not a language Tandem writes in (en, de).</p>',
    );
    const saved = await browser.post(
      `/console/enrollments/${id}`,
      personForm({
        role: 'coach',
        email: 'mallory@acme.example',
        name: 'Eve Adams',
        department: 'People',
        goals: 'Lead a new team',
        locale: 'de-CH',
      }),
      form.text,
    );
    expect(saved.status).toBe(303);
    expect((await browser.get(String(saved.headers.location))).text).toContain('Details saved.');
    expect(await enrollment('eve@acme.example')).toMatchObject({ id, department: 'People' });
    expect(await enrollment('mallory@acme.example')).toBeUndefined();
    const [{ role, goals }] = await rawQuery<{ role: string; goals: string }>(
      db(),
      'select role::text as role, goals from enrollment where id = ?',
      [id],
    );
    expect({ role, goals }).toEqual({ role: 'coachee', goals: 'Lead a new team' });
    expect(await rawQuery(db(), 'select locale from person where email = ?', ['eve@acme.example'])).toEqual([
      { locale: 'de' },
    ]);
    expect((await browser.get(`/console/enrollments/${id}/edit`)).text).toContain(
      'id="f-locale" name="locale" value="de"',
    );
    expect(await audits('enrollment.updated')).toBe(2);
    await outboxDrained();
    expect(welcomes('eve@acme.example')).toBe(1);
  });

  it('pauses a person out of the pool and back, refuses to remove anyone with a pairing, and removes someone never paired', async () => {
    const eve = await enrollment('eve@acme.example');
    const dana = await enrollment('coachee1@acme.example');
    const form = (await browser.get(`/console/enrollments/${eve.id}/edit`)).text;
    // Without the session's CSRF token nothing changes.
    const forged = await browser.post(`/console/enrollments/${eve.id}/pause`, { _csrf: 'x' });
    expect(forged.status).toBe(403);
    expect((await enrollment('eve@acme.example')).status).toBe('active');

    const paused = await browser.post(`/console/enrollments/${eve.id}/pause`, {}, form);
    expect(paused.status).toBe(303);
    expect(paused.headers.location).toBe(`${programPath}/people?done=paused`);
    const people = await browser.get(String(paused.headers.location));
    expect(people.text).toContain('Paused: out of the matching pool until resumed.');
    expect(people.text).toMatch(
      /<td data-label="Name">Eve Adams<\/td><td data-label="Email">eve@acme.example<\/td><td data-label="Role">Coachee<\/td><td data-label="Department">People<\/td><td data-label="Time zone">Europe\/Paris<\/td><td data-label="State">Paused: out of the pool<\/td>/,
    );
    expect(people.text).toContain('aria-label="Resume Eve Adams">Resume</button>');
    expect(await enrollment('eve@acme.example')).toMatchObject({ status: 'withdrawn' });
    expect(await audits('enrollment.paused')).toBe(1);
    const twice = await browser.post(`/console/enrollments/${eve.id}/pause`, {}, form);
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('Eve Adams is paused already.');

    // A round leaves the paused person out and proposes the others.
    const rounds = await browser.get(`${programPath}/rounds`);
    const launched = await browser.post(`${programPath}/rounds`, {}, rounds.text);
    const roundPath = String(launched.headers.location);
    await waitFor(async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined), 'the round');
    const proposed = await rawQuery<{ coachee_id: string }>(
      db(),
      `select coachee_id from pairing where status = 'proposed'`,
    );
    expect(proposed.map((p) => p.coachee_id).sort()).toEqual(
      [dana.id, (await enrollment('ben.ode@example.com')).id].sort(),
    );

    // Someone in a draft round's proposals can be neither paused nor removed.
    const danaForm = (await browser.get(`/console/enrollments/${dana.id}/edit`)).text;
    const busy = await browser.post(`/console/enrollments/${dana.id}/pause`, {}, danaForm);
    expect(busy.status).toBe(409);
    expect(busy.text).toContain('Dana1 Lee is in the proposals of a round that is not published yet.');
    const removeDana = await browser.get(`/console/enrollments/${dana.id}/remove`);
    expect(removeDana.text).toContain(
      'Dana1 Lee has 1 pairing(s) in this program, proposals included, so removing would erase history.',
    );
    expect(removeDana.text).not.toContain('class="danger"');
    const refused = await browser.post(`/console/enrollments/${dana.id}/remove`, {}, danaForm);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('pause Dana1 Lee instead');
    expect(await enrollment('coachee1@acme.example')).toMatchObject({ status: 'active' });

    const resumed = await browser.post(`/console/enrollments/${eve.id}/resume`, {}, form);
    expect(resumed.headers.location).toBe(`${programPath}/people?done=resumed`);
    expect(await enrollment('eve@acme.example')).toMatchObject({ status: 'active' });
    expect(await audits('enrollment.resumed')).toBe(1);

    // Eve was never paired: a confirmation step (a page, no script needed), then she is gone from this program.
    const confirm = await browser.get(`/console/enrollments/${eve.id}/remove`);
    expect(confirm.text).toContain('<h1>Remove Eve Adams?</h1>');
    expect(confirm.text).toContain('was never paired in this program');
    const removed = await browser.post(`/console/enrollments/${eve.id}/remove`, {}, confirm.text);
    expect(removed.headers.location).toBe(`${programPath}/people?done=removed`);
    expect(await enrollment('eve@acme.example')).toBeUndefined();
    expect(await audits('enrollment.removed')).toBe(1);
    expect((await browser.get(`/console/enrollments/${eve.id}/edit`)).status).toBe(404);
  });

  it('keeps every person route to its own organization and to signed-in admins', async () => {
    const { id } = await enrollment('coachee1@acme.example');
    await consoleOrganization(tandem, 'Globex', 'gus@globex.example');
    const intruder = new ConsoleClient(tandem);
    const home = (await intruder.signIn('gus@globex.example', sink)).text;
    expect((await intruder.get(`/console/enrollments/${id}/edit`)).status).toBe(404);
    expect((await intruder.post(`/console/enrollments/${id}/pause`, {}, home)).status).toBe(404);
    expect((await intruder.post(`/console/enrollments/${id}`, personForm({ name: 'Hijack' }), home)).status).toBe(404);
    expect((await intruder.get(`${programPath}/people.csv`)).status).toBe(404);
    const anonymous = new ConsoleClient(tandem);
    const signIn = await anonymous.get(`${programPath}/people-template.csv`);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/console/signin');
    expect(await enrollment('coachee1@acme.example')).toMatchObject({ status: 'active' });
  });

  it('exports people as a re-importable CSV and pairings as a CSV, formula-like cells escaped', async () => {
    const page = (await browser.get(`${programPath}/people`)).text;
    const added = await browser.post(
      `${programPath}/people`,
      personForm({ email: 'sly@acme.example', name: 'Sly Stone', department: '=HYPERLINK("http://evil","x")' }),
      page,
    );
    expect(added.status).toBe(303);
    const exported = await browser.get(`${programPath}/people.csv`);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="people-${programId}.csv"`);
    const rows = parse(exported.text) as string[][];
    expect(rows[0]).toEqual((parse((await browser.get(`${programPath}/people-template.csv`)).text) as string[][])[0]);
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual([
      'ana.lima@example.com',
      'ben.ode@example.com',
      'coach1@acme.example',
      'coachee1@acme.example',
      'sly@acme.example',
    ]);
    expect(exported.text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    const coach1 = rows.find((r) => r[1] === 'coach1@acme.example')!;
    expect(coach1[rows[0].indexOf('capacity')]).toBe('1');
    expect(coach1[rows[0].indexOf('languages')]).toBe('en;fr');

    // Without the formula cell, the export imports back as it is: nothing changes.
    const clean = exported.text
      .split('\r\n')
      .filter((line) => !line.includes('sly@acme.example'))
      .join('\r\n');
    const reimported = await browser.post(`${programPath}/imports`, { csv: clean }, page);
    expect(reimported.status).toBe(303);
    expect(await importDone(String(reimported.headers.location))).toContain('Done: 0 new, 0 updated, 4 unchanged');

    const round = (await browser.get(`${programPath}/rounds`)).text;
    const roundPath = /href="(\/console\/rounds\/[0-9a-f-]{36})"/.exec(round)![1];
    const published = await browser.post(`${roundPath}/publish`, {}, (await browser.get(roundPath)).text);
    expect(published.status).toBe(303);
    const pairings = await browser.get(`${programPath}/pairings.csv`);
    const table = parse(pairings.text) as string[][];
    expect(table[0]).toEqual([
      'coach',
      'coach_email',
      'coachee',
      'coachee_email',
      'status',
      'score',
      'pinned',
      'created',
      'started',
      'ended',
      'sessions_held',
      'at_risk',
    ]);
    expect(
      table
        .slice(1)
        .map((r) => `${r[3]} ${r[4]} ${r[6]} ${r[10]}`)
        .sort(),
    ).toEqual(['ben.ode@example.com offered no 0', 'coachee1@acme.example offered no 0']);
    for (const row of table.slice(1)) {
      expect(Number(row[5])).toBeGreaterThan(0);
      expect(row[7]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }

    // A coach with an offer out cannot be paused; the page says how to stop new coachees meanwhile.
    const coachOffered = table.find((r) => r[3] === 'coachee1@acme.example')![1];
    const { id } = await enrollment(coachOffered);
    const refused = await browser.post(`/console/enrollments/${id}/pause`, {}, page);
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(
      /has a pairing that is offered or running\. It goes on until it ends \(or the offer is declined or expires\); pause .+ after that\. To give .+ no new coachees meanwhile, set their capacity to (\d)\./,
    );
    expect(Number(/set their capacity to (\d)\./.exec(refused.text)![1])).toBe(
      table.filter((r) => r[1] === coachOffered).length,
    );
    expect(await enrollment(coachOffered)).toMatchObject({ status: 'active' });
  });
});
