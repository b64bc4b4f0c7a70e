import { EntityManager } from '@mikro-orm/postgresql';
import { expandLinks } from '@tandem/mail';
import { rawQuery } from '@tandem/domain';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { type FixturePerson, fixtureCsv, offerLink } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';
const coach = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({ role: 'coach', email: `coach${n}@acme.example`, name: `Coach${n} Smith`, capacity: 2, skills, ...extra });
const coachee = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({ role: 'coachee', email: `coachee${n}@acme.example`, name: `Dana${n} Lee`, skills, ...extra });
const PEOPLE = [
  coach(1, [5, 5, 1, 1, 1]),
  coach(2, [1, 1, 5, 5, 1]),
  coachee(1, [5, 5, 0, 0, 0]),
  coachee(2, [0, 0, 5, 5, 0]),
  coachee(3, [0, 0, 4, 4, 0], { manager: 'coach1@acme.example' }),
];

/** The settings form's fields as the page shows them (inputs with a value, checked boxes, selected options). */
function formFields(page: string, action: string): Record<string, string> {
  const form = page.slice(page.indexOf(`action="${action}"`));
  const body = form.slice(0, form.indexOf('</form>'));
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input type="(?:text|email|number|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g)) fields[m[1]] = m[2].replace(/&amp;/g, '&');
  for (const m of body.matchAll(/<input type="checkbox" id="[^"]*" name="([^"]+)" value="on" checked>/g)) fields[m[1]] = 'on';
  for (const m of body.matchAll(/<select id="[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected>/.exec(m[2]);
    if (selected) fields[m[1]] = selected[1];
  }
  return fields;
}

describe('admin console: running a program from the browser', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let browser: ConsoleClient;
  let home: string;

  beforeAll(async () => {
    sink = new SmtpSink();
    await sink.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: sink.url, PAGE_RATE_LIMIT: '1000' } });
    await consoleOrganization(tandem, 'Acme', ADMIN);
    browser = new ConsoleClient(tandem);
    home = (await browser.signIn(ADMIN, sink)).text;
  });

  afterAll(async () => {
    await tandem?.stop();
    await sink?.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  let programPath: string;

  it('creates a program and edits its settings with inline validation messages', async () => {
    const empty = await browser.post('/console/programs', { name: '   ' }, home);
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('aria-invalid="true"');
    expect(empty.text).toContain('role="alert"');

    const created = await browser.post('/console/programs', { name: 'Leaders 2027' }, home);
    expect(created.status).toBe(303);
    programPath = String(created.headers.location).split('?')[0];
    const settings = await browser.get(String(created.headers.location));
    expect(settings.text).toContain('Program created');
    const fields = formFields(settings.text, programPath);
    expect(fields).toMatchObject({ name: 'Leaders 2027', 'cadence.interval': 'P14D', 'skills.0.key': 'active_listening', 'policy.objective': 'matched-then-score', version: '1' });

    const bad = await browser.post(programPath, { ...fields, 'skills.0.weight': 'heavy', 'cadence.interval': 'every two weeks', 'policy.weights.skills': '20' }, settings.text);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Nothing was saved');
    for (const id of ['f-skills-0-weight', 'f-cadence-interval', 'f-policy-weights-skills']) {
      expect(bad.text).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true" aria-describedby="[^"]*${id}-error`));
      expect(bad.text).toContain(`<p class="error" id="${id}-error">`);
    }
    expect(bad.text).toContain('value="every two weeks"');
    expect(bad.text).toContain('must be a positive ISO-8601 duration');
    const [unchanged] = await rawQuery<{ version: number; cadence: { interval: string } }>(db(), 'select version, cadence from program');
    expect(unchanged).toMatchObject({ version: 1, cadence: { interval: 'P14D' } });

    const saved = await browser.post(programPath, { ...fields, name: 'Leaders 2027 (pilot)', 'cadence.sessions': '8', 'policy.weights.skills': '0.6', 'policy.allowSameDepartment': '' }, settings.text);
    expect(saved.status).toBe(303);
    const after = await browser.get(String(saved.headers.location));
    expect(after.text).toContain('Settings saved');
    const [program] = await rawQuery<{ name: string; version: number; cadence: { sessions: number }; policy: { weights: { skills: number }; allowSameDepartment: boolean } }>(
      db(),
      'select name, version, cadence, policy from program',
    );
    expect(program).toMatchObject({ name: 'Leaders 2027 (pilot)', version: 2, cadence: { sessions: 8 }, policy: { weights: { skills: 0.6 }, allowSameDepartment: false } });

    // A form from before someone else's change is refused instead of overwriting it.
    const stale = await browser.post(programPath, { ...fields, name: 'Old tab' }, settings.text);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed these settings');

    const list = await browser.get('/console/programs');
    expect(list.text).toContain('Leaders 2027 (pilot)');
  });

  it('lists every row error of a bad CSV in place and writes nothing, then imports a good one with progress', async () => {
    const people = await browser.get(`${programPath}/people`);
    expect(people.text).toContain('Nobody is enrolled yet');
    const bad = fixtureCsv([coach(1, [5, 5, 1, 1, 1]), { ...coachee(1, [5, 5, 0, 0, 0]), email: 'not-an-email' }, { ...coachee(2, [0, 0, 5, 5, 0]), timezone: 'Mars/Olympus' }]);
    const refused = await browser.post(`${programPath}/imports`, { csv: bad }, people.text);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/<tr><td>3<\/td><td>email<\/td><td>[^<]+<\/td><\/tr>/);
    expect(refused.text).toMatch(/<tr><td>4<\/td><td>timezone<\/td><td>[^<]+<\/td><\/tr>/);
    expect(refused.text).toContain('not-an-email'); // the pasted CSV comes back to fix
    expect((await rawQuery(db(), 'select id from enrollment')).length).toBe(0);
    const nothing = await browser.post(`${programPath}/imports`, { csv: ' ' }, people.text);
    expect(nothing.status).toBe(422);

    const uploaded = await browser.post(`${programPath}/imports`, { csv: fixtureCsv(PEOPLE) }, people.text);
    expect(uploaded.status).toBe(303);
    const importPage = await browser.get(String(uploaded.headers.location));
    expect(importPage.text).toContain('<progress id="import-progress"');
    const status = await waitFor(async () => {
      const s = await browser.get(`${uploaded.headers.location}/status`);
      return s.body.done ? s.body : undefined;
    }, 'the import');
    expect(status).toMatchObject({ progress: 1, done: true });
    const done = await browser.get(String(uploaded.headers.location));
    expect(done.text).toContain('Done: 5 new, 0 updated, 0 unchanged');
    expect(done.text).not.toContain('data-poll');

    const table = await browser.get(`${programPath}/people`);
    expect(table.text).toContain('5 people shown');
    expect(table.text).toContain('waiting for a match');
    expect(table.text).toContain('0 of 2 places taken');
    const coaches = await browser.get(`${programPath}/people?role=coach`);
    expect(coaches.text).toContain('2 people shown');
    // Each coach links to what feedback taught about them; with no feedback yet, no figure and the reason why.
    const learningPath = /href="(\/console\/programs\/[0-9a-f-]{36}\/coaches\/[0-9a-f-]{36}\/learning)"/.exec(coaches.text)![1];
    const learning = await browser.get(learningPath);
    expect(learning.status).toBe(200);
    expect(learning.text).toContain('No coachee has given feedback on this coach yet');
    expect(learning.text).toContain('at least 3 different coachees');
    expect((await browser.get(learningPath.replace(/coaches\/[0-9a-f-]{36}/, 'coaches/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    const search = await browser.get(`${programPath}/people?q=dana2`);
    expect(search.text).toContain('1 person shown');
    expect(search.text).toContain('coachee2@acme.example');
  });

  let roundPath: string;

  it('launches a round with live progress and shows each pair’s score by term, its reasons, and the unmatched', async () => {
    const rounds = await browser.get(`${programPath}/rounds`);
    expect(rounds.text).toContain('No rounds yet');
    const launched = await browser.post(`${programPath}/rounds`, {}, rounds.text);
    expect(launched.status).toBe(303);
    roundPath = String(launched.headers.location);
    const status = await waitFor(async () => {
      const s = await browser.get(`${roundPath}/status`);
      return s.body.done ? s.body : undefined;
    }, 'the round');
    expect(status.label).toMatch(/^Proposed: 3 pairs, 0 unmatched$/);
    const page = await browser.get(roundPath);
    expect(page.text).toMatch(/<tr><td>Dana1 Lee<\/td><td>Coach1 Smith<\/td>/);
    expect(page.text).toMatch(/<div class="bar" role="img" aria-label="Score \d+\.\d of 100: skills \d+\.\d/);
    expect(page.text).toContain('Publish 3 offers');
    expect(page.text).not.toContain('data-poll');
  });

  it('shows why a pin is refused, swaps a pair, removes one, and refuses a stale form', async () => {
    const page = (await browser.get(roundPath)).text;
    const ids = await rawQuery<{ email: string; id: string }>(db(), 'select p.email, e.id from enrollment e join person p on p.id = e.person_id');
    const idOf = (email: string) => ids.find((r) => r.email === email)!.id;
    const refused = await browser.post(`${roundPath}/pins`, { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach1@acme.example'), revision: '1' }, page);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('this pair breaks a rule: reporting-line');
    expect(refused.text).toContain('role="alert"');

    const swapped = await browser.post(`${roundPath}/pins`, { coacheeId: idOf('coachee1@acme.example'), coachId: idOf('coach2@acme.example'), revision: '1' }, page);
    expect(swapped.status).toBe(303);
    expect(swapped.headers.location).toBe(`${roundPath}?changed=1`);
    const stale = await browser.post(`${roundPath}/exclusions`, { coacheeId: idOf('coachee2@acme.example'), coachId: idOf('coach2@acme.example'), revision: '1' }, page);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('the round changed meanwhile');
    await waitFor(async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined), 'the re-solve');
    const after = await browser.get(roundPath);
    expect(after.text).toMatch(/<tr><td>Dana1 Lee<\/td><td>Coach2 Smith <strong>\(pinned\)<\/strong><\/td>/);
    expect(after.text).toContain('Revision 2');

    // Remove coachee3's pair: with coach1 ruled out by the reporting line and coach2 removed, coachee3 is unmatched with the reason.
    const coachOf3 = /<tr><td>Dana3 Lee<\/td><td>(Coach\d) Smith/.exec(after.text)![1];
    expect(coachOf3).toBe('Coach2');
    const removed = await browser.post(`${roundPath}/exclusions`, { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach2@acme.example'), revision: '2' }, after.text);
    expect(removed.status).toBe(303);
    await waitFor(async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined), 'the re-solve');
    const final = await browser.get(roundPath);
    expect(final.text).toContain('<h2>Unmatched coachees</h2>');
    expect(final.text).toMatch(/<li>Dana3 Lee: [^<]+<\/li>/);
    expect(final.text).toContain('Publish 2 offers');
  });

  it('publishes, the coach accepts by the emailed link, and the board shows the pairing with its sessions', async () => {
    const page = (await browser.get(roundPath)).text;
    const published = await browser.post(`${roundPath}/publish`, {}, page);
    expect(published.status).toBe(303);
    const after = await browser.get(roundPath);
    expect(after.text).toContain('Published: 2 offers sent');
    expect(after.text).not.toContain('Pin or swap');
    const again = await browser.post(`${roundPath}/publish`, {}, page);
    expect(again.status).toBe(409);
    expect(again.text).toContain('published already');

    const board = await browser.get(`${programPath}/pairings`);
    expect(board.text).toContain('Offered (2)');
    expect(board.text).toMatch(/Offer sent \d+ min ago/);

    const offer = await waitFor(async () => sink.messages.find((m) => m.to.includes('coach2@acme.example') && m.subject.startsWith('Coaching offer')), 'the offer email');
    const offerPath = new URL(offerLink(offer.text)).pathname;
    const accepted = await tandem.request('POST', `${offerPath}/accept`, { body: '', contentType: 'application/x-www-form-urlencoded' });
    expect(accepted.status).toBe(200);
    const active = await waitFor(async () => {
      const b = await browser.get(`${programPath}/pairings`);
      return b.text.includes('Active (1)') && /Sessions held: 0 of [1-9]/.test(b.text) ? b.text : undefined;
    }, 'the active pairing with planned sessions');
    expect(active).toContain('Offered (1)');
    const activeColumn = active.slice(active.indexOf('id="col-active"'), active.indexOf('id="col-atRisk"'));
    const pairingPath = /<a href="(\/console\/pairings\/[0-9a-f-]{36})"><strong>Dana\d Lee<\/strong>/.exec(activeColumn)![1];
    const pairing = await browser.get(pairingPath);
    expect(pairing.status).toBe(200);
    expect(pairing.text).toContain('<dd>active</dd>');
    expect((pairing.text.match(/<tr><td>\d+<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td><td>scheduled<\/td>/g) ?? []).length).toBe(8);
    // Another organization's admin cannot open it.
    await consoleOrganization(tandem, 'Globex', 'gus@globex.example');
    const intruder = new ConsoleClient(tandem);
    await intruder.signIn('gus@globex.example', sink);
    expect((await intruder.get(pairingPath)).status).toBe(404);

    const people = await browser.get(`${programPath}/people?role=coachee`);
    expect(people.text).toContain('paired');
    expect(people.text).toContain('offer sent');
  });

  it('draws the report as SVG charts and downloads it as CSV', async () => {
    const report = await browser.get(`${programPath}/report`);
    expect(report.status).toBe(200);
    expect(report.text).toContain('<svg class="chart" role="img" aria-labelledby="funnel-title funnel-desc"');
    expect(report.text).toMatch(/<desc id="funnel-desc">Coachees enrolled: 3; Matched: \d+; Offered: 2; Accepted: 1;/);
    expect(report.text).toContain('100% of decided offers accepted');
    expect(report.text).toContain('withheld (too few answers)');
    expect(report.text).toContain('No closing surveys yet');
    const csv = await browser.get(`${programPath}/report.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split(/\r?\n/)[0]).toBe('section,item,field,value');
    expect(csv.text).toContain('funnel,,accepted,1');
  });

  it('hides the local mail viewer when SMTP_URL is set, and links to the queue dashboard', async () => {
    expect((await browser.get('/console/mail')).status).toBe(404);
    const page = await browser.get('/console/programs');
    expect(page.text).not.toContain('href="/console/mail"');
    expect(page.text).toContain('href="/ops/queues"');
  });
});

describe('admin console: the local mail viewer (SMTP_URL unset)', () => {
  let tandem: TestTandem;

  beforeAll(async () => {
    tandem = await TestTandem.start();
  });

  afterAll(async () => {
    await tandem?.stop();
  });

  it("signs in from the held email and shows the organization's outbox with working links, escaped", async () => {
    const { organizationId } = await consoleOrganization(tandem, 'Acme', ADMIN);
    const other = await consoleOrganization(tandem, 'Globex', 'gus@globex.example');
    const browser = new ConsoleClient(tandem);
    const form = await browser.get('/console/signin');
    await browser.post('/console/signin', { email: ADMIN }, form.text);
    await browser.post('/console/signin', { email: 'gus@globex.example' }, form.text);
    const em = tandem.get(EntityManager).fork();
    const [held] = await waitFor(async () => {
      const rows = await rawQuery<{ text: string }>(em, `select text from outbox_message where organization_id = ? and status = 'held'`, [organizationId]);
      return rows.length > 0 ? rows : undefined;
    }, 'the held sign-in email');
    const { config } = tandem.testEnv;
    const link = /(http\S+\/console\/signin\/\S+)/.exec(expandLinks(held.text, config.publicUrl, config.appSecret))![1];
    const path = new URL(link).pathname;
    const confirm = await browser.get(path);
    const signedIn = await browser.post(path, {}, confirm.text);
    expect(signedIn.status).toBe(303);

    const created = await browser.post('/console/programs', { name: 'Pilot' }, (await browser.get('/console/programs')).text);
    const programPath = String(created.headers.location).split('?')[0];
    const people = await browser.get(`${programPath}/people`);
    await browser.post(`${programPath}/imports`, { csv: fixtureCsv([{ role: 'coach', email: 'eve@acme.example', name: 'Eve <script>alert(1)</script>' }]) }, people.text);
    await waitFor(async () => {
      const rows = await rawQuery(em, `select id from outbox_message where organization_id = ? and idempotency_key like 'welcome:%' and status = 'held'`, [organizationId]);
      return rows.length > 0 ? true : undefined;
    }, 'the welcome email');

    const mail = await browser.get('/console/mail');
    expect(mail.status).toBe(200);
    expect(mail.text).toContain('href="/console/mail"');
    expect(mail.text).toContain('Your Tandem sign-in link');
    expect(mail.text).toContain(`${config.publicUrl}/console/signin/`);
    expect(mail.text).toContain('Welcome to Pilot');
    expect(mail.text).toContain('Hi Eve,');
    expect(mail.text).not.toContain('gus@globex.example');
    expect(other.organizationId).not.toBe(organizationId);
    expect(mail.text).not.toMatch(/<script>alert/);
  });
});
