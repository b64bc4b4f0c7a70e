import { REASON_CODES, type UnmatchedReason } from '@tandem/matching';
import { unmatchedAdminEmail } from './templates';
import { PAIR_REASON_TEXT, UNMATCHED_REASON_TEXT, unmatchedReasonText } from './reasons';

describe('unmatched reasons in words', () => {
  const every: UnmatchedReason[] = [...REASON_CODES, 'no-capacity', 'no-coaches'];

  it('has a sentence for every code the matcher reports', () => {
    for (const code of every) expect(UNMATCHED_REASON_TEXT[code]).toMatch(/^[a-z].+[a-z]$/);
  });

  it('has a sentence for every reason a pair is refused', () => {
    for (const code of REASON_CODES) expect(PAIR_REASON_TEXT[code]).toMatch(/^[a-z].+[a-z]$/);
  });

  it('never shows a raw code in the admin email', () => {
    for (const code of [...every, 'something-new']) {
      const mail = unmatchedAdminEmail({ coacheeName: 'Eli', programName: 'Leaders', reason: code, locale: 'en' });
      expect(mail.text).not.toContain(`(${code})`);
      expect(mail.text).not.toContain(code);
      expect(mail.text).toContain(unmatchedReasonText(code));
    }
    expect(
      unmatchedAdminEmail({ coacheeName: 'Eli', programName: 'Leaders', reason: 'no-capacity', locale: 'en' }).text,
    ).toContain('Tandem could not find a coach for Eli in Leaders: the coaches who fit have no free places.');
  });
});
