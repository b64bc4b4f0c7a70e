import { createHmac, timingSafeEqual } from 'node:crypto';

/** The dashboard sign-in cookie: it holds a signed key id and expiry, never the key. */
export const OPS_COOKIE = 'tandem_ops';
export const OPS_SESSION_SECONDS = 8 * 3600;

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`ops-session.${payload}`).digest('base64url');

/** A session token for an API key id: `v1.<keyId>.<expiry>.<hmac>`, signed with APP_SECRET. */
export function issueSessionToken(secret: string, keyId: string, now: number = Date.now()): string {
  const payload = `v1.${keyId}.${Math.floor(now / 1000) + OPS_SESSION_SECONDS}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The key id of a valid, unexpired token, or undefined. */
export function verifySessionToken(secret: string, token: string, now: number = Date.now()): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
  const payload = parts.slice(0, 3).join('.');
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(parts[3]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  if (!(Number(parts[2]) > now / 1000)) return undefined;
  return parts[1];
}

/**
 * One cookie's value from a Cookie header. A value that is not valid percent-encoding (`%zz`) counts as no cookie: the
 * caller then answers as to someone not signed in (sign-in page, 401), never a 500.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The Set-Cookie value for a session (or, with no token, one that clears it). */
export function sessionCookie(token: string | undefined, secure: boolean): string {
  const attributes = ['Path=/ops', 'HttpOnly', 'SameSite=Strict', `Max-Age=${token ? OPS_SESSION_SECONDS : 0}`, ...(secure ? ['Secure'] : [])];
  return [`${OPS_COOKIE}=${token ?? ''}`, ...attributes].join('; ');
}
