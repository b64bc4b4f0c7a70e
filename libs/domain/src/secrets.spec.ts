import { openSecret, sealSecret } from './secrets';

describe('sealSecret / openSecret', () => {
  const appSecret = 'tandem-test-app-secret-0123456789';

  it('opens what it sealed, with a new IV each time, and only under the same APP_SECRET and purpose', () => {
    const stored = sealSecret(appSecret, 'oidc-client-secret', 'a client secret');
    expect(stored).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(stored).not.toContain('a client secret');
    expect(sealSecret(appSecret, 'oidc-client-secret', 'a client secret')).not.toBe(stored);
    expect(openSecret(appSecret, 'oidc-client-secret', stored)).toBe('a client secret');
    expect(() => openSecret(`${appSecret}-other`, 'oidc-client-secret', stored)).toThrow();
    expect(() => openSecret(appSecret, 'webhook-signing-secret', stored)).toThrow();
    expect(() => openSecret(appSecret, 'oidc-client-secret', 'v2.a.b.c')).toThrow('not in a known form');
  });

  it('opens a webhook signing secret stored by the former webhook-only helper (same format, same key)', () => {
    // Written by the helper webhook-secret.ts had before the move, under the APP_SECRET above.
    const stored =
      'v1.2-qg7qp205NcmGPo.qDQUJOCVjNYyaROQA5LFOA.7cPhgrMl09t21YPB_VNaquORgH_Enhj00LKhLxeUEt8cyjtBsHeyeWFdkb29bASC2Gc';
    expect(openSecret(appSecret, 'webhook-signing-secret', stored)).toBe(
      'whsec_MfKQ9r+xpc6fEzNQk5ZqX9lW0lsJxHh3ZrEgXzzvCbA=',
    );
  });
});
