import { firstName, greeting, letter, type Locale, type RenderedEmail, translator } from '@tandem/mail';
import { type RiskReason, riskReasonText } from './risk-rules';

/** To the program's admin: a pairing is at risk, and why (a rule, never an individual answer's text). */
export function atRiskAdminEmail(input: {
  coachName: string;
  coacheeName: string;
  programName: string;
  reason: RiskReason;
  rematchOffered: boolean;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const pair = tr('atRisk.pair', { coach: input.coachName.trim(), coachee: input.coacheeName.trim() });
  const next = input.rematchOffered
    ? tr('atRisk.rematchOffered', { coachee: firstName(input.coacheeName) })
    : tr('atRisk.decide');
  const text = letter(input.locale, tr('mail.hello'), [
    tr('atRisk.body', { pair, program: input.programName, reason: riskReasonText(input.reason, input.locale) }),
    next,
  ]);
  return { subject: tr('atRisk.subject', { program: input.programName }), text, locale: input.locale };
}

/** To the coachee: an offer of a different coach, by link (the page asks before anything changes). */
export function rematchOfferEmail(input: {
  coacheeName: string;
  coachName: string;
  programName: string;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const text = letter(input.locale, greeting(input.locale, input.coacheeName), [
    tr('rematchOffer.body', { program: input.programName, coach: input.coachName.trim() }),
    input.link,
    tr('rematchOffer.nothingChanges'),
  ]);
  return { subject: tr('rematchOffer.subject'), text, locale: input.locale };
}

/** To the coach (and the admin) when a pairing ends: the coachee took a re-match, or the pairing was inactive too long. */
export function pairingEndedEmail(input: {
  recipientName: string | null;
  coachName: string;
  coacheeName: string;
  programName: string;
  why: 'rematch' | 'inactive';
  /** The coachee's reason for a re-match they asked for (the admin's email only). */
  reason?: string | null;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const pair = tr('ended.pair', { coach: input.coachName.trim(), coachee: input.coacheeName.trim() });
  const why = input.why === 'rematch' ? tr('ended.why.rematch') : tr('ended.why.inactive');
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    tr('ended.body', { pair, program: input.programName, why }),
    ...(input.reason ? [tr('ended.reason', { reason: input.reason })] : []),
    tr('ended.thanks'),
  ]);
  return { subject: tr('ended.subject', { pair }), text, locale: input.locale };
}

/** To both people: no session has been held for a while; the pairing closes after a grace period otherwise. */
export function inactivityNudgeEmail(input: {
  recipientName: string;
  otherName: string;
  programName: string;
  closesIn: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    tr('nudge.body', { other: input.otherName.trim(), program: input.programName, closesIn: input.closesIn }),
  ]);
  return { subject: tr('nudge.subject', { first: firstName(input.otherName) }), text, locale: input.locale };
}
