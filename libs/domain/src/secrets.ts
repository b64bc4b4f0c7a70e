import { createHash, randomBytes } from 'node:crypto';
import { Signer } from './signer';

/** A new random secret (256 bits) with a readable prefix, such as `tdm_...` for API keys. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a secret. High-entropy secrets need no slow hash: SHA-256 is enough and fast to look up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The kinds of emailed link whose token Tandem can derive again from the subject's id. */
export type LinkKind = 'offer' | 'session-coach' | 'session-coachee' | 'feedback' | 'rematch' | 'survey' | 'signin';

/**
 * The token of an emailed link: HMAC-SHA256(APP_SECRET, kind:id), 256 bits. It is never stored: the database keeps
 * only `hashSecret(token)` and the outbox a placeholder, so a dump holds no usable link. Rotating APP_SECRET voids
 * every outstanding link.
 */
export function linkToken(appSecret: string, kind: LinkKind, subjectId: string): string {
  return new Signer(appSecret).mac(kind, subjectId);
}

/** A link token's shape: 43 base64url characters (256 bits). */
const LINK_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Whether a text has the shape of a link token; anything else is never hashed or looked up. */
export function isLinkToken(token: unknown): token is string {
  return typeof token === 'string' && LINK_TOKEN_SHAPE.test(token);
}
