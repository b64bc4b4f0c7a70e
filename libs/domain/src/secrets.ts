import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
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
export type LinkKind =
  | 'offer'
  | 'session-coach'
  | 'session-coachee'
  | 'feedback'
  | 'rematch'
  | 'survey'
  | 'signin'
  | 'questionnaire'
  | 'registration'
  | 'registration-confirm'
  | 'me-signin';

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

/** The key that encrypts one kind of secret at rest: HKDF-SHA256 of APP_SECRET, salt `tandem`, info the purpose. */
function sealingKey(appSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'tandem', purpose, 32));
}

/**
 * A secret as stored when its use needs the clear value (a webhook signing secret, an OpenID client secret), so it
 * cannot be hashed like an API key: AES-256-GCM under a key derived from APP_SECRET for this one purpose,
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). A database dump without APP_SECRET holds none, and one purpose's key
 * opens no other's. Rotating APP_SECRET makes the stored secrets unreadable: they must be entered again.
 */
export function sealSecret(appSecret: string, purpose: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(appSecret, purpose), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(
    '.',
  );
}

/** A sealed secret back in clear; throws when it was sealed under another APP_SECRET or purpose, or was altered. */
export function openSecret(appSecret: string, purpose: string, stored: string): string {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined)
    throw new Error('the stored secret is not in a known form');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(appSecret, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
