import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrivateAddressError } from '../webhooks/webhook-address';
import { guardedFetch } from './guarded-fetch';

describe('guardedFetch (requests to an organization’s OpenID provider)', () => {
  const get = { method: 'GET', headers: { accept: 'application/json' } };

  it('refuses http://, a private address and a name that resolves to loopback, before connecting', async () => {
    const fetch = guardedFetch(2000);
    await expect(fetch('http://login.example.com/.well-known/openid-configuration', get)).rejects.toThrow(
      'only https:// is allowed',
    );
    await expect(fetch('https://127.0.0.1:1/token', get)).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(fetch('https://[::1]:1/token', get)).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(fetch('https://10.0.0.7/jwks', get)).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(fetch('https://localhost:1/token', get)).rejects.toBeInstanceOf(PrivateAddressError);
  });

  describe('answers as fetch would', () => {
    let server: Server;
    let base: string;
    const seen: { method: string; headers: Record<string, unknown>; body: string }[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          seen.push({ method: req.method!, headers: req.headers, body });
          if (req.url === '/empty') return void res.writeHead(204).end();
          if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(1_100_000));
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res
            .writeHead(400, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' })
            .end('{"error":"invalid_grant"}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    const local = guardedFetch(2000, { request, protocol: 'http:', allowPrivate: true });

    it('sends the method, headers and a form body, and gives back status, headers (repeated ones too) and body', async () => {
      const answer = await local(`${base}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic eDp5' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(answer.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await answer.json()).toEqual({ error: 'invalid_grant' });
      expect(seen.at(-1)).toEqual({
        method: 'POST',
        headers: expect.objectContaining({ authorization: 'Basic eDp5', 'content-length': '36' }),
        body: 'grant_type=authorization_code&code=c',
      });
    });

    it('answers a 204 without a body, and refuses an answer over 1 MB', async () => {
      const empty = await local(`${base}/empty`, get);
      expect(empty.status).toBe(204);
      expect(await empty.text()).toBe('');
      await expect(local(`${base}/big`, get)).rejects.toThrow('larger than 1 MB');
    });
  });
});
