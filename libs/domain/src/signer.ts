import { createHmac, timingSafeEqual } from 'node:crypto';

/** Compares two texts in constant time; anything but a string is never equal. */
export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Tandem's one signer: HMAC-SHA256 under APP_SECRET of `purpose:value`, base64url (43 characters). The purpose keeps
 * one use's signature from standing for another's: emailed link tokens (their kind), the console's CSRF tokens and
 * the signed cookies (`cookie`). `sign`/`unsign` have the shape @fastify/cookie takes for its signed cookies, so the
 * api's cookies are signed by this same code.
 */
export class Signer {
  constructor(private readonly secret: string) {}

  /** The signature of a value for a purpose. */
  mac(purpose: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}:${value}`).digest('base64url');
  }

  /** Whether a signature is the value's for that purpose (constant time). */
  verify(purpose: string, value: string, signature: unknown): boolean {
    return sameToken(this.mac(purpose, value), signature);
  }

  /** A signed cookie value: `value.signature`. */
  sign(value: string): string {
    return `${value}.${this.mac('cookie', value)}`;
  }

  /** A signed cookie value read back: the value when its signature holds. */
  unsign(signed: string): { valid: true; renew: false; value: string } | { valid: false; renew: false; value: null } {
    const dot = signed.lastIndexOf('.');
    const value = signed.slice(0, Math.max(dot, 0));
    return dot >= 0 && this.verify('cookie', value, signed.slice(dot + 1))
      ? { valid: true, renew: false, value }
      : { valid: false, renew: false, value: null };
  }
}
