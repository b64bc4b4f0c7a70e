import { linkToken } from './secrets';
import { Signer } from './signer';

describe('Signer', () => {
  const signer = new Signer('a'.repeat(40));

  it('signs per purpose and secret, 43 base64url characters, and link tokens are its signatures', () => {
    const mac = signer.mac('offer', 'id-1');
    expect(mac).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.mac('feedback', 'id-1')).not.toBe(mac);
    expect(new Signer('b'.repeat(40)).mac('offer', 'id-1')).not.toBe(mac);
    expect(linkToken('a'.repeat(40), 'offer', 'id-1')).toBe(mac);
    expect(signer.verify('offer', 'id-1', mac)).toBe(true);
    expect(signer.verify('offer', 'id-2', mac)).toBe(false);
    expect(signer.verify('offer', 'id-1', [mac])).toBe(false);
  });

  it('unsigns what it signed, and nothing altered', () => {
    const signed = signer.sign('v1.key.123');
    expect(signer.unsign(signed)).toEqual({ valid: true, renew: false, value: 'v1.key.123' });
    for (const forged of [
      'v1.key.124' + signed.slice(signed.lastIndexOf('.')),
      signed.slice(0, -1),
      'nodot',
      '',
      '.',
    ]) {
      expect(signer.unsign(forged)).toEqual({ valid: false, renew: false, value: null });
    }
  });
});
