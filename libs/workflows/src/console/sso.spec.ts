import { issuerUrlProblem } from './sso.service';

describe('issuerUrlProblem', () => {
  it('takes a public https issuer, with or without a path', () => {
    expect(issuerUrlProblem('https://login.microsoftonline.com/0000-tenant/v2.0', false)).toBeUndefined();
    expect(issuerUrlProblem('https://acme.okta.com', false)).toBeUndefined();
  });

  it('refuses what is not an issuer URL, in words', () => {
    expect(issuerUrlProblem('login.example.com', false)).toBe(
      'must be an absolute URL such as https://login.example.com',
    );
    expect(issuerUrlProblem('http://login.example.com', false)).toBe('must start with https://');
    expect(issuerUrlProblem('https://user:pw@login.example.com', false)).toMatch(/no user name, password/);
    expect(issuerUrlProblem('https://login.example.com/?tenant=1', false)).toMatch(/\?query/);
  });

  it('refuses loopback and private networks unless the install allows them (and http:// with them)', () => {
    for (const url of [
      'https://localhost',
      'https://127.0.0.1:8443',
      'https://10.1.2.3',
      'https://[::1]',
      'https://idp.localhost',
    ]) {
      expect([url, issuerUrlProblem(url, false)]).toEqual([
        url,
        'must be a public address: loopback and private networks are refused',
      ]);
      expect([url, issuerUrlProblem(url, true)]).toEqual([url, undefined]);
    }
    expect(issuerUrlProblem('http://127.0.0.1:4400', true)).toBeUndefined();
  });
});
