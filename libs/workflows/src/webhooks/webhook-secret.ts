import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@tandem/domain';

/** A new signing secret in Standard Webhooks' form: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The HKDF purpose of webhook signing secrets; changing it would make every stored secret unreadable. */
const PURPOSE = 'webhook-signing-secret';

/** A signing secret as stored (`sealSecret`): a signature needs the secret itself, so it cannot be hashed. */
export function encryptWebhookSecret(appSecret: string, secret: string): string {
  return sealSecret(appSecret, PURPOSE, secret);
}

/** The signing secret back from its stored form; throws when it was stored under another APP_SECRET. */
export function decryptWebhookSecret(appSecret: string, stored: string): string {
  return openSecret(appSecret, PURPOSE, stored);
}
