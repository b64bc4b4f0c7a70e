import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { accessible, noOverflow, TestBrowser, screenshot, listeningTandem } from './support/browser';
import { consoleOrganization, signInLink } from './support/console-client';
import { type FixturePerson, fixtureCsv, offerLink } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';
const EVIL = '<script>alert(1)</script>';
const PEOPLE: FixturePerson[] = [
  {
    role: 'coach',
    email: 'coach1@acme.example',
    name: 'Coach1 Smith',
    capacity: 2,
    skills: [5, 5, 1, 1, 1],
    bio: 'Ran a team of 40 for ten years.',
  },
  {
    role: 'coach',
    email: 'coach2@acme.example',
    name: `Coach2 ${EVIL}`,
    capacity: 2,
    skills: [1, 1, 5, 5, 1],
    bio: `Former nurse ${EVIL}, now a coach.`,
  },
  {
    role: 'coachee',
    email: 'coachee1@acme.example',
    name: 'Dana1 Lee',
    skills: [5, 5, 0, 0, 0],
    goals: `Lead ${EVIL}`,
  },
  { role: 'coachee', email: 'coachee2@acme.example', name: 'Dana2 Lee', skills: [0, 0, 5, 5, 0] },
  { role: 'coachee', email: 'coachee3@acme.example', name: 'Dana3 Lee', skills: [4, 4, 0, 0, 0] },
];

jest.setTimeout(300_000);

