import type { TandemConfig } from '@tandem/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, writeCookie } from '../http/cookies';

/** The dashboard sign-in cookie: it holds a signed key id and expiry, never the key. */
export const OPS_COOKIE = 'tandem_ops';
export const OPS_SESSION_SECONDS = 8 * 3600;

/** Signs a key in to the dashboard: the cookie `v1.<keyId>.<expiry>`, signed; without a key id it is cleared. */
export function writeOpsSession(
  reply: FastifyReply,
  config: TandemConfig,
  keyId: string | undefined,
  now: number = Date.now(),
): FastifyReply {
  const value = keyId ? `v1.${keyId}.${Math.floor(now / 1000) + OPS_SESSION_SECONDS}` : undefined;
  return writeCookie(reply, config, OPS_COOKIE, value, {
    path: '/ops',
    sameSite: 'strict',
    maxAgeSeconds: OPS_SESSION_SECONDS,
    signed: true,
  });
}

/** The key id of a request's valid, unexpired dashboard session, or undefined. */
export function opsSessionKeyId(request: FastifyRequest, now: number = Date.now()): string | undefined {
  const parts = readCookie(request, OPS_COOKIE, true)?.split('.');
  if (!parts || parts.length !== 3 || parts[0] !== 'v1') return undefined;
  return Number(parts[2]) > now / 1000 ? parts[1] : undefined;
}
