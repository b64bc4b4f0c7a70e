import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import type { Page } from 'playwright-core';
import { accessible, noOverflow, screenshot, TestBrowser, listeningTandem } from './support/browser';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const EVIL = '<script>alert(1)</script>';
const PEOPLE: FixturePerson[] = [
  {
    role: 'coach',
    email: 'cora@acme.example',
    name: 'Cora Best',
    capacity: 1,
    timezone: 'Europe/Berlin',
    skills: [5, 5, 5, 5, 5],
    bio: `Led teams for twenty years ${EVIL}.`,
  },
  { role: 'coach', email: 'carl@acme.example', name: 'Carl Next', capacity: 1, skills: [2, 2, 2, 2, 2] },
  { role: 'coachee', email: 'eli@acme.example', name: 'Eli Learner', timezone: 'America/New_York' },
];

jest.setTimeout(180_000);

describe('the personal page in headless Chromium, at phone and desktop width', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let browser: TestBrowser;
  let origin: string;
  let key: string;

  beforeAll(async () => {
    ({ sink, tandem, origin } = await listeningTandem());
    ({ apiKey: key } = await tandem.organization());
    const { programId } = await seedProgram(
      tandem,
      key,
      { adminEmail: 'team@acme.example', policy: { maxTimezoneGapHours: 12 } },
      PEOPLE,
    );
    const round = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    expect((await roundDone(tandem, key, round.body.id)).matched).toBe(1);
    expect((await tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key })).status).toBe(200);
    const offer = await waitFor(
      async () =>
        sink.messages.find((m) => m.to.includes('cora@acme.example') && m.subject.startsWith('Coaching offer')),
      'the offer',
    );
    const accept = await tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, {
      body: '',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(accept.status).toBe(200);
    browser = await TestBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await tandem?.stop();
    await sink?.stop();
  });

  const mainText = (page: Page) => page.locator('main').innerText();

  it('walks a coachee from the sign-in form to the page, a calendar file and a request for a different coach', async () => {
    const { page, errors } = await browser.page();
    await page.setViewportSize({ width: 390, height: 844 });

    await page.goto(`${origin}/me`);
    expect(new URL(page.url()).pathname).toBe('/me/signin');
    await accessible(page, 'sign-in form');
    await noOverflow(page, 'sign-in form, phone');
    await page.getByLabel('Email address').fill('eli@acme.example');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    expect(await mainText(page)).toContain('If this address belongs to someone in a Tandem program');

    const mail = await waitFor(
      async () =>
        sink.messages.find((m) => m.to.includes('eli@acme.example') && m.subject === 'Your link to your Tandem page'),
      'the sign-in email',
    );
    const link = /(http:\/\/127\.0\.0\.1:\d+\/me\/signin\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/me`);

    const text = await mainText(page);
    expect(text).toContain('Signed in as Eli Learner (eli@acme.example).');
    expect(text).toContain('Your coach: Cora Best');
    expect(text).toContain('Time zone: Europe/Berlin');
    // The coach's bio is shown as text: the script in it is escaped, never run (errors would record a dialog).
    expect(text).toContain(`Led teams for twenty years ${EVIL}.`);
    const [{ n: sessions }] = await rawQuery<{ n: number }>(
      tandem.get(EntityManager).fork(),
      `select count(*)::int as n from coaching_session`,
    );
    expect(sessions).toBeGreaterThan(0);
    expect(await page.locator('li[data-session]').count()).toBe(sessions);
    expect(text).toContain(`Session 1 of ${sessions}:`);
    await accessible(page, 'personal page');
    await noOverflow(page, 'personal page, phone');
    await screenshot(page, 'personal-page-phone');

    // The calendar file of session 1 downloads with the browser's session.
    const download = await page.request.get(
      `${origin}${await page.locator('li[data-session="1"] a', { hasText: 'Calendar file' }).getAttribute('href')}`,
    );
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    expect(await download.text()).toContain('BEGIN:VEVENT');

    await page.setViewportSize({ width: 1280, height: 900 });
    await noOverflow(page, 'personal page, desktop');
    await screenshot(page, 'personal-page-desktop');

    await page.getByLabel('Why (optional; only the program team reads it)').fill('Our hours never match.');
    await page.getByRole('button', { name: 'Ask for a different coach' }).click();
    expect(await mainText(page)).toContain('Your coaching with Cora Best has ended. We are finding you a new coach');
    await page.getByRole('link', { name: 'Back to your page' }).click();
    expect(await mainText(page)).toContain('A coach has been asked to coach you');
    expect(errors).toEqual([]);
  });
});
