import { request } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError, webhookUrlProblem } from './webhook-address';
import { decryptWebhookSecret, encryptWebhookSecret, newWebhookSecret } from './webhook-secret';
import { webhookBackoffMs } from './webhook-delivery.service';

describe('webhook addresses', () => {
  it('knows loopback, private, link-local, shared, multicast and unspecified networks, in IPv4 and IPv6', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
  });

  it('refuses URLs that are not https, hold credentials or name a private host, unless the install allows private networks', () => {
    expect(webhookUrlProblem('https://hooks.example.com/tandem', false)).toBeUndefined();
    expect(webhookUrlProblem('http://hooks.example.com/tandem', false)).toBe('must start with https://');
    expect(webhookUrlProblem('https://a:b@hooks.example.com/', false)).toMatch(/user name or password/);
    expect(webhookUrlProblem('https://hooks.example.com/#x', false)).toMatch(/fragment/);
    expect(webhookUrlProblem('nope', false)).toMatch(/absolute URL/);
    for (const url of [
      'https://127.0.0.1/',
      'https://localhost/',
      'https://api.localhost/',
      'https://[::1]/',
      'https://10.0.0.5/',
      'https://169.254.169.254/latest/meta-data',
    ]) {
      expect([url, webhookUrlProblem(url, false)]).toEqual([
        url,
        'must be a public address: loopback and private networks are refused',
      ]);
      expect(webhookUrlProblem(url, true)).toBeUndefined();
    }
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeUndefined();
  });

  it('connects only to checked addresses: a name that resolves to loopback reaches nothing', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const send = (allowPrivate: boolean) =>
      new Promise<string>((resolve) => {
        const req = request(
          `http://localhost:${port}/`,
          { lookup: guardedLookup(allowPrivate) as never, family: 4 },
          (res) => {
            res.resume();
            res.on('end', () => resolve(`status ${res.statusCode}`));
          },
        );
        req.on('error', (err) => resolve(err instanceof PrivateAddressError ? 'refused' : `error ${err.message}`));
        req.end();
      });
    try {
      expect(await send(false)).toBe('refused');
      expect(hits).toBe(0);
      expect(await send(true)).toBe('status 200');
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('webhook secrets and retries', () => {
  it('keeps a signing secret encrypted under APP_SECRET: readable with it, not without', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const stored = encryptWebhookSecret('a'.repeat(40), secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(encryptWebhookSecret('a'.repeat(40), secret)).not.toBe(stored);
    expect(decryptWebhookSecret('a'.repeat(40), stored)).toBe(secret);
    expect(() => decryptWebhookSecret('b'.repeat(40), stored)).toThrow();
    // One bit of the ciphertext changed: the authentication tag refuses it.
    const [version, iv, tag, data] = stored.split('.');
    const bytes = Buffer.from(data, 'base64url');
    bytes[5] ^= 1;
    expect(() =>
      decryptWebhookSecret('a'.repeat(40), [version, iv, tag, bytes.toString('base64url')].join('.')),
    ).toThrow();
  });

  it('doubles the wait per attempt up to an hour, so a day holds about thirty attempts', () => {
    expect([1, 2, 3, 4].map((n) => webhookBackoffMs(30_000, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(webhookBackoffMs(30_000, 40)).toBe(3_600_000);
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 24 * 3_600_000) elapsed += webhookBackoffMs(30_000, ++attempts);
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });
});
