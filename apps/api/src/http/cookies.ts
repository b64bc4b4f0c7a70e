import fastifyCookie, { type FastifyCookieOptions } from '@fastify/cookie';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TandemConfig } from '@tandem/config';
import { Signer } from '@tandem/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where a cookie lives and whom it is sent with. */
export interface CookieScope {
  path: '/console' | '/ops' | '/me';
  sameSite: 'lax' | 'strict';
  maxAgeSeconds: number;
  /** Signed by Tandem's signer (the value is readable but cannot be forged). */
  signed?: boolean;
}

/**
 * Cookies are parsed and written by @fastify/cookie, signed by Tandem's one Signer under APP_SECRET. A value that is
 * not valid percent-encoding (`%zz`) reads as it came, so it matches no session: the caller is answered as someone not
 * signed in, never with a 500.
 */
export async function installCookies(app: NestFastifyApplication, config: TandemConfig): Promise<void> {
  await app.register(
    fastifyCookie as never,
    { secret: new Signer(config.appSecret), hook: 'onRequest' } satisfies FastifyCookieOptions as never,
  );
}

/** One cookie of a request, unsigned when it is a signed one (undefined when missing or forged). */
export function readCookie(request: FastifyRequest, name: string, signed = false): string | undefined {
  const raw = request.cookies?.[name];
  if (!raw) return undefined;
  if (!signed) return raw;
  const { valid, value } = request.unsignCookie(raw);
  return valid && value ? value : undefined;
}

/**
 * Sets (or, without a value, clears) a cookie: always HttpOnly, Secure when PUBLIC_URL is https. Several calls on one
 * reply add several Set-Cookie lines.
 */
export function writeCookie(
  reply: FastifyReply,
  config: TandemConfig,
  name: string,
  value: string | undefined,
  scope: CookieScope,
): FastifyReply {
  return reply.setCookie(name, value ?? '', {
    path: scope.path,
    httpOnly: true,
    sameSite: scope.sameSite,
    maxAge: value ? scope.maxAgeSeconds : 0,
    secure: config.publicUrl.startsWith('https:'),
    signed: Boolean(value && scope.signed),
  });
}
