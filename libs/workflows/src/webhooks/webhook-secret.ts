import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** A new signing secret in Standard Webhooks' form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The key that encrypts signing secrets at rest, derived from APP_SECRET for this one use. */
function keyOf(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'tandem', 'webhook-signing-secret', 32));
}

/**
 * A signing secret as stored: AES-256-GCM under a key derived from APP_SECRET, `v1.<iv>.<tag>.<ciphertext>`. A
 * signature needs the secret itself, so it cannot be hashed like an API key; a database dump without APP_SECRET holds
 * none. Rotating APP_SECRET makes the stored secrets unreadable: the endpoints then need a new secret.
 */
export function encryptWebhookSecret(appSecret: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(appSecret), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** The signing secret back from its stored form; throws when it was stored under another APP_SECRET. */
export function decryptWebhookSecret(appSecret: string, stored: string): string {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('the stored webhook secret is not in a known form');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
