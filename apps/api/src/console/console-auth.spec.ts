import { loadConfig } from '@tandem/config';
import fastifyCookie from '@fastify/cookie';
import { sameToken, Signer } from '@tandem/domain';
import Fastify from 'fastify';
import { readCookie } from '../http/cookies';
import { opsSessionKeyId, writeOpsSession } from '../ops/ops-session';
import { preCsrf, sessionCsrf, writeConsoleSession, writeOpsConsoleSession } from './console-auth';
import { consolePage } from './console-layout';
import { html } from '@tandem/mail';

describe('console session cookie and CSRF tokens', () => {
  const http = loadConfig({ APP_SECRET: 'a'.repeat(40) });
  const https = loadConfig({ APP_SECRET: 'a'.repeat(40), PUBLIC_URL: 'https://tandem.example' });

  /** A bare Fastify with the api's cookie plugin, answering the Set-Cookie lines a writer makes and what it reads back. */
  async function cookiesOf(
    config: typeof http,
    write: (reply: import('fastify').FastifyReply) => void,
    cookie?: string,
  ) {
    const app = Fastify();
    await app.register(fastifyCookie, { secret: new Signer(config.appSecret) });
    app.get('/', async (request, reply) => {
      write(reply);
      return { session: readCookie(request, 'tandem_console') ?? null, ops: opsSessionKeyId(request) ?? null };
    });
    const answer = await app.inject({ method: 'GET', url: '/', headers: cookie ? { cookie } : {} });
    await app.close();
    return {
      setCookie: [answer.headers['set-cookie'] ?? []].flat(),
      read: answer.json() as { session: string | null; ops: string | null },
    };
  }

  it('is HttpOnly and SameSite=Lax on /console, Secure behind https, and cleared with Max-Age=0', async () => {
    expect((await cookiesOf(http, (reply) => writeConsoleSession(reply, http, 'tcs_x'))).setCookie).toEqual([
      'tandem_console=tcs_x; Max-Age=43200; Path=/console; HttpOnly; SameSite=Lax',
    ]);
    expect((await cookiesOf(https, (reply) => writeConsoleSession(reply, https, 'tcs_x'))).setCookie).toEqual([
      'tandem_console=tcs_x; Max-Age=43200; Path=/console; HttpOnly; Secure; SameSite=Lax',
    ]);
    const cleared = await cookiesOf(https, (reply) => {
      writeConsoleSession(reply, https, undefined);
      writeOpsConsoleSession(reply, https, undefined);
    });
    expect(cleared.setCookie).toEqual([
      'tandem_console=; Max-Age=0; Path=/console; HttpOnly; Secure; SameSite=Lax',
      'tandem_console=; Max-Age=0; Path=/ops; HttpOnly; Secure; SameSite=Strict',
    ]);
  });

  it('signs the dashboard session: read back while unexpired, refused when forged, expired or signed under another secret', async () => {
    const keyId = '00000000-0000-4000-8000-000000000001';
    const issued = (await cookiesOf(http, (reply) => writeOpsSession(reply, http, keyId))).setCookie[0];
    expect(issued).toMatch(
      /^tandem_ops=v1\.[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/ops; HttpOnly; SameSite=Strict$/,
    );
    const value = issued.slice('tandem_ops='.length, issued.indexOf(';'));
    expect((await cookiesOf(http, () => undefined, `tandem_ops=${value}`)).read.ops).toBe(keyId);
    expect(
      (await cookiesOf(http, () => undefined, `tandem_ops=${value.replace('v1.00000000', 'v1.10000000')}`)).read.ops,
    ).toBeNull();
    const other = loadConfig({ APP_SECRET: 'b'.repeat(40) });
    expect((await cookiesOf(other, () => undefined, `tandem_ops=${value}`)).read.ops).toBeNull();
    const expired = new Signer(http.appSecret).sign(`v1.${keyId}.${Math.floor(Date.now() / 1000) - 1}`);
    expect((await cookiesOf(http, () => undefined, `tandem_ops=${expired}`)).read.ops).toBeNull();
    // Not percent-encoding: read as it came, so it matches no session.
    expect((await cookiesOf(http, () => undefined, 'tandem_console=%zz; tandem_ops=%zz')).read).toEqual({
      session: '%zz',
      ops: null,
    });
  });

  it('derives a different CSRF token per session and per secret, and compares tokens exactly', () => {
    const other = loadConfig({ APP_SECRET: 'b'.repeat(40) });
    const token = sessionCsrf(http.appSecret, 'session-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionCsrf(http.appSecret, 'session-2')).not.toBe(token);
    expect(sessionCsrf(other.appSecret, 'session-1')).not.toBe(token);
    expect(preCsrf(http.appSecret, 'session-1')).not.toBe(token);
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token, token.slice(1))).toBe(false);
    expect(sameToken(token, undefined)).toBe(false);
    expect(sameToken(token, [token])).toBe(false);
  });

  it('escapes every interpolated value of a page', () => {
    const markup = consolePage(
      '<b>t</b>',
      { program: { id: 'p"1', name: '<script>alert(1)</script>', current: 'people' } },
      html`<p>${'<img src=x onerror=alert(1)>'}</p>`,
    );
    expect(markup).not.toMatch(/<script>alert|<img src=x|<b>t<\/b>/);
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markup).toContain('href="/console/programs/p&quot;1/people" aria-current="page"');
  });
});
