import { createHash, randomBytes } from 'node:crypto';

/** A new random secret (256 bits) with a readable prefix, such as `tdm_...` for API keys. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a secret. High-entropy secrets need no slow hash: SHA-256 is enough and fast to look up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
