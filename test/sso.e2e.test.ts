import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery, sealSecret } from '@tandem/domain';
import { inviteAdmin, issueSignInLink } from '@tandem/workflows';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { OidcProvider } from './support/oidc';
import { TandemProcess } from './support/processes';
import { TestTandem } from './support/tandem';

const PUBLIC_URL = 'https://tandem.test';
const CALLBACK = `${PUBLIC_URL}/console/sso/callback`;
const ACME_SECRET = 'acme-client-secret-0123456789abcdef';
const GLOBEX_SECRET = 'globex-client-secret-0123456789abcdef';

/** The words of a page, without its markup (what a person reads). */
const words = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&rsquo;/g, '’')
    .replace(/\s+/g, ' ');

/**
 * Console sign-in through a real OpenID provider (oidc-provider in a child process): the authorization code flow with
 * PKCE, state and nonce; the good paths (an admin by the provider's group claim, added on first sign-in, and an invited
 * admin), a wrong audience, an expired and a replayed code, a replayed callback, a bad or missing state, people the rules
 * refuse, and an organization that switched emailed links off.
 */
describe('single sign-on (OpenID Connect) for the console', () => {
  const provider = new OidcProvider({
    clients: [
      { client_id: 'tandem-acme', client_secret: ACME_SECRET, redirect_uris: [CALLBACK] },
      { client_id: 'tandem-globex', client_secret: GLOBEX_SECRET, redirect_uris: [CALLBACK] },
    ],
    accounts: {
      'ada@acme.example': { email: 'ada@acme.example', email_verified: true, groups: ['staff', 'tandem-admins'] },
      'bob@acme.example': { email: 'bob@acme.example', email_verified: true, groups: ['staff'] },
      'eve@acme.example': { email: 'eve@elsewhere.example', email_verified: true, groups: ['tandem-admins'] },
      'uma@acme.example': { email: 'uma@acme.example', email_verified: false, groups: ['tandem-admins'] },
      'grace@globex.example': { email: 'grace@globex.example', email_verified: true },
      'hank@globex.example': { email: 'hank@globex.example', email_verified: true },
    },
  });
  let tandem: TestTandem;
  let acme: { organizationId: string; apiKey: string };
  let globex: { organizationId: string; apiKey: string };

  beforeAll(async () => {
    await provider.start();
    tandem = await TestTandem.start({ worker: false, env: { PUBLIC_URL, OIDC_ALLOW_PRIVATE_ISSUERS: 'true' } });
    acme = await tandem.organization('Acme');
    globex = await consoleOrganization(tandem, 'Globex', 'grace@globex.example');
  });

  afterAll(async () => {
    await tandem?.stop();
    await provider.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  const sessions = async () =>
    (await rawQuery<{ n: number }>(db(), `select count(*)::int as n from admin_session`))[0].n;
  const audit = async (action: string) =>
    rawQuery<{ organization_id: string; actor: string; data: Record<string, unknown> | null }>(
      db(),
      `select organization_id, actor, data from audit_event where action = ? order by created_at, id`,
      [action],
    );

  /** Starts a sign-in at Tandem, plays the browser at the provider, and answers the callback URL it sends back to. */
  const startAndAuthorize = async (client: ConsoleClient, email: string): Promise<URL> => {
    const form = await client.get('/console/signin');
    const started = await client.post('/console/sso', { email }, form.text);
    expect(started.status).toBe(303);
    const location = started.headers.location as string;
    expect(location.startsWith(`${provider.issuer}/auth?`)).toBe(true);
    const asked = new URL(location).searchParams;
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(asked.get('state')).toMatch(/^[\w-]{43}$/);
    expect(asked.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(asked.get('redirect_uri')).toBe(CALLBACK);
    return provider.authorize(location, CALLBACK);
  };
  const callback = (client: ConsoleClient, url: URL) => client.get(`${url.pathname}${url.search}`);
  const signIn = async (email: string) => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, email);
    return { client, url, answer: await callback(client, url) };
  };

  it('is set up through the API: admin keys only, the client secret write-only and stored encrypted', async () => {
    expect((await tandem.request('GET', '/api/v1/sso', { key: acme.apiKey })).status).toBe(404);
    // Until an organization sets it up, the sign-in page offers emailed links alone.
    expect((await tandem.request('GET', '/console/signin')).text).not.toContain('single sign-on');
    const body = {
      issuer: provider.issuer,
      clientId: 'tandem-acme',
      allowedDomains: ['Acme.example'],
      scope: 'openid email groups',
      adminClaim: 'groups',
      adminClaimValue: 'tandem-admins',
    };
    const missing = await tandem.request('PUT', '/api/v1/sso', { key: acme.apiKey, json: body });
    expect(missing.status).toBe(422);
    expect(missing.body.details).toEqual([{ field: 'clientSecret', message: 'is required' }]);
    const wrongIssuer = await tandem.request('PUT', '/api/v1/sso', {
      key: acme.apiKey,
      json: { ...body, clientSecret: ACME_SECRET, issuer: `${provider.issuer}/elsewhere` },
    });
    expect(wrongIssuer.status).toBe(422);
    expect(wrongIssuer.body.details[0]).toEqual({
      field: 'issuer',
      message: expect.stringContaining('discovery document'),
    });
    expect(await rawQuery(db(), `select 1 from organization_sso`)).toEqual([]);

    const saved = await tandem.request('PUT', '/api/v1/sso', {
      key: acme.apiKey,
      json: { ...body, clientSecret: ACME_SECRET },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(
      expect.objectContaining({
        issuer: provider.issuer,
        clientId: 'tandem-acme',
        clientSecretSet: true,
        allowedDomains: ['acme.example'],
        magicLinkFallback: true,
        redirectUri: CALLBACK,
      }),
    );
    expect(saved.text).not.toContain(ACME_SECRET);
    expect(words((await tandem.request('GET', '/console/signin')).text)).toContain(
      'With single sign-on If your organization signs in with its identity provider',
    );
    const read = await tandem.request('GET', '/api/v1/sso', { key: acme.apiKey });
    expect(read.body).toEqual(saved.body);
    const [row] = await rawQuery<{ client_secret_encrypted: string }>(
      db(),
      `select client_secret_encrypted from organization_sso where organization_id = ?`,
      [acme.organizationId],
    );
    expect(row.client_secret_encrypted).toMatch(/^v1\./);
    expect(row.client_secret_encrypted).not.toContain(ACME_SECRET);
    // Leaving the secret out keeps it: the sign-ins below use it.
    const again = await tandem.request('PUT', '/api/v1/sso', { key: acme.apiKey, json: body });
    expect(again.status).toBe(200);
    expect((await audit('sso.configured')).map((a) => a.data)).toEqual([
      { secretChanged: true, magicLinkFallback: true, adminClaim: true, domains: 1 },
    ]);
    expect((await audit('sso.updated')).map((a) => a.data)).toEqual([
      { secretChanged: false, magicLinkFallback: true, adminClaim: true, domains: 1 },
    ]);
    // A domain belongs to one organization.
    const taken = await tandem.request('PUT', '/api/v1/sso', {
      key: globex.apiKey,
      json: { ...body, clientId: 'tandem-globex', clientSecret: GLOBEX_SECRET },
    });
    expect(taken.status).toBe(422);
    expect(taken.body.details).toEqual([
      { field: 'allowedDomains', message: 'acme.example signs in to another organization already' },
    ]);
  });

  it('is set up in the console by an admin: errors next to their fields, the secret never shown, emailed links switched off', async () => {
    const [{ id: adminId }] = await rawQuery<{ id: string }>(
      db(),
      `select id from admin_user where email = 'grace@globex.example'`,
    );
    const client = new ConsoleClient(tandem);
    const link = new URL(
      await issueSignInLink(tandem.get(EntityManager), adminId, {
        appSecret: tandem.testEnv.config.appSecret,
        publicUrl: PUBLIC_URL,
      }),
    );
    const confirm = await client.get(link.pathname);
    expect((await client.post(link.pathname, {}, confirm.text)).status).toBe(303);

    const page = await client.get('/console/settings/sso');
    expect(page.status).toBe(200);
    expect(words(page.text)).toContain('Single sign-on is not set up: admins sign in by emailed link.');
    expect(page.text).toContain(CALLBACK);

    const bad = await client.post(
      '/console/settings/sso',
      {
        issuer: 'ftp://login.globex.example',
        clientId: '',
        clientSecret: '',
        allowedDomains: 'globex.example, not a domain',
        magicLinkFallback: '',
      },
      page.text,
    );
    expect(bad.status).toBe(422);
    const said = words(bad.text);
    expect(said).toContain('Single sign-on was not saved: fix the fields marked below.');
    expect(said).toContain(
      'Issuer URL The provider’s issuer, such as https://example.okta.com or https://login.microsoftonline.com/&lt;tenant&gt;/v2.0 Must start with https://.',
    );
    expect(said).toContain('Client ID Cannot be empty.');
    expect(said).toContain('domain: Must be a domain name such as example.com.');
    expect(
      await rawQuery(db(), `select 1 from organization_sso where organization_id = ?`, [globex.organizationId]),
    ).toEqual([]);

    const saved = await client.post(
      '/console/settings/sso',
      {
        issuer: provider.issuer,
        clientId: 'tandem-globex',
        clientSecret: GLOBEX_SECRET,
        allowedDomains: 'globex.example',
        scope: 'openid email',
      },
      page.text,
    );
    expect(saved.status).toBe(200);
    expect(words(saved.text)).toContain('Single sign-on is saved. Emailed sign-in links are off for your admins');
    expect(words(saved.text)).toContain('Single sign-on is on and emailed sign-in links are switched off.');
    expect(saved.text).not.toContain(GLOBEX_SECRET);
    const [configured] = await audit('sso.configured').then((rows) =>
      rows.filter((r) => r.organization_id === globex.organizationId),
    );
    expect(configured.actor).toBe(`admin:${adminId}`);
    expect(configured.data).toEqual({ secretChanged: true, magicLinkFallback: false, adminClaim: false, domains: 1 });
  });

  it('signs in an admin named by the provider’s group claim: added on the first sign-in, in the console of their organization', async () => {
    const before = await sessions();
    const { client, answer } = await signIn('ada@acme.example');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/console/programs');
    expect(client.cookie('tandem_console')).toMatch(/^tcs_/);
    expect(client.cookie('tandem_console_sso')).toBeUndefined();
    const programs = await client.get('/console/programs');
    expect(programs.status).toBe(200);
    expect(words(programs.text)).toContain('Tandem · Acme');
    expect(words(programs.text)).toContain('ada@acme.example');
    expect(await sessions()).toBe(before + 1);
    const [admin] = await rawQuery<{ id: string; organization_id: string }>(
      db(),
      `select id, organization_id from admin_user where email = 'ada@acme.example'`,
    );
    expect(admin.organization_id).toBe(acme.organizationId);
    expect((await audit('admin.invited')).filter((a) => a.actor === 'sso').map((a) => a.data?.via)).toEqual(['sso']);
    const signedIn = await audit('admin.signed_in');
    expect(signedIn.at(-1)).toEqual(
      expect.objectContaining({
        organization_id: acme.organizationId,
        actor: `admin:${admin.id}`,
        data: { method: 'sso' },
      }),
    );
    // The audit trail holds ids, never the email.
    expect(JSON.stringify(await rawQuery(db(), `select actor, data from audit_event`))).not.toContain('ada@');
  });

  it('signs in an invited admin when no admin claim is set (the organization with emailed links off)', async () => {
    const { client, answer } = await signIn('grace@globex.example');
    expect(answer.status).toBe(303);
    expect(words((await client.get('/console/programs')).text)).toContain('Tandem · Globex');
  });

  it('refuses a replayed callback: the same browser, or the first sign-in’s cookie put back', async () => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, 'ada@acme.example');
    const cookie = client.cookie('tandem_console_sso')!;
    expect((await callback(client, url)).status).toBe(303);
    const before = await sessions();
    const replay = await callback(client, url);
    expect(replay.status).toBe(400);
    expect(words(replay.text)).toContain('This sign-in did not start in this browser');
    const withCookie = await tandem.request('GET', `${url.pathname}${url.search}`, {
      headers: { cookie: `tandem_console_sso=${cookie}` },
    });
    expect(withCookie.status).toBe(400);
    expect(words(withCookie.text)).toContain('This sign-in was used already, or it expired.');
    expect(withCookie.headers['set-cookie']).not.toEqual(expect.stringContaining('tandem_console='));
    expect(await sessions()).toBe(before);
  });

  it('refuses a replayed code: a code used once, sent back with a new sign-in’s state, is refused by the provider', async () => {
    const client = new ConsoleClient(tandem);
    const first = await startAndAuthorize(client, 'ada@acme.example');
    expect((await callback(client, first)).status).toBe(303);
    const second = await startAndAuthorize(client, 'ada@acme.example');
    const forged = new URL(second);
    forged.searchParams.set('code', first.searchParams.get('code')!);
    const before = await sessions();
    const answer = await callback(client, forged);
    expect(answer.status).toBe(400);
    expect(words(answer.text)).toContain(
      'Your identity provider did not accept the sign-in code: it expired or was used already.',
    );
    expect(await sessions()).toBe(before);
    expect((await audit('admin.sso_refused')).at(-1)?.data).toEqual({ reason: 'code_rejected' });
  });

  it('refuses an expired code', async () => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, 'ada@acme.example');
    expect(await provider.expireCodes()).toBeGreaterThanOrEqual(1);
    const before = await sessions();
    const answer = await callback(client, url);
    expect(answer.status).toBe(400);
    expect(words(answer.text)).toContain('Sign-in code not accepted');
    expect(words(answer.text)).toContain('it expired or was used already');
    expect(await sessions()).toBe(before);
  });

  it('refuses an ID token for another client (wrong audience)', async () => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, 'ada@acme.example');
    await provider.forceAudience('tandem-globex');
    try {
      const before = await sessions();
      const answer = await callback(client, url);
      expect(answer.status).toBe(400);
      expect(words(answer.text)).toContain('was meant for another application (wrong audience)');
      expect(await sessions()).toBe(before);
      expect((await audit('admin.sso_refused')).at(-1)?.data).toEqual({ reason: 'wrong_audience' });
    } finally {
      await provider.forceAudience();
    }
  });

  it('refuses a bad or missing state without using the sign-in up, which then still works', async () => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, 'ada@acme.example');
    const before = await sessions();
    const wrong = new URL(url);
    wrong.searchParams.set('state', 'A'.repeat(43));
    const missing = new URL(url);
    missing.searchParams.delete('state');
    for (const forged of [wrong, missing]) {
      const answer = await tandem.request('GET', `${forged.pathname}${forged.search}`, {
        headers: { cookie: `tandem_console_sso=${client.cookie('tandem_console_sso')}` },
      });
      expect(answer.status).toBe(400);
      expect(words(answer.text)).toContain('its state is missing or wrong');
    }
    expect(await sessions()).toBe(before);
    expect((await callback(client, url)).status).toBe(303);
  });

  it('refuses a callback that no sign-in in this browser started', async () => {
    const answer = await tandem.request('GET', '/console/sso/callback?code=abc&state=def');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(words(answer.text)).toContain('This sign-in did not start in this browser');
  });

  it.each([
    [
      'a member without the admin group',
      'bob@acme.example',
      'not_admin',
      'Your identity provider does not list you as a Tandem admin of your organization.',
    ],
    [
      'an email outside the allowed domains',
      'eve@acme.example',
      'domain_not_allowed',
      'Your email address is not in a domain your organization allows for single sign-on.',
    ],
    [
      'an unverified email',
      'uma@acme.example',
      'unverified_email',
      'Your identity provider did not send a verified email address',
    ],
    [
      'a person who is not an invited admin',
      'hank@globex.example',
      'unknown_admin',
      'There is no Tandem admin with your email address in your organization.',
    ],
  ])(
    'refuses %s with a page that says why, and audits the reason without the email',
    async (_what, email, reason, said) => {
      const before = await sessions();
      const { answer } = await signIn(email);
      expect(answer.status).toBe(403);
      expect(words(answer.text)).toContain(said);
      expect(await sessions()).toBe(before);
      expect((await audit('admin.sso_refused')).at(-1)?.data).toEqual({ reason });
      expect(await rawQuery(db(), `select 1 from admin_user where email = ?`, [email])).toEqual([]);
      expect(JSON.stringify(await rawQuery(db(), `select data from audit_event`))).not.toContain(
        email.split('@')[0] + '@',
      );
    },
  );

  it('says so when the provider does not know the person, and when no organization signs in the domain', async () => {
    const client = new ConsoleClient(tandem);
    const url = await startAndAuthorize(client, 'nobody@acme.example');
    expect(url.searchParams.get('error')).toBe('access_denied');
    const answer = await callback(client, url);
    expect(answer.status).toBe(403);
    expect(words(answer.text)).toContain(
      'Your identity provider ended the sign-in without letting you in. It answered: access_denied.',
    );

    const form = await client.get('/console/signin');
    const none = await client.post('/console/sso', { email: 'someone@nowhere.example' }, form.text);
    expect(none.status).toBe(422);
    expect(words(none.text)).toContain(
      'No organization signs in with single sign-on for nowhere.example. Use an emailed link below.',
    );
    const notEmail = await client.post('/console/sso', { email: 'not an email' }, form.text);
    expect(notEmail.status).toBe(422);
    expect(words(notEmail.text)).toContain('Work email address Enter a valid email address.');
    const noCsrf = await client.post('/console/sso', { email: 'ada@acme.example', _csrf: 'x' });
    expect(noCsrf.status).toBe(403);
  });

  it('says the settings need entering again when the client secret was sealed under another APP_SECRET', async () => {
    const [{ client_secret_encrypted: stored }] = await rawQuery<{ client_secret_encrypted: string }>(
      db(),
      `select client_secret_encrypted from organization_sso where organization_id = ?`,
      [acme.organizationId],
    );
    // Changing the secret's row moves updated_at, so the discovered provider kept in memory is not used.
    await rawQuery(
      db(),
      `update organization_sso set client_secret_encrypted = ?, updated_at = clock_timestamp() where organization_id = ?`,
      [sealSecret('another-app-secret-0123456789', 'oidc-client-secret', ACME_SECRET), acme.organizationId],
    );
    try {
      const client = new ConsoleClient(tandem);
      const form = await client.get('/console/signin');
      const answer = await client.post('/console/sso', { email: 'ada@acme.example' }, form.text);
      expect(answer.status).toBe(400);
      expect(words(answer.text)).toContain(
        'Single sign-on of your organization is switched off or needs its settings entered again.',
      );
      const keep = await tandem.request('PUT', '/api/v1/sso', {
        key: acme.apiKey,
        json: {
          issuer: provider.issuer,
          clientId: 'tandem-acme',
          allowedDomains: ['acme.example'],
          adminClaim: 'groups',
          adminClaimValue: 'tandem-admins',
        },
      });
      expect(keep.status).toBe(422);
      expect(keep.body.details).toEqual([
        {
          field: 'clientSecret',
          message: 'the stored secret cannot be read any more (APP_SECRET changed): enter it again',
        },
      ]);
    } finally {
      await rawQuery(
        db(),
        `update organization_sso set client_secret_encrypted = ?, updated_at = clock_timestamp() where organization_id = ?`,
        [stored, acme.organizationId],
      );
    }
  });

  it('sends no emailed link to admins of an organization with the fallback off, with the same answer as for anyone', async () => {
    await inviteAdmin(tandem.get(EntityManager), acme.organizationId, 'carol@acme.example');
    const client = new ConsoleClient(tandem);
    const form = await client.get('/console/signin');
    const timed = async (email: string) => {
      const started = performance.now();
      const answer = await client.post('/console/signin', { email }, form.text);
      return { answer, ms: performance.now() - started };
    };
    const outboxTo = async (email: string) =>
      (await rawQuery<{ n: number }>(db(), `select count(*)::int as n from outbox_message where "to" = ?`, [email]))[0]
        .n;

    const grace = await timed('grace@globex.example');
    const stranger = await timed('stranger@globex.example');
    const carol = await timed('carol@acme.example');
    for (const { answer, ms } of [grace, stranger, carol]) {
      expect(answer.status).toBe(200);
      expect(words(answer.text)).toContain('If this address belongs to an admin, a sign-in link is on its way.');
      expect(ms).toBeGreaterThanOrEqual(295);
    }
    // An admin of Globex (emailed links off) gets nothing; the page is the one a stranger of that domain gets (but for
    // the address it carries on to the single sign-on button).
    expect(await outboxTo('grace@globex.example')).toBe(0);
    expect(grace.answer.text.replace('grace@', 'someone@')).toBe(stranger.answer.text.replace('stranger@', 'someone@'));
    expect(words(grace.answer.text)).toContain(
      'Admins with an address at globex.example sign in with single sign-on: emailed links are switched off for them.',
    );
    expect(grace.answer.text).toContain('action="/console/sso"');
    // Acme keeps emailed links as the fallback: Carol gets hers, and no single sign-on notice.
    expect(await outboxTo('carol@acme.example')).toBe(1);
    expect(words(carol.answer.text)).not.toContain('sign in with single sign-on');
  });

  it('works in the built api (openid-client loaded by require) and logs no email, code, state or secret', async () => {
    const api = new TandemProcess('api', { ...tandem.testEnv.env, PORT: '0', LOG_LEVEL: 'info' });
    try {
      const base = `http://127.0.0.1:${await api.listeningPort()}`;
      const jar = new Map<string, string>();
      const send = async (url: string, init: RequestInit = {}) => {
        const answer = await fetch(url, {
          ...init,
          redirect: 'manual',
          headers: {
            ...(init.headers as Record<string, string>),
            cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          },
        });
        for (const line of answer.headers.getSetCookie()) {
          const pair = line.split(';')[0];
          const value = pair.slice(pair.indexOf('=') + 1);
          if (value) jar.set(pair.slice(0, pair.indexOf('=')), value);
          else jar.delete(pair.slice(0, pair.indexOf('=')));
        }
        return answer;
      };
      const signInAs = async (email: string) => {
        jar.clear();
        const form = await (await send(`${base}/console/signin`)).text();
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
        const started = await send(`${base}/console/sso`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, email }).toString(),
        });
        expect(started.status).toBe(303);
        const url = await provider.authorize(started.headers.get('location')!, CALLBACK);
        return { url, answer: await send(`${base}${url.pathname}${url.search}`) };
      };
      const good = await signInAs('ada@acme.example');
      expect(good.answer.status).toBe(303);
      const programs = await send(`${base}/console/programs`);
      expect(programs.status).toBe(200);
      expect(words(await programs.text())).toContain('Tandem · Acme');
      const refused = await signInAs('bob@acme.example');
      expect(refused.answer.status).toBe(403);
      await fetch(`${base}${good.url.pathname}${good.url.search}`);
      await api.stop('SIGTERM');
      const output = api.output.join('');
      expect(output).toContain('"route":"/console/sso/callback"');
      for (const secret of [
        '@acme.example',
        ACME_SECRET,
        good.url.searchParams.get('code')!,
        good.url.searchParams.get('state')!,
        refused.url.searchParams.get('code')!,
      ]) {
        expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
      }
    } finally {
      await api.stop('SIGKILL');
    }
  });

  it('is removed in the console and through the API, audited, and emailed links work again', async () => {
    const [{ id: adminId }] = await rawQuery<{ id: string }>(
      db(),
      `select id from admin_user where email = 'grace@globex.example'`,
    );
    const admin = new ConsoleClient(tandem);
    const link = new URL(
      await issueSignInLink(tandem.get(EntityManager), adminId, {
        appSecret: tandem.testEnv.config.appSecret,
        publicUrl: PUBLIC_URL,
      }),
    );
    expect((await admin.post(link.pathname, {}, (await admin.get(link.pathname)).text)).status).toBe(303);
    const page = await admin.get('/console/settings/sso');
    const removed = await admin.post('/console/settings/sso/remove', {}, page.text);
    expect(removed.status).toBe(200);
    expect(words(removed.text)).toContain('Single sign-on is removed: admins sign in by emailed link.');
    expect(words(removed.text)).toContain('Single sign-on is not set up');
    expect((await tandem.request('GET', '/api/v1/sso', { key: globex.apiKey })).status).toBe(404);
    expect((await tandem.request('DELETE', '/api/v1/sso', { key: acme.apiKey })).status).toBe(204);
    expect((await tandem.request('DELETE', '/api/v1/sso', { key: acme.apiKey })).status).toBe(404);
    expect((await audit('sso.removed')).map((a) => [a.organization_id, a.actor])).toEqual([
      [globex.organizationId, `admin:${adminId}`],
      [acme.organizationId, expect.stringMatching(/^apikey:/)],
    ]);
    const client = new ConsoleClient(tandem);
    const form = await client.get('/console/signin');
    expect((await client.post('/console/signin', { email: 'grace@globex.example' }, form.text)).status).toBe(200);
    expect(
      (
        await rawQuery<{ n: number }>(
          db(),
          `select count(*)::int as n from outbox_message where "to" = 'grace@globex.example'`,
        )
      )[0].n,
    ).toBe(1);
  });
});
