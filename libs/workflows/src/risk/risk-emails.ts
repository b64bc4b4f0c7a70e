import { firstName, type RenderedEmail } from '@tandem/mail';
import { type RiskReason, riskReasonText } from './risk-rules';

/** To the program's admin: a pairing is at risk, and why (a rule, never an individual answer's text). */
export function atRiskAdminEmail(input: { coachName: string; coacheeName: string; programName: string; reason: RiskReason; rematchOffered: boolean }): RenderedEmail {
  const pair = `${input.coachName.trim()} (coach) and ${input.coacheeName.trim()} (coachee)`;
  const next = input.rematchOffered
    ? `${firstName(input.coacheeName)} has been offered a new coach by link; if they take it, this pairing ends and you will hear about it.`
    : 'Please decide whether to keep this pairing going.';
  const text = ['Hello,', `The pairing of ${pair} in ${input.programName} is at risk: ${riskReasonText(input.reason)}.`, next, 'Tandem'].join('\n\n');
  return { subject: `Pairing at risk in ${input.programName}`, text };
}

/** To the coachee: an offer of a different coach, by link (the page asks before anything changes). */
export function rematchOfferEmail(input: { coacheeName: string; coachName: string; programName: string; link: string }): RenderedEmail {
  const text = [
    `Hi ${firstName(input.coacheeName)},`,
    `Coaching works best with the right fit. If you would rather continue ${input.programName} with a different coach than ${input.coachName.trim()}, you can ask for one here:`,
    input.link,
    'Nothing changes unless you confirm on that page.',
    'Tandem',
  ].join('\n\n');
  return { subject: 'Would you like a different coach?', text };
}

/** To the coach (and the admin) when a pairing ends: the coachee took a re-match, or the pairing was inactive too long. */
export function pairingEndedEmail(input: { recipientName: string | null; coachName: string; coacheeName: string; programName: string; why: 'rematch' | 'inactive' }): RenderedEmail {
  const pair = `${input.coachName.trim()} and ${input.coacheeName.trim()}`;
  const why = input.why === 'rematch' ? 'the coachee asked for a different coach' : 'no session was held for too long';
  const text = [input.recipientName ? `Hi ${firstName(input.recipientName)},` : 'Hello,', `The coaching of ${pair} in ${input.programName} has ended: ${why}. The remaining sessions are cancelled.`, 'Thank you for your time.', 'Tandem'].join('\n\n');
  return { subject: `Coaching ended: ${pair}`, text };
}

/** To both people: no session has been held for a while; the pairing closes after a grace period otherwise. */
export function inactivityNudgeEmail(input: { recipientName: string; otherName: string; programName: string; closesIn: string }): RenderedEmail {
  const text = [
    `Hi ${firstName(input.recipientName)},`,
    `No coaching session with ${input.otherName.trim()} in ${input.programName} has been held for a while. Please meet soon: if no session is held in the next ${input.closesIn}, the coaching closes.`,
    'Tandem',
  ].join('\n\n');
  return { subject: `Time for your next coaching session with ${firstName(input.otherName)}`, text };
}