describe('admin console in headless Chromium', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let browser: TestBrowser;
  let origin: string;
  let files: string;

  beforeAll(async () => {
    ({ sink, tandem, origin } = await listeningTandem());
    await consoleOrganization(tandem, 'Acme', ADMIN);
    browser = await TestBrowser.launch();
    files = join(tmpdir(), `tandem-console-${new URL(origin).port}`);
    writeFileSync(`${files}-good.csv`, fixtureCsv(PEOPLE));
    writeFileSync(`${files}-bad.csv`, fixtureCsv([PEOPLE[0], { ...PEOPLE[2], email: 'not-an-email' }]));
  });

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
    await sink?.stop();
  });

  /** Waits until `text` shows on the page (which polls and reloads itself). */
  async function waitForText(page: Page, text: string | RegExp, what: string) {
    // The page reloads itself when the work is done; a read during the reload is simply retried.
    const read = () =>
      page
        .locator('main')
        .innerText({ timeout: 2_000 })
        .catch(() => '');
    await waitFor(async () => ((await read()).match(text) ? true : undefined), what, 30_000, 200);
  }

  it('runs a program: sign in by the emailed link, create, upload (with a row error), launch, swap, publish, accept, board', async () => {
    const { page, errors } = await browser.page();
    // Any answer of 500 or more is an error of the run, whatever the page shows.
    page.on('response', (response) => {
      if (response.status() >= 500) errors.push(`${response.status()} from ${new URL(response.url()).pathname}`);
    });

    // The bare address leads to the console, which asks to sign in; the keyboard reaches the skip link first.
    await page.goto(`${origin}/`);
    expect(new URL(page.url()).pathname).toBe('/console/signin');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await screenshot(page, '01-sign-in');
    await accessible(page, '01-sign-in');
    await page.getByLabel('Email address', { exact: true }).fill(ADMIN);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await screenshot(page, '02-check-your-email');
    const mail = await waitFor(async () => sink.messages.find((m) => m.to.includes(ADMIN)), 'the sign-in email');
    await page.goto(signInLink(mail.text));
    await screenshot(page, '03-sign-in-link');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Programs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/programs');
    await screenshot(page, '04-programs');
    await accessible(page, '04-programs');

    // Create a program; a bad setting is explained next to its field.
    await page.getByLabel('Program name').fill('Leaders 2027');
    await page.getByRole('button', { name: 'Create program' }).click();
    await page.getByText('Program created').waitFor();
    await page.getByLabel('Sessions', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Nothing was saved').waitFor();
    const sessions = page.getByLabel('Sessions', { exact: true });
    expect(await sessions.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-cadence-sessions-error').innerText()).toBe('Must be at least 1.');
    // Durations read and are typed as words.
    const every = page.getByLabel('One session every');
    expect(await every.inputValue()).toBe('2 weeks');
    expect(await page.getByLabel('A coach can answer an offer for').inputValue()).toBe('7 days');
    expect(await page.getByLabel('Send the reminder this long before').inputValue()).toBe('24 hours');
    await screenshot(page, '05-settings-error');
    await accessible(page, '05-settings-error');
    await sessions.fill('6');
    await every.fill('3 weeks');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    expect(await page.getByLabel('One session every').inputValue()).toBe('3 weeks');
    await screenshot(page, '06-settings');
    await accessible(page, '06-settings');

    // Upload a CSV with a bad row: every row error in place, nothing written. Then the good one, with its progress.
    await page.getByRole('link', { name: 'People' }).click();
    await page.locator('#csv-file').setInputFiles(`${files}-bad.csv`);
    await page.getByText('is ready to upload').waitFor();
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('table', { hasText: 'Row errors' }).innerText()).toMatch(/3\s+email/);
    await screenshot(page, '07-upload-row-error');
    await accessible(page, '07-upload-row-error');
    await page.locator('#csv-file').setInputFiles(`${files}-good.csv`);
    await page.getByText('is ready to upload').waitFor();
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/Done: 5 new/).waitFor({ timeout: 30_000 });
    expect(await page.locator('#import-progress').getAttribute('value')).toBe('1');
    await screenshot(page, '08-import-done');
    await accessible(page, '08-import-done');
    await page.getByRole('link', { name: 'Back to people' }).click();
    await page.getByText('5 people shown').waitFor();
    // A participant named <script>alert(1)</script> shows as text (and no dialog opened: see `errors`).
    expect(await page.getByRole('cell', { name: `Coach2 ${EVIL}`, exact: true }).count()).toBe(1);
    // A coach's bio unfolds in place, as text.
    await page.getByText(`About Coach2 ${EVIL}`).click();
    expect(await page.getByText(`Former nurse ${EVIL}, now a coach.`).isVisible()).toBe(true);
    await page.getByLabel('Search by name or email').fill('dana2');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 person shown').waitFor();
    await screenshot(page, '09-people');
    await accessible(page, '09-people');

    // The column guide unfolds on the page; the template is a download.
    await page.getByText(/^Column guide/).click();
    const capacityRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'capacity' }) });
    expect(await capacityRow.innerText()).toContain('Empty means 1 coachee.');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'CSV template' }).click();
    expect((await download).suggestedFilename()).toBe('people-template.csv');

    // Add one person by the form (a field error first), then pause them: out of the pool, still listed.
    await page.getByRole('link', { name: 'Add one person' }).click();
    await page.getByLabel('Email', { exact: true }).fill('eve@acme.example');
    await page.getByLabel('Name', { exact: true }).fill('Eve Adams');
    await page.getByLabel('Level', { exact: true }).fill('senior');
    for (const skill of [
      'Active listening',
      'Empathy',
      'Emotional intelligence',
      'Trust building',
      'Clear communication',
    ])
      await page.getByLabel(skill, { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Nobody was added').waitFor();
    expect(await page.locator('#f-level-error').innerText()).toBe('Level must be a number from 0 to 20.');
    expect(await page.getByLabel('Level', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '09b-add-person-error');
    await accessible(page, '09b-add-person-error');
    await page.getByLabel('Level', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Person added. One welcome email is on its way.').waitFor();
    await page.getByRole('button', { name: 'Pause Eve Adams' }).click();
    await page.getByText('Paused: out of the matching pool until resumed.').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'eve@acme.example' }).innerText()).toContain(
      'Paused: out of the pool',
    );
    expect(await page.getByRole('button', { name: 'Resume Eve Adams' }).count()).toBe(1);
    await screenshot(page, '09c-person-paused');
    await accessible(page, '09c-person-paused');
    // The person form and the people cards at phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    await noOverflow(page, 'people at 390 px');
    await page.getByRole('link', { name: 'Edit Eve Adams' }).click();
    await page.getByRole('heading', { name: 'Edit Eve Adams' }).waitFor();
    expect(await page.getByLabel('Level', { exact: true }).inputValue()).toBe('3');
    await noOverflow(page, 'person form at 390 px');
    await screenshot(page, '09d-person-form-phone');
    await accessible(page, '09d-person-form-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Cancel' }).click();

    // Launch a round and watch it finish.
    await page.getByRole('link', { name: 'Rounds' }).click();
    await page.getByRole('button', { name: 'Launch a round' }).click();
    await waitForText(page, /Proposed: 3 pairs/, 'the round to finish');
    expect(await page.locator('.bar[role=img]').count()).toBe(3);
    expect(await page.locator('.bar[role=img]').first().getAttribute('aria-label')).toMatch(
      /^Score \d+\.\d of 100: skills/,
    );
    await screenshot(page, '10-round-proposed');
    await accessible(page, '10-round-proposed');

    // Swap: Dana1 Lee goes to Coach2 instead.
    const dana1 = page.getByRole('row').filter({ hasText: 'Dana1 Lee' });
    expect(await dana1.getByRole('cell').nth(1).innerText()).toBe('Coach1 Smith');
    // Each coach in the swap list says what they would score with Dana1 and how many places they have left.
    const coach2 = dana1.locator('option', { hasText: 'Coach2' });
    expect(await coach2.innerText()).toMatch(/^Coach2 <script>alert\(1\)<\/script>: \d+\.\d, \d places? free$/);
    await dana1.getByLabel('Coach for Dana1 Lee').selectOption((await coach2.getAttribute('value'))!);
    await dana1.getByRole('button', { name: 'Pin or swap' }).click();
    await waitForText(page, /Proposed: \d pairs/, 'the re-solve');
    await page.getByText('Revision 2').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Dana1 Lee' }).getByRole('cell').nth(1).innerText()).toBe(
      `Coach2 ${EVIL} (pinned)`,
    );
    // What the re-solve moved, and a warning on the pinned pair that scores far below Dana1's best coach.
    const moved = page.getByRole('region', { name: 'What the re-solve changed' });
    expect(await moved.innerText()).toContain(`Dana1 Lee: Coach1 Smith → Coach2 ${EVIL} (your change)`);
    expect(await page.getByRole('alert').innerText()).toMatch(
      new RegExp(`Dana1 Lee is pinned to Coach2 .+ \\(score \\d+\\.\\d\\), \\d+\\.\\d points below Coach1 Smith`),
    );
    await screenshot(page, '11-round-swapped');
    await accessible(page, '11-round-swapped');

    // A coachee's other coaches: score, free places and why each is lower.
    await page.getByRole('link', { name: 'Other coaches for Dana2 Lee' }).click();
    await page.getByRole('heading', { name: 'Coaches for Dana2 Lee' }).waitFor();
    const others = page.locator('table.alternatives tbody tr');
    expect(await others.count()).toBe(1);
    expect(await others.first().innerText()).toMatch(
      /points below the proposed coach|points above the proposed coach|as good as the proposed coach/,
    );
    await screenshot(page, '11b-alternatives');
    await accessible(page, '11b-alternatives');
    // At phone width the alternatives stack as cards, and nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await noOverflow(page, 'alternatives at 390 px');
    await screenshot(page, '11c-alternatives-phone');
    await accessible(page, '11c-alternatives-phone');
    await page.getByRole('link', { name: 'Back to the round' }).click();
    await page.getByText('Revision 2').waitFor();
    await noOverflow(page, 'round at 390 px');
    // The proposals are cards: the swap control is on screen, inside the window.
    const swap = await page.getByLabel('Coach for Dana1 Lee').boundingBox();
    expect(swap!.x + swap!.width).toBeLessThanOrEqual(390);
    await screenshot(page, '11d-round-phone');
    await accessible(page, '11d-round-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Publish: a step that says how many emails it sends, then the round is published.
    const pairs = await page.locator('table.proposals tbody tr').count();
    const coaches = new Set(
      (await page.locator('table.proposals tbody tr td:nth-child(2)').allInnerTexts()).map((c) =>
        c.replace(/ \(pinned\)$/, ''),
      ),
    ).size;
    await page.getByRole('link', { name: /^Publish \d offers…$/ }).click();
    await page.getByRole('heading', { name: 'Publish this round?' }).waitFor();
    expect(await page.locator('main').innerText()).toContain(
      `Publishing sends ${pairs} offer emails to ${coaches} coach${coaches === 1 ? '' : 'es'}, one for each proposed pair`,
    );
    await screenshot(page, '12-publish-confirm');
    await accessible(page, '12-publish-confirm');
    await page.getByRole('button', { name: `Send ${pairs} offer emails` }).click();
    await page.getByText(/Published: \d offers sent/).waitFor();
    await screenshot(page, '12-round-published');
    await accessible(page, '12-round-published');

    // The coach opens the offer link and accepts.
    const offer = await waitFor(
      async () => sink.messages.find((m) => m.to.includes('coach2@acme.example') && m.text.includes('Dana1')),
      'the offer email to coach2',
    );
    const coach = await browser.page();
    await coach.page.goto(offerLink(offer.text));
    await screenshot(coach.page, '13-offer');
    await accessible(coach.page, '13-offer');
    await coach.page.getByRole('button', { name: /^Accept/ }).click();
    await coach.page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await screenshot(coach.page, '14-offer-accepted');
    await coach.page.close();

    // The board shows the pairing as active (and the other offers with their age).
    await page.getByRole('link', { name: 'Pairings' }).click();
    await waitFor(
      async () => {
        await page.reload();
        return (await page.getByRole('heading', { name: 'Active (1)' }).count()) === 1 ? true : undefined;
      },
      'the active pairing on the board',
      30_000,
      300,
    );
    const active = page.getByRole('region', { name: 'Active (1)' });
    expect(await active.innerText()).toContain('Dana1 Lee');
    expect(await active.innerText()).toMatch(/Sessions held: 0 of \d/);
    expect(await page.getByRole('region', { name: /Offered/ }).innerText()).toMatch(/Offer sent \d+ min ago/);
    // Every state has its column, with its count.
    for (const column of ['At risk (0)', 'Completed (0)', 'Declined (0)', 'Offer expired (0)', 'Ended early (0)'])
      expect(await page.getByRole('heading', { name: column }).count()).toBe(1);
    await screenshot(page, '15-board');
    await accessible(page, '15-board');

    // The pairing: its state in words, sessions numbered 1 to 6 as the emails number them, the coach's bio.
    await active.getByRole('link', { name: /Dana1 Lee/ }).click();
    await page.getByRole('heading', { name: 'About the coach' }).waitFor();
    expect(await page.locator('dl').innerText()).toMatch(/Status\s+Active/);
    expect(await page.getByRole('heading', { name: /^Sessions/ }).innerText()).toBe(
      'Sessions (6 planned, every 3 weeks)',
    );
    const numbers = await page.locator('tbody tr td:first-child').allInnerTexts();
    expect(numbers).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await page.locator('.bio').innerText()).toBe(`Former nurse ${EVIL}, now a coach.`);
    await screenshot(page, '15b-pairing');
    await accessible(page, '15b-pairing');

    // The header's Queues link opens the queue dashboard by the console session (no API key asked). In a tab of its
    // own: bull-board's page fetches web fonts, which this offline machine cannot resolve (not a console error).
    const queues = await browser.page();
    await queues.page.goto(`${origin}${await page.getByRole('link', { name: 'Queues' }).getAttribute('href')}`);
    expect(new URL(queues.page.url()).pathname).toBe('/ops/queues');
    expect(await queues.page.title()).toContain('Tandem queues');
    expect(await queues.page.getByText('Admin or operator API key').count()).toBe(0);
    await queues.page.close();
    await page.getByRole('link', { name: 'Pairings' }).click();

    await page.getByRole('link', { name: 'Report' }).click();
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, '16-report');
    await accessible(page, '16-report');

    // Phone width: nothing wider than the screen, and chart text as rendered stays at 12 px or more.
    await page.setViewportSize({ width: 390, height: 844 });
    const smallestChartText = `Math.min(...[...document.querySelectorAll('svg.chart text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))`;
    expect(await page.evaluate<number>(smallestChartText)).toBeGreaterThanOrEqual(12);
    await noOverflow(page, 'report at 390 px');
    await screenshot(page, '16b-report-phone');
    await accessible(page, '16b-report-phone');
    for (const [link, name] of [
      ['Pairings', '17-board-phone'],
      ['People', '18-people-phone'],
      ['Settings', '19-settings-phone'],
      ['Rounds', '20-rounds-phone'],
    ]) {
      await page.getByRole('navigation', { name: 'Program' }).getByRole('link', { name: link }).click();
      await noOverflow(page, `${link} at 390 px`);
      await screenshot(page, name);
      await accessible(page, name);
    }
    // Provisioning (SCIM): a token created by the form is shown once, at phone width too.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Provisioning' }).click();
    await page.getByRole('heading', { name: 'Provisioning (SCIM)' }).waitFor();
    await page.getByLabel('Name (for example, the identity provider’s)').fill('Entra ID');
    await page.getByRole('button', { name: 'Create the token' }).click();
    expect(
      await page.getByRole('status').filter({ hasText: 'Token “Entra ID” created.' }).locator('code').innerText(),
    ).toMatch(/^tdmscim_/);
    await noOverflow(page, 'provisioning at 390 px');
    await screenshot(page, '21-provisioning-phone');
    await accessible(page, '21-provisioning-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Sign out ends the session.
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Tandem console' }).waitFor();
    await page.goto(`${origin}/console/programs`);
    expect(new URL(page.url()).pathname).toBe('/console/signin');

    expect(errors).toEqual([]);
  });
});
