import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { chromium } from 'playwright-core';
import { accessible, CHROMIUM, noOverflow, TestBrowser, screenshot, listeningTandem } from './support/browser';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

jest.setTimeout(180_000);

/**
 * A coachee's questionnaire in headless Chromium, at desktop and phone width: the time zone is prefilled from the
 * browser (the page's one script runs under its policy), a mistake shows its message beside the field, and the answers
 * are saved; with scripts off the same form works, the time zone typed.
 */
describe('the questionnaire in headless Chromium', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let browser: TestBrowser;
  let origin: string;
  let key: string;
  let programId: string;

  beforeAll(async () => {
    ({ sink, tandem, origin } = await listeningTandem());
    ({ apiKey: key } = await tandem.organization('Acme'));
    const program = await tandem.request('POST', '/api/v1/programs', {
      key,
      json: {
        name: 'Leaders 2027',
        skills: [
          { key: 'listening', label: 'Listening', weight: 1 },
          { key: 'feedback', label: 'Feedback', weight: 1 },
        ],
      },
    });
    programId = program.body.id;
    browser = await TestBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
    await sink?.stop();
  });

  async function invite(email: string, name: string): Promise<string> {
    await tandem.request('POST', `/api/v1/programs/${programId}/invitations`, {
      key,
      json: { people: [{ role: 'coachee', name, email }] },
    });
    const mail = await waitFor(
      async () => sink.messages.find((m) => m.to.includes(email)),
      `the invitation of ${email}`,
    );
    return /(https?:\/\/\S+\/questionnaire\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1];
  }

  const enrollment = (email: string) =>
    rawQuery<{ goals: string; skills: Record<string, number>; timezone: string }>(
      tandem.get(EntityManager).fork(),
      `select e.goals, e.skills, p.timezone from enrollment e join person p on p.id = e.person_id where p.email = ?`,
      [email],
    );

  it('prefills the time zone, shows a mistake beside its field, and saves the answers (desktop and phone width)', async () => {
    for (const [width, email] of [
      [1280, 'desk@acme.test'],
      [390, 'phone@acme.test'],
    ] as const) {
      const link = await invite(email, 'Dana Lee');
      const { page, errors } = await browser.page();
      await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
      await page.goto(link);
      expect(await page.locator('h1').innerText()).toBe('Your questionnaire for Leaders 2027');
      // The browser's zone (the test machine's) is in the field: the script ran under the page's policy.
      const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(await page.locator('#f-timezone').inputValue()).toBe(zone);
      await page.fill('#f-languages', 'en');
      await page.check('input[name=days][value=tue]');
      await page.fill('#f-from', '9');
      await page.fill('#f-to', '12');
      await page.check('input[name=skill_listening][value="2"]');
      // Feedback left unanswered, and no goals: the page says so beside each.
      await page.click('button[type=submit]');
      expect(await page.locator('#f-skill_feedback-error').innerText()).toBe('Please fill this in.');
      expect(await page.locator('#f-goals-error').innerText()).toBe('Please fill this in.');
      expect(await page.locator('#f-languages').inputValue()).toBe('en');
      // Nothing wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await screenshot(page, `questionnaire-errors-${width}`);
      await page.check('input[name=skill_feedback][value="4"]');
      await page.fill('#f-goals', 'Lead my first team');
      await page.click('button[type=submit]');
      expect(await page.locator('h1').innerText()).toBe('Thank you');
      expect(errors).toEqual([]);
      expect(await enrollment(email)).toEqual([
        { goals: 'Lead my first team', skills: { listening: 3, feedback: 1 }, timezone: zone },
      ]);
      await page.close();
    }
  });

  it('leads from the answered questionnaire to the personal page, and from there back to change an answer (phone width)', async () => {
    const link = await invite('walk@acme.test', 'Wanda Walk');
    const { page, errors } = await browser.page();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(link);
    await page.fill('#f-timezone', 'Europe/Paris');
    await page.fill('#f-languages', 'en');
    await page.check('input[name=days][value=wed]');
    await page.fill('#f-from', '9');
    await page.fill('#f-to', '11');
    await page.check('input[name=skill_listening][value="1"]');
    await page.check('input[name=skill_feedback][value="3"]');
    await page.fill('#f-goals', 'Run better one-to-ones');
    await page.click('button[type=submit]');
    expect(await page.locator('h1').innerText()).toBe('Thank you');

    await page.goto(`${origin}/me/signin`);
    await page.getByLabel('Email address').fill('walk@acme.test');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    const mail = await waitFor(
      async () =>
        sink.messages.find((m) => m.to.includes('walk@acme.test') && m.subject === 'Your link to your Tandem page'),
      'the sign-in email',
    );
    await page.goto(/(http:\/\/127\.0\.0\.1:\d+\/me\/signin\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/me`);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Leaders 2027');
    expect(text).toContain('You answered the questionnaire on');
    expect(text).toContain('You have no coach yet: we match you in the next round.');
    await accessible(page, 'personal page after the questionnaire');
    await noOverflow(page, 'personal page after the questionnaire, phone');

    await page.getByRole('link', { name: 'See or change your answers' }).click();
    expect(new URL(page.url()).pathname).toBe(new URL(link).pathname);
    await page.fill('#f-goals', 'Run better one-to-ones and delegate');
    await page.click('button[type=submit]');
    expect(await page.locator('h1').innerText()).toBe('Thank you');
    expect((await enrollment('walk@acme.test'))[0].goals).toBe('Run better one-to-ones and delegate');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works with scripts off: the time zone is typed', async () => {
    const link = await invite('noscript@acme.test', 'Nils Noscript');
    const noScript = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const context = await noScript.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('#f-timezone').inputValue()).toBe('');
    await page.fill('#f-timezone', 'Europe/Oslo');
    await page.fill('#f-languages', 'no, en');
    await page.check('input[name=days][value=mon]');
    await page.fill('#f-from', '8');
    await page.fill('#f-to', '10');
    await page.check('input[name=skill_listening][value="0"]');
    await page.check('input[name=skill_feedback][value="5"]');
    await page.fill('#f-goals', 'Delegate');
    await page.click('button[type=submit]');
    expect(await page.locator('h1').innerText()).toBe('Thank you');
    expect(await enrollment('noscript@acme.test')).toEqual([
      { goals: 'Delegate', skills: { listening: 5, feedback: 0 }, timezone: 'Europe/Oslo' },
    ]);
    await noScript.close();
  });
});
