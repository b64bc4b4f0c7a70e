import { EntityManager } from '@mikro-orm/postgresql';
import { expandLinks } from '@tandem/mail';
import { rawQuery } from '@tandem/domain';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { type FixturePerson, fixtureCsv, offerLink } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';
const coach = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coach',
  email: `coach${n}@acme.example`,
  name: `Coach${n} Smith`,
  capacity: 2,
  skills,
  bio: `Coach${n} led teams for 12 years & <b>loves</b> feedback.`,
  ...extra,
});
const coachee = (n: number, skills: number[], extra: Partial<FixturePerson> = {}): FixturePerson => ({
  role: 'coachee',
  email: `coachee${n}@acme.example`,
  name: `Dana${n} Lee`,
  skills,
  ...extra,
});
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
  for (const m of body.matchAll(
    /<input type="(?:text|email|number|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  ))
    fields[m[1]] = m[2].replace(/&amp;/g, '&');
  for (const m of body.matchAll(/<input type="checkbox" id="[^"]*" name="([^"]+)" value="on" checked>/g))
    fields[m[1]] = 'on';
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
    // Durations read as words, not ISO-8601; the weights say what they weigh.
    expect(fields).toMatchObject({
      name: 'Leaders 2027',
      'cadence.interval': '2 weeks',
      'cadence.sessionDuration': '1 hour',
      'cadence.reminderLead': '24 hours',
      offerTtl: '7 days',
      'feedback.inactivityWindow': '45 days',
      'skills.0.key': 'active_listening',
      'policy.objective': 'matched-then-score',
      version: '1',
    });
    expect(settings.text).not.toMatch(/value="P\d|value="PT\d/);
    expect(settings.text).not.toContain('Weights (0-10)');
    expect(settings.text).toContain('only their proportions matter');
    expect(settings.text).toContain('Skills fit (coach strengths against coachee needs)');

    const bad = await browser.post(
      programPath,
      { ...fields, 'skills.0.weight': 'heavy', 'cadence.interval': 'every two weeks', 'policy.weights.skills': '20' },
      settings.text,
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Nothing was saved');
    for (const id of ['f-skills-0-weight', 'f-cadence-interval', 'f-policy-weights-skills']) {
      expect(bad.text).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true" aria-describedby="[^"]*${id}-error`));
      expect(bad.text).toContain(`<p class="error" id="${id}-error">`);
    }
    expect(bad.text).toContain('value="every two weeks"');
    // Each message is a plain sentence next to its field.
    expect(bad.text).toContain(
      '<p class="error" id="f-cadence-interval-error">&quot;every two weeks&quot; is not a duration: write a number and a unit, for example &quot;2 weeks&quot;',
    );
    expect(bad.text).toContain('<p class="error" id="f-policy-weights-skills-error">Must be at most 10.</p>');
    expect(bad.text).toContain('<p class="error" id="f-skills-0-weight-error">Must be a number.</p>');
    expect(bad.text).not.toMatch(/Too small|Too big|Invalid input|ISO-8601/);
    const [unchanged] = await rawQuery<{ version: number; cadence: { interval: string } }>(
      db(),
      'select version, cadence from program',
    );
    expect(unchanged).toMatchObject({ version: 1, cadence: { interval: 'P14D' } });

    const saved = await browser.post(
      programPath,
      {
        ...fields,
        name: 'Leaders 2027 (pilot)',
        'cadence.sessions': '8',
        'cadence.interval': 'every 3 weeks',
        offerTtl: '48 hours',
        'policy.weights.skills': '0.6',
        'policy.forbidSameDepartment': 'on',
      },
      settings.text,
    );
    expect(saved.status).toBe(303);
    const after = await browser.get(String(saved.headers.location));
    expect(after.text).toContain('Settings saved');
    const [program] = await rawQuery<{
      name: string;
      version: number;
      cadence: { sessions: number };
      policy: { weights: { skills: number }; forbidSameDepartment: boolean };
    }>(db(), 'select name, version, cadence, policy, offer_ttl as "offerTtl", feedback from program');
    // The API keeps its ISO-8601 contract: the typed words were stored as durations.
    expect(program).toMatchObject({
      name: 'Leaders 2027 (pilot)',
      version: 2,
      cadence: { sessions: 8, interval: 'P21D', sessionDuration: 'PT1H', reminderLead: 'PT24H' },
      offerTtl: 'PT48H',
      feedback: { reminderAfter: 'P3D', inactivityWindow: 'P45D', inactivityGrace: 'P14D' },
      policy: { weights: { skills: 0.6 }, forbidSameDepartment: true },
    });
    expect(formFields(after.text, programPath)).toMatchObject({
      'cadence.interval': '3 weeks',
      offerTtl: '48 hours',
      'feedback.inactivityGrace': '2 weeks',
    });

    // A form from before someone else's change is refused instead of overwriting it.
    const stale = await browser.post(programPath, { ...fields, name: 'Old tab' }, settings.text);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else changed these settings');

    const list = await browser.get('/console/programs');
    expect(list.text).toContain('Leaders 2027 (pilot)');
    expect(list.text).toContain('<td>8 sessions, every 3 weeks</td>');
  });

  it('lists every row error of a bad CSV in place and writes nothing, then imports a good one with progress', async () => {
    const people = await browser.get(`${programPath}/people`);
    expect(people.text).toContain('Nobody is enrolled yet');
    const bad = fixtureCsv([
      coach(1, [5, 5, 1, 1, 1]),
      { ...coachee(1, [5, 5, 0, 0, 0]), email: 'not-an-email' },
      { ...coachee(2, [0, 0, 5, 5, 0]), timezone: 'Mars/Olympus' },
    ]);
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
    expect(table.text).toContain('Waiting for a match');
    // A coach's bio is shown (escaped); coachees have none.
    expect(table.text).toContain(
      '<summary>About Coach1 Smith</summary><p class="bio">Coach1 led teams for 12 years &amp; &lt;b&gt;loves&lt;/b&gt; feedback.</p>',
    );
    expect(table.text).toContain('0 of 2 places taken');
    const coaches = await browser.get(`${programPath}/people?role=coach`);
    expect(coaches.text).toContain('2 people shown');
    // Each coach links to what feedback taught about them; with no feedback yet, no figure and the reason why.
    const learningPath = /href="(\/console\/programs\/[0-9a-f-]{36}\/coaches\/[0-9a-f-]{36}\/learning)"/.exec(
      coaches.text,
    )![1];
    const learning = await browser.get(learningPath);
    expect(learning.status).toBe(200);
    expect(learning.text).toContain('No coachee has given feedback on this coach yet');
    expect(learning.text).toContain('at least 3 different coachees');
    expect(
      (
        await browser.get(
          learningPath.replace(/coaches\/[0-9a-f-]{36}/, 'coaches/00000000-0000-4000-8000-000000000000'),
        )
      ).status,
    ).toBe(404);
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
    expect(page.text).toMatch(/<tr><td data-label="Coachee">Dana1 Lee<\/td><td data-label="Coach">Coach1 Smith<\/td>/);
    expect(page.text).toMatch(/<div class="bar" role="img" aria-label="Score \d+\.\d of 100: skills \d+\.\d/);
    expect(page.text).toContain('Publish 3 offers');
    expect(page.text).not.toContain('data-poll');
    // The swap list says what each coach would score with this coachee and the places left.
    expect(page.text).toMatch(/<option value="[0-9a-f-]{36}" selected>Coach1 Smith: \d+\.\d, 1 place free<\/option>/);

    // A coachee's alternatives: each other coach with score, free places and why it is lower; the ruled-out with the rule.
    const dana1 =
      /href="(\/console\/rounds\/[0-9a-f-]{36}\/coachees\/[0-9a-f-]{36})">Other coaches for Dana1 Lee</.exec(
        page.text,
      )![1];
    const alternatives = await browser.get(dana1);
    expect(alternatives.status).toBe(200);
    const proposed = Number(/Proposed: <strong>Coach1 Smith<\/strong>, score (\d+\.\d)\./.exec(alternatives.text)![1]);
    const proposedOnPage = Number(
      new RegExp(
        `Dana1 Lee</td><td data-label="Coach">Coach1 Smith</td>\\s*<td data-label="Score">[\\s\\S]*?<span>(\\d+\\.\\d)</span>`,
      ).exec(page.text)![1],
    );
    expect(proposed).toBe(proposedOnPage);
    expect(alternatives.text).toContain('1 other coach is allowed, 0 ruled out');
    const row =
      /<tr><td data-label="Coach">Coach2 Smith<\/td><td data-label="Score">(\d+\.\d)<\/td><td data-label="Free places">(\d)<\/td><td data-label="Why lower">([^<]+)<\/td>/.exec(
        alternatives.text,
      )!;
    expect(Number(row[1])).toBeLessThan(proposed);
    // Coach2 has 2 places, both taken by this round's other proposals.
    expect(row[2]).toBe('0');
    expect(row[3]).toMatch(
      new RegExp(
        `^${(proposed - Number(row[1])).toFixed(1).replace('.', '\\.')} points below the proposed coach: skills fit \\d+\\.\\d points less.*; no free place left in this round\\.$`,
      ),
    );
    expect(alternatives.text).toContain(
      'aria-label="Pin this coach: Coach2 Smith for Dana1 Lee">Pin this coach</button>',
    );
    const dana3 =
      /href="(\/console\/rounds\/[0-9a-f-]{36}\/coachees\/[0-9a-f-]{36})">Other coaches for Dana3 Lee</.exec(
        page.text,
      )![1];
    const ruledOut = await browser.get(dana3);
    expect(ruledOut.text).toContain('0 other coaches are allowed, 1 ruled out');
    expect(ruledOut.text).toContain('<li>Coach1 Smith: the coach is in the coachee’s reporting line</li>');
    expect(
      (await browser.get(dana3.replace(/coachees\/[0-9a-f-]{36}/, 'coachees/00000000-0000-4000-8000-000000000000')))
        .status,
    ).toBe(404);

    // Publishing is a step of its own that says how many emails it sends.
    const confirm = await browser.get(`${roundPath}/publish`);
    expect(confirm.text).toContain(
      'Publishing sends <strong>3 offer emails</strong> to 2 coaches, one for each proposed pair',
    );
    expect(confirm.text).toContain('<button type="submit">Send 3 offer emails</button>');
    // Proposals of an unpublished round are not facts yet: the funnel does not count them as matched.
    const report = await browser.get(`${programPath}/report`);
    expect(report.text).toMatch(/<desc id="funnel-desc">Coachees enrolled: 3; Matched: 0; Offered: 0;/);
  });

  it('shows why a pin is refused, swaps a pair, removes one, and refuses a stale form', async () => {
    const page = (await browser.get(roundPath)).text;
    const ids = await rawQuery<{ email: string; id: string }>(
      db(),
      'select p.email, e.id from enrollment e join person p on p.id = e.person_id',
    );
    const idOf = (email: string) => ids.find((r) => r.email === email)!.id;
    const refused = await browser.post(
      `${roundPath}/pins`,
      { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach1@acme.example'), revision: '1' },
      page,
    );
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(
      'Not changed: this pair breaks a rule: the coach is in the coachee’s reporting line.',
    );
    expect(refused.text).toContain('role="alert"');

    const swapped = await browser.post(
      `${roundPath}/pins`,
      { coacheeId: idOf('coachee1@acme.example'), coachId: idOf('coach2@acme.example'), revision: '1' },
      page,
    );
    expect(swapped.status).toBe(303);
    expect(swapped.headers.location).toMatch(new RegExp(`^${roundPath}\\?changed=1&was=[0-9a-f.]+&you=[0-9a-f]{8}$`));
    const stale = await browser.post(
      `${roundPath}/exclusions`,
      { coacheeId: idOf('coachee2@acme.example'), coachId: idOf('coach2@acme.example'), revision: '1' },
      page,
    );
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('the round changed meanwhile');
    await waitFor(
      async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined),
      'the re-solve',
    );
    const after = await browser.get(roundPath);
    expect(after.text).toMatch(
      /<tr><td data-label="Coachee">Dana1 Lee<\/td><td data-label="Coach">Coach2 Smith <strong>\(pinned\)<\/strong><\/td>/,
    );
    expect(after.text).toContain('Revision 2');
    // The page the change leads to says which other pairs the re-solve moved.
    const moved = (await browser.get(String(swapped.headers.location))).text;
    expect(moved).toContain('<h2 id="moved-title">What the re-solve changed</h2><p>1 other coachee’s pair moved:</p>');
    expect(moved).toContain('<li>Dana1 Lee: Coach1 Smith → Coach2 Smith (your change)</li>');
    expect(moved).toContain('<li>Dana2 Lee: Coach2 Smith → Coach1 Smith</li>');
    // The pinned pair scores well below Dana1's best coach: a warning says by how much.
    expect(after.text).toMatch(
      /<li>Dana1 Lee is pinned to Coach2 Smith \(score \d+\.\d\), \d+\.\d points below Coach1 Smith \(\d+\.\d\)\.<\/li>/,
    );

    // Remove coachee3's pair: with coach1 ruled out by the reporting line and coach2 removed, coachee3 is unmatched with the reason.
    const coachOf3 = /<tr><td data-label="Coachee">Dana3 Lee<\/td><td data-label="Coach">(Coach\d) Smith/.exec(
      after.text,
    )![1];
    expect(coachOf3).toBe('Coach2');
    const removed = await browser.post(
      `${roundPath}/exclusions`,
      { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach2@acme.example'), revision: '2' },
      after.text,
    );
    expect(removed.status).toBe(303);
    await waitFor(
      async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined),
      'the re-solve',
    );
    let final = await browser.get(String(removed.headers.location));
    expect(final.text).toContain('<li>Dana3 Lee: Coach2 Smith → unmatched (your change)</li>');
    expect(final.text).toContain('<h2>Unmatched coachees</h2>');
    expect(final.text).toMatch(
      /<li>Dana3 Lee: [^<]+ \(<a href="\/console\/rounds\/[0-9a-f-]{36}\/coachees\/[0-9a-f-]{36}">see every coach for Dana3 Lee<\/a>\)<\/li>/,
    );
    expect(final.text).toContain('Publish 2 offers');
    // A removal can be undone (the pair is allowed again and comes back), and the pair removed again.
    expect(final.text).toMatch(
      /<h2>Removed pairs<\/h2>[\s\S]*<li>Dana3 Lee with Coach2 Smith <form method="post" action="\/console\/rounds\/[0-9a-f-]{36}\/restorations"/,
    );
    const stalePutBack = await browser.post(
      `${roundPath}/restorations`,
      { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach2@acme.example'), revision: '2' },
      final.text,
    );
    expect(stalePutBack.status).toBe(409);
    const putBack = await browser.post(
      `${roundPath}/restorations`,
      { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach2@acme.example'), revision: '3' },
      final.text,
    );
    expect(putBack.status).toBe(303);
    await waitFor(
      async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined),
      'the re-solve',
    );
    const back = await browser.get(String(putBack.headers.location));
    expect(back.text).toMatch(/<tr><td data-label="Coachee">Dana3 Lee<\/td><td data-label="Coach">Coach2 Smith<\/td>/);
    expect(await rawQuery(db(), `select 1 from audit_event where action = 'round.restored'`)).toHaveLength(1);
    expect(back.text).toContain('<li>Dana3 Lee: unmatched → Coach2 Smith (your change)</li>');
    expect(back.text).not.toContain('<h2>Removed pairs</h2>');
    const again = await browser.post(
      `${roundPath}/exclusions`,
      { coacheeId: idOf('coachee3@acme.example'), coachId: idOf('coach2@acme.example'), revision: '4' },
      back.text,
    );
    expect(again.status).toBe(303);
    await waitFor(
      async () => ((await browser.get(`${roundPath}/status`)).body.done ? true : undefined),
      'the re-solve',
    );
    final = await browser.get(roundPath);
    expect(final.text).toContain('Publish 2 offers');
    expect(final.text).toContain('Revision 5');
    const confirm = await browser.get(`${roundPath}/publish`);
    expect(confirm.text).toContain(
      'Publishing sends <strong>2 offer emails</strong> to 1 coach, one for each proposed pair',
    );
    expect(confirm.text).toContain('1 unmatched coachee goes on the waiting list.');
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

    const offers = await waitFor(async () => {
      const found = sink.messages.filter((m) => m.subject.startsWith('Coaching offer'));
      return found.length === 2 ? found : undefined;
    }, 'the two offer emails');
    // The coachee chose nobody: the offer says the match is ours, not the coachee's wish.
    for (const mail of offers) {
      expect(mail.text).not.toContain('would like you as their coach');
      expect(mail.text).toMatch(/We matched you with Dana\d in Leaders 2027 \(pilot\)/);
    }
    const offer = offers.find((m) => m.text.includes('Dana1'))!;
    const offerPath = new URL(offerLink(offer.text)).pathname;
    const accepted = await tandem.request('POST', `${offerPath}/accept`, {
      body: '',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(accepted.status).toBe(200);
    const other = offers.find((m) => m !== offer)!;
    const declined = await tandem.request('POST', `${new URL(offerLink(other.text)).pathname}/decline`, {
      body: 'reason=',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(declined.status).toBe(200);
    // The decline re-matches Dana2 at once (a new offer, to the other coach), and the place it freed at Coach2 goes to the
    // waiting list: Dana3, whom the round left unmatched, is offered Coach2 (Coach1 is Dana3's manager).
    const later = await waitFor(async () => {
      const found = sink.messages.filter((m) => m.subject.startsWith('Coaching offer')).slice(2);
      return found.length === 2 ? found : undefined;
    }, 'the re-match and the waiting-list offers');
    expect(later.map((m) => `${m.to.join(',')}: ${/We matched you with (Dana\d)/.exec(m.text)?.[1]}`).sort()).toEqual([
      'coach1@acme.example: Dana2',
      'coach2@acme.example: Dana3',
    ]);
    const active = await waitFor(async () => {
      const b = await browser.get(`${programPath}/pairings`);
      return b.text.includes('Active (1)') && b.text.includes('Offered (2)') && /Sessions held: 0 of [1-9]/.test(b.text)
        ? b.text
        : undefined;
    }, 'the active pairing with planned sessions');
    // Every state has its column: the declined pairing stays on the board with its state.
    expect(active).toContain('Declined (1)');
    expect(active).toContain('Offer expired (0)');
    expect(active).toContain('Ended early (0)');
    const declinedColumn = active.slice(active.indexOf('id="col-declined"'), active.indexOf('id="col-expired"'));
    expect(declinedColumn).toMatch(/<strong>Dana2 Lee<\/strong> with Coach\d Smith<\/a>/);
    expect(declinedColumn).toMatch(/Declined by the coach \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const activeColumn = active.slice(active.indexOf('id="col-active"'), active.indexOf('id="col-atRisk"'));
    const pairingPath = /<a href="(\/console\/pairings\/[0-9a-f-]{36})"><strong>Dana\d Lee<\/strong>/.exec(
      activeColumn,
    )![1];
    const pairing = await browser.get(pairingPath);
    expect(pairing.status).toBe(200);
    expect(pairing.text).toContain('<dd>Active</dd>');
    expect(pairing.text).toContain('<h2>Sessions (8 planned, every 3 weeks)</h2>');
    // Numbered 1 to 8, as the emails number them.
    const numbers = [
      ...pairing.text.matchAll(/<tr><td>(\d+)<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td><td>Scheduled<\/td>/g),
    ].map((m) => Number(m[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(pairing.text).toContain('<h2>About the coach</h2>');
    expect(pairing.text).toMatch(
      /<p class="bio">Coach2 led teams for 12 years &amp; &lt;b&gt;loves&lt;\/b&gt; feedback.<\/p>/,
    );
    // The coachee meets the coach through the bio in the introduction.
    const intro = await waitFor(
      async () =>
        sink.messages.find((m) => m.to.includes('coachee1@acme.example') && m.subject.startsWith('Meet your coach')),
      'the introduction',
    );
    expect(intro.text).toContain(
      'About Coach2, in their own words:\nCoach2 led teams for 12 years & <b>loves</b> feedback.',
    );
    // Another organization's admin cannot open it.
    await consoleOrganization(tandem, 'Globex', 'gus@globex.example');
    const intruder = new ConsoleClient(tandem);
    await intruder.signIn('gus@globex.example', sink);
    expect((await intruder.get(pairingPath)).status).toBe(404);

    // The board filters by name (coach or coachee) and by state.
    const dana1Active = await browser.get(`${programPath}/pairings?q=DANA1&state=active`);
    expect(dana1Active.text).toContain('<p role="status">1 pairing matches.</p>');
    expect(dana1Active.text).toContain('Active (1)');
    expect(dana1Active.text).not.toContain('Offered (');
    expect(dana1Active.text).toContain('<option value="active" selected>Active</option>');
    const byCoach = await browser.get(`${programPath}/pairings?q=coach2`);
    const coach2Cards = (byCoach.text.match(/<li class="card">/g) ?? []).length;
    expect(coach2Cards).toBe((active.match(/ with Coach2 Smith<\/a>/g) ?? []).length);
    expect(byCoach.text).toContain(`<p role="status">${coach2Cards} pairings match.</p>`);
    const nobody = await browser.get(`${programPath}/pairings?q=nobody&state=bogus`);
    expect(nobody.text).toContain('<p role="status">0 pairings match.</p>');
    expect(nobody.text).toContain('Offered (0)');

    const people = await browser.get(`${programPath}/people?role=coachee`);
    expect(people.text).toContain('<td data-label="State">Paired</td>');
    expect(people.text).toContain('<td data-label="State">Offer sent</td>');
  });

  it('draws the report as SVG charts and downloads it as CSV', async () => {
    const report = await browser.get(`${programPath}/report`);
    expect(report.status).toBe(200);
    expect(report.text).toContain('<svg class="chart" role="img" aria-labelledby="funnel-title funnel-desc"');
    expect(report.text).toMatch(/<desc id="funnel-desc">Coachees enrolled: 3; Matched: 3; Offered: 3; Accepted: 1;/);
    expect(report.text).toContain('50% of decided offers accepted');
    expect(report.text).toContain('withheld (fewer than 3 people answered)');
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
    expect(page.text).toContain('href="/console/queues"');
  });

  it('opens the queue dashboard by the console session, and closes it at sign-out', async () => {
    // Without the console's cookie under /ops the dashboard asks for a key.
    const bare = await tandem.request('GET', '/ops/queues', { headers: { accept: 'text/html' } });
    expect(bare.status).toBe(401);
    const lent = await browser.get('/console/queues');
    expect(lent.status).toBe(303);
    expect(lent.headers.location).toBe('/ops/queues');
    const cookie = [lent.headers['set-cookie']].flat().find((c) => String(c).startsWith('tandem_console='))!;
    expect(cookie).toMatch(/Path=\/ops;.*HttpOnly;.*SameSite=Strict/);
    const token = /tandem_console=([^;]+)/.exec(String(cookie))![1];
    const dashboard = await tandem.request('GET', '/ops/queues', {
      headers: { accept: 'text/html', cookie: `tandem_console=${token}` },
    });
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Tandem queues');
    const api = await tandem.request('GET', '/ops/queues/api/queues', {
      headers: { cookie: `tandem_console=${token}` },
    });
    expect(api.status).toBe(200);
    // A made-up session opens nothing.
    expect(
      (
        await tandem.request('GET', '/ops/queues/api/queues', {
          headers: { cookie: 'tandem_console=tcs_' + 'x'.repeat(43) },
        })
      ).status,
    ).toBe(401);
    const page = await browser.get('/console/programs');
    const out = await browser.post('/console/signout', {}, page.text);
    expect(
      [out.headers['set-cookie']].flat().some((c) => /^tandem_console=; Max-Age=0; Path=\/ops;/.test(String(c))),
    ).toBe(true);
    expect(
      (await tandem.request('GET', '/ops/queues/api/queues', { headers: { cookie: `tandem_console=${token}` } }))
        .status,
    ).toBe(401);
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
      const rows = await rawQuery<{ text: string }>(
        em,
        `select text from outbox_message where organization_id = ? and status = 'held'`,
        [organizationId],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the held sign-in email');
    const { config } = tandem.testEnv;
    const link = /(http\S+\/console\/signin\/\S+)/.exec(expandLinks(held.text, config.publicUrl, config.appSecret))![1];
    const path = new URL(link).pathname;
    const confirm = await browser.get(path);
    const signedIn = await browser.post(path, {}, confirm.text);
    expect(signedIn.status).toBe(303);

    const created = await browser.post(
      '/console/programs',
      { name: 'Pilot' },
      (await browser.get('/console/programs')).text,
    );
    const programPath = String(created.headers.location).split('?')[0];
    const people = await browser.get(`${programPath}/people`);
    await browser.post(
      `${programPath}/imports`,
      { csv: fixtureCsv([{ role: 'coach', email: 'eve@acme.example', name: 'Eve <script>alert(1)</script>' }]) },
      people.text,
    );
    await waitFor(async () => {
      const rows = await rawQuery(
        em,
        `select id from outbox_message where organization_id = ? and idempotency_key like 'welcome:%' and status = 'held'`,
        [organizationId],
      );
      return rows.length > 0 ? true : undefined;
    }, 'the welcome email');

    const mail = await browser.get('/console/mail');
    expect(mail.status).toBe(200);
    expect(mail.text).toContain('Kept in the outbox (no SMTP server set)');
    expect(mail.text).not.toMatch(/ · held<\/p>/);
    expect(mail.text).toContain('href="/console/mail"');
    expect(mail.text).toContain('Your Tandem sign-in link');
    expect(mail.text).toContain(`${config.publicUrl}/console/signin/`);
    expect(mail.text).toContain('Welcome to Pilot');
    expect(mail.text).toContain('Hi Eve,');
    expect(mail.text).not.toContain('gus@globex.example');
    expect(other.organizationId).not.toBe(organizationId);
    expect(mail.text).not.toMatch(/<script>alert/);
    // Links are links; each email folds; the kinds present are a filter with their counts.
    expect(mail.text).toMatch(
      new RegExp(
        `<a href="${config.publicUrl}/console/signin/[A-Za-z0-9_-]{43}">${config.publicUrl}/console/signin/[A-Za-z0-9_-]{43}</a>`,
      ),
    );
    expect(mail.text).toContain('<summary>Read the email</summary>');
    expect(mail.text).toContain(
      '<option value="admin-signin">Console sign-in links (1)</option><option value="welcome">Welcome emails (1)</option>',
    );
    const welcome = await browser.get('/console/mail?kind=welcome');
    expect(welcome.text).toContain('Emails 1 to 1 of kind “Welcome emails”.');
    expect(welcome.text).toContain('Welcome to Pilot');
    expect(welcome.text).not.toContain('Your Tandem sign-in link');
    const toAda = await browser.get(`/console/mail?to=${encodeURIComponent('ADA@')}`);
    expect(toAda.text).toContain('Your Tandem sign-in link');
    expect(toAda.text).not.toContain('Welcome to Pilot');
    expect((await browser.get('/console/mail?to=nobody')).text).toContain('<p>No email matches.</p>');

    // 25 more people: 27 emails, shown 20 a page, newest first.
    const many = Array.from({ length: 25 }, (_, i) => ({
      role: 'coachee' as const,
      email: `p${String(i).padStart(2, '0')}@acme.example`,
      name: `P${i} Doe`,
    }));
    await browser.post(`${programPath}/imports`, { csv: fixtureCsv(many) }, people.text);
    await waitFor(async () => {
      const [{ n }] = await rawQuery<{ n: number }>(
        em,
        `select count(*)::int as n from outbox_message where organization_id = ? and idempotency_key like 'welcome:%'`,
        [organizationId],
      );
      return n === 26 ? true : undefined;
    }, 'the 25 welcome emails');
    const first = await browser.get('/console/mail');
    expect(first.text.match(/<article class="card">/g)).toHaveLength(20);
    expect(first.text).toContain('Emails 1 to 20.');
    expect(first.text).toContain('<a href="/console/mail?kind=&amp;to=&amp;offset=20">Older emails</a>');
    expect(first.text).not.toContain('Newer emails');
    const second = await browser.get('/console/mail?kind=&to=&offset=20');
    expect(second.text.match(/<article class="card">/g)).toHaveLength(7);
    expect(second.text).toContain('Emails 21 to 27.');
    expect(second.text).toContain('Your Tandem sign-in link');
    expect(second.text).toContain('<a href="/console/mail?kind=&amp;to=&amp;offset=0">Newer emails</a>');
    expect(second.text).not.toContain('Older emails');
  });
});
