import { loadConfig } from '@tandem/config';
import { consoleCookie, preCsrf, sameToken, sessionCookie, sessionCsrf } from './console-auth';
import { consolePage } from './console-layout';
import { html } from '@tandem/mail';

describe('console session cookie and CSRF tokens', () => {
  const http = loadConfig({ APP_SECRET: 'a'.repeat(40) });
  const https = loadConfig({ APP_SECRET: 'a'.repeat(40), PUBLIC_URL: 'https://tandem.example' });

  it('is HttpOnly and SameSite=Lax on /console, Secure behind https, and cleared with Max-Age=0', () => {
    expect(sessionCookie('tcs_x', http)).toBe('tandem_console=tcs_x; Path=/console; HttpOnly; SameSite=Lax; Max-Age=43200');
    expect(sessionCookie('tcs_x', https)).toBe('tandem_console=tcs_x; Path=/console; HttpOnly; SameSite=Lax; Max-Age=43200; Secure');
    expect(consoleCookie('tandem_console', undefined, https, 60)).toBe('tandem_console=; Path=/console; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
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
    const markup = consolePage('<b>t</b>', { program: { id: 'p"1', name: '<script>alert(1)</script>', current: 'people' } }, html`<p>${'<img src=x onerror=alert(1)>'}</p>`);
    expect(markup).not.toMatch(/<script>alert|<img src=x|<b>t<\/b>/);
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markup).toContain('href="/console/programs/p&quot;1/people" aria-current="page"');
  });
});
