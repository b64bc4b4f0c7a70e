import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { SIGN_IN_ANSWER_MS } from '../apps/api/src/console/console-signin.controller';
import { ConsoleClient, consoleOrganization, signInLink } from './support/console-client';
import { runCli } from './support/processes';
import { fixtureCsv } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const ADMIN = 'ada@acme.example';

describe('admin console: sign-in, sessions and authorization', () => {
  let sink: SmtpSink;
  let tandem: TestTandem;
  let org: { organizationId: string; apiKey: string };

  beforeAll(async () => {
    sink = new SmtpSink();
    await sink.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: sink.url, PAGE_RATE_LIMIT: '1000' } });
    org = await consoleOrganization(tandem, 'Acme', ADMIN);
  });

  afterAll(async () => {
    await tandem?.stop();
    await sink?.stop();
  });

  const db = () => tandem.get(EntityManager).fork();

  it('signs in through a one-time emailed link into an HttpOnly, SameSite=Lax session whose token is stored only as a hash', async () => {
    const browser = new ConsoleClient(tandem);
    const form = await browser.get('/console/signin');
    expect(form.status).toBe(200);
    expect(form.headers['content-security-policy']).toContain("script-src 'self'");
    expect(form.text).toContain('<label for="f-email">Email address</label>');
    const sent = await browser.post('/console/signin', { email: ' Ada@Acme.example ' }, form.text);
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('Check your email');
    const mail = await waitFor(async () => sink.messages.find((m) => m.to.includes(ADMIN)), 'the sign-in email');
    const link = signInLink(mail.text);
    expect(link.startsWith(tandem.testEnv.config.publicUrl)).toBe(true);
    const path = new URL(link).pathname;
    const token = path.split('/').pop()!;
    // The outbox and the database hold neither the link nor the token.
    const stored = await rawQuery<{ text: string }>(
      db(),
      `select text from outbox_message where idempotency_key like 'admin-signin:%'`,
    );
    expect(stored[0].text).toMatch(/\{\{link:signin:[0-9a-f-]{36}\}\}/);
    expect(JSON.stringify(await rawQuery(db(), 'select * from admin_sign_in'))).not.toContain(token);

    // GET shows a button and uses nothing (mail scanners fetch links).
    const confirm = await browser.get(path);
    expect(confirm.status).toBe(200);
    expect((await browser.get(path)).status).toBe(200);
    const signedIn = await browser.post(path, {}, confirm.text);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/console/programs');
    const cookie = [signedIn.headers['set-cookie']].flat().find((c) => c!.startsWith('tandem_console='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
    const sessionToken = browser.cookie('tandem_console')!;
    expect(JSON.stringify(await rawQuery(db(), 'select * from admin_session'))).not.toContain(sessionToken);

    const programs = await browser.get('/console/programs');
    expect(programs.status).toBe(200);
    expect(programs.text).toContain('Programs');
    expect(programs.text).toContain(ADMIN);

    // The link works once.
    const again = new ConsoleClient(tandem);
    const second = await again.get(path);
    expect(second.status).toBe(404);
    expect((await again.post(path, {}, (await again.get('/console/signin')).text)).status).toBe(404);
    expect(again.cookie('tandem_console')).toBeUndefined();
  });

  it('answers an unknown email exactly like a known one and sends nothing', async () => {
    const browser = new ConsoleClient(tandem);
    const form = await browser.get('/console/signin');
    const before = (await rawQuery(db(), 'select id from outbox_message')).length;
    // Both answers also wait for the same floor, so their timing does not tell which email is an admin's.
    const timed = async (email: string) => {
      const started = performance.now();
      const answer = await browser.post('/console/signin', { email }, form.text);
      return { answer, ms: performance.now() - started };
    };
    const unknown = await timed('nobody@acme.example');
    expect(unknown.answer.status).toBe(200);
    const known = await timed(ADMIN);
    expect(known.answer.text).toBe(unknown.answer.text);
    // (Node's timers may fire a millisecond early on the high-resolution clock.)
    expect(unknown.ms).toBeGreaterThanOrEqual(SIGN_IN_ANSWER_MS - 5);
    expect(known.ms).toBeGreaterThanOrEqual(SIGN_IN_ANSWER_MS - 5);
    expect((await rawQuery(db(), 'select id from outbox_message')).length).toBe(before + 1);
    const invalid = await browser.post('/console/signin', { email: 'not an email' }, form.text);
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('aria-invalid="true"');
    expect(invalid.text).toContain('Enter a valid email address.');
  });

  it('refuses a sign-in form without its CSRF token and an expired link', async () => {
    const browser = new ConsoleClient(tandem);
    await browser.get('/console/signin');
    const before = (await rawQuery(db(), 'select id from admin_sign_in')).length;
    const forged = await browser.post('/console/signin', { email: ADMIN, _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect((await rawQuery(db(), 'select id from admin_sign_in')).length).toBe(before);

    const form = await browser.get('/console/signin');
    const count = sink.messages.length;
    await browser.post('/console/signin', { email: ADMIN }, form.text);
    const mail = await waitFor(
      async () => sink.messages.slice(count).find((m) => m.to.includes(ADMIN)),
      'a second sign-in email',
    );
    await rawQuery(db(), `update admin_sign_in set expires_at = now() - interval '1 second' where used_at is null`);
    const path = new URL(signInLink(mail.text)).pathname;
    expect((await browser.get(path)).status).toBe(404);
  });

  it('sends every console route to sign-in without a session, and refuses a POST without the CSRF token (403, nothing changes)', async () => {
    const anonymous = new ConsoleClient(tandem);
    const id = '00000000-0000-4000-8000-000000000000';
    const gets = [
      '/console',
      '/console/programs',
      `/console/programs/${id}`,
      `/console/programs/${id}/people`,
      `/console/programs/${id}/rounds`,
      `/console/programs/${id}/pairings`,
      `/console/programs/${id}/report`,
      `/console/programs/${id}/report.csv`,
      `/console/rounds/${id}`,
      `/console/rounds/${id}/status`,
      `/console/imports/${id}`,
      `/console/imports/${id}/status`,
      `/console/pairings/${id}`,
      '/console/mail',
      '/console/settings/sso',
      '/console/scim',
    ];
    for (const url of gets) {
      const answer = await anonymous.get(url);
      expect([url, answer.status]).toEqual([url, 303]);
      expect(answer.headers.location).toMatch(/^\/console\/(signin|programs)$/);
    }
    const posts = [
      '/console/programs',
      `/console/programs/${id}`,
      `/console/programs/${id}/imports`,
      `/console/programs/${id}/rounds`,
      `/console/rounds/${id}/pins`,
      `/console/rounds/${id}/unpin`,
      `/console/rounds/${id}/exclusions`,
      `/console/rounds/${id}/publish`,
      '/console/signout',
      '/console/settings/sso',
      '/console/settings/sso/remove',
      '/console/scim/tokens',
      `/console/scim/tokens/${id}/revoke`,
    ];
    for (const url of posts) {
      const answer = await anonymous.post(url, { _csrf: 'x', name: 'Sneaky' });
      expect([url, answer.status, answer.headers.location]).toEqual([url, 303, '/console/signin']);
    }

    const browser = new ConsoleClient(tandem);
    await browser.signIn(ADMIN, sink);
    const noToken = await browser.post('/console/programs', { name: 'Forged', _csrf: '' });
    expect(noToken.status).toBe(403);
    const wrongToken = await browser.post('/console/programs', { name: 'Forged', _csrf: 'AAAA' });
    expect(wrongToken.status).toBe(403);
    expect(wrongToken.text).toContain('Form expired');
    expect((await rawQuery(db(), `select id from program where name = 'Forged'`)).length).toBe(0);
    // An API key is no console session.
    expect((await tandem.request('GET', '/console/programs', { key: org.apiKey })).status).toBe(303);
  });

  it("answers another organization's programs, rounds and imports with 404, and shows participants' names as text", async () => {
    const browser = new ConsoleClient(tandem);
    const page = await browser.signIn(ADMIN, sink);
    const created = await browser.post('/console/programs', { name: 'Leaders <b>2027</b>' }, page.text);
    expect(created.status).toBe(303);
    const programPath = String(created.headers.location).split('?')[0];
    const settings = await browser.get(String(created.headers.location));
    expect(settings.text).toContain('Leaders &lt;b&gt;2027&lt;/b&gt;');

    const people = await browser.get(`${programPath}/people`);
    const csv = fixtureCsv([
      { role: 'coach', email: 'coach@acme.example', name: '<script>alert(1)</script>' },
      { role: 'coachee', email: 'mallory@acme.example', name: 'Mallory "><img src=x onerror=alert(2)>' },
    ]);
    const uploaded = await browser.post(`${programPath}/imports`, { csv }, people.text);
    expect(uploaded.status).toBe(303);
    const importPath = String(uploaded.headers.location);
    await waitFor(
      async () => ((await browser.get(`${importPath}/status`)).body?.done ? true : undefined),
      'the import',
    );
    const table = await browser.get(`${programPath}/people`);
    expect(table.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(table.text).not.toContain('<script>alert(1)');
    expect(table.text).not.toContain('<img src=x');
    const search = await browser.get(`${programPath}/people?q=${encodeURIComponent('<script>')}`);
    expect(search.text).toContain('value="&lt;script&gt;"');
    expect(search.text).toContain('1 person shown');

    // Another organization's admin sees none of it.
    const other = await consoleOrganization(tandem, 'Globex', 'gus@globex.example');
    expect(other.organizationId).not.toBe(org.organizationId);
    const intruder = new ConsoleClient(tandem);
    const theirs = await intruder.signIn('gus@globex.example', sink);
    expect(theirs.text).not.toContain('Leaders');
    for (const url of [
      programPath,
      `${programPath}/people`,
      `${programPath}/rounds`,
      `${programPath}/pairings`,
      `${programPath}/report`,
      `${programPath}/report.csv`,
      importPath,
      `${importPath}/status`,
    ]) {
      expect([url, (await intruder.get(url)).status]).toEqual([url, 404]);
    }
    const refused = await intruder.post(`${programPath}/rounds`, {}, theirs.text);
    expect(refused.status).toBe(404);
    expect((await rawQuery(db(), 'select id from matching_round')).length).toBe(0);
    const renamed = await intruder.post(programPath, { name: 'Hijacked', version: '1' }, theirs.text);
    expect(renamed.status).toBe(404);
    expect((await rawQuery(db(), `select id from program where name = 'Hijacked'`)).length).toBe(0);
  });

  it('signs out everywhere: every session of the admin ends', async () => {
    const laptop = new ConsoleClient(tandem);
    const phone = new ConsoleClient(tandem);
    const page = await laptop.signIn(ADMIN, sink);
    await phone.signIn(ADMIN, sink);
    expect((await phone.get('/console/programs')).status).toBe(200);
    const out = await laptop.post('/console/signout', {}, page.text);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/console/signin');
    expect(laptop.cookie('tandem_console')).toBeUndefined();
    expect((await phone.get('/console/programs')).status).toBe(303);
    const [{ n }] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from admin_session s join admin_user a on a.id = s.admin_id where a.email = ?`,
      [ADMIN],
    );
    expect(n).toBe(0);
  });

  it('adds admins with `cli admin:invite`, printing a one-time sign-in link (idempotent; a bad email or organization exits 2)', async () => {
    const env = tandem.testEnv.env;
    const first = runCli(['admin:invite', '--org', org.organizationId, '--email', 'Grace@Acme.example'], env);
    expect(first.status).toBe(0);
    expect(first.json).toMatchObject({ email: 'grace@acme.example', created: true });
    expect(first.json.signIn).toMatch(/\/console\/signin$/);
    // The printed link lets the first admin in without mail (SMTP_URL unset); it works once.
    const path = new URL(first.json.signInLink).pathname;
    const grace = new ConsoleClient(tandem);
    const confirm = await grace.get(path);
    expect(confirm.status).toBe(200);
    expect((await grace.post(path, {}, confirm.text)).status).toBe(303);
    expect((await grace.get('/console/programs')).text).toContain('grace@acme.example');
    expect((await grace.get(path)).status).toBe(404);
    const again = runCli(['admin:invite', '--org', org.organizationId, '--email', 'grace@acme.example'], env);
    expect(again.json).toMatchObject({ adminId: first.json.adminId, created: false });
    expect(runCli(['admin:invite', '--org', org.organizationId, '--email', 'nope'], env).status).toBe(2);
    expect(
      runCli(['admin:invite', '--org', '00000000-0000-4000-8000-000000000000', '--email', 'x@y.example'], env).status,
    ).toBe(2);
    expect(runCli(['admin:invite', '--org', org.organizationId], env).status).toBe(2);
  });
});
