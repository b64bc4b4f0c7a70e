import { unmatchedReasonText } from './reasons';

/** A rendered email: plain text always; HTML only when a template needs more than `textToHtml` gives. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string | null;
}

/** The first word of a name, for a friendly greeting. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** Welcome to a program, sent once per enrollment. */
export function welcomeEmail(input: { name: string; programName: string; role: 'coach' | 'coachee' }): RenderedEmail {
  const first = firstName(input.name);
  const asWhat =
    input.role === 'coach'
      ? 'as a coach. When a coachee fits your strengths, you will get an offer that explains why, and you decide whether to take it.'
      : 'as a coachee. We will match you with a coach whose strengths fit what you want to develop, and let you know who it is.';
  const subject = `Welcome to ${input.programName}`;
  const text = `Hi ${first},\n\nYou have been enrolled in ${input.programName} ${asWhat}\n\nTandem`;
  return { subject, text };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A date and time as the recipient reads it, in their time zone ("26 Nov 2026, 19:30 CET"). */
export function formatInstant(at: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Building a formatter costs ~0.1 ms; publishing 10,000 offers reuses one per time zone.
    formatter = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
    if (formatters.size < 1000) formatters.set(timeZone, formatter);
  }
  return formatter.format(at);
}

/** The offer to a coach: who, their goals, why this match, and one link to the offer page. */
export function offerEmail(input: {
  coachName: string;
  coacheeName: string;
  goals: string | null;
  reasons: string[];
  programName: string;
  expiresAt: Date;
  timeZone: string;
  link: string;
}): RenderedEmail {
  const coachee = firstName(input.coacheeName);
  const why = input.reasons.length > 0 ? input.reasons.map((r) => `- ${r}`).join('\n') : '- a good overall fit';
  const text = [
    `Hi ${firstName(input.coachName)},`,
    `We matched you with ${coachee} in ${input.programName}: your strengths fit what ${coachee} wants to develop. Would you coach ${coachee}?`,
    input.goals ? `${coachee}'s goals:\n${input.goals}` : `${coachee} has not written down goals yet.`,
    `Why we matched you:\n${why}`,
    `Accept or decline here (the offer expires ${formatInstant(input.expiresAt, input.timeZone)}):\n${input.link}`,
    'Tandem',
  ].join('\n\n');
  return { subject: `Coaching offer: ${coachee} (${input.programName})`, text };
}

/** A reminder before an offer expires. */
export function offerReminderEmail(input: { coachName: string; coacheeName: string; programName: string; expiresAt: Date; timeZone: string; link: string }): RenderedEmail {
  const coachee = firstName(input.coacheeName);
  const text = [
    `Hi ${firstName(input.coachName)},`,
    `${coachee} is still waiting for your answer in ${input.programName}. The offer expires ${formatInstant(input.expiresAt, input.timeZone)}.`,
    `Accept or decline here:\n${input.link}`,
    'Tandem',
  ].join('\n\n');
  return { subject: `Reminder: coaching offer for ${coachee}`, text };
}

/** Introduces coach and coachee once the coach has accepted. */
export function introductionEmail(input: { to: 'coach' | 'coachee'; recipientName: string; otherName: string; otherEmail: string; programName: string; otherBio?: string | null }): RenderedEmail {
  const other = input.otherName.trim();
  const body =
    input.to === 'coach'
      ? `Thank you for taking on ${other} in ${input.programName}. You can reach them at ${input.otherEmail}.`
      : `${other} has agreed to be your coach in ${input.programName}. You can reach them at ${input.otherEmail}.`;
  // The coachee meets their coach through the coach's own words, when the coach wrote some.
  const bio = input.to === 'coachee' && input.otherBio?.trim() ? [`About ${firstName(other)}, in their own words:\n${input.otherBio.trim()}`] : [];
  const text = [`Hi ${firstName(input.recipientName)},`, body, ...bio, 'Your session invitations follow in a separate email.', 'Tandem'].join('\n\n');
  return { subject: input.to === 'coach' ? `You are now coaching ${firstName(other)}` : `Meet your coach, ${other}`, text };
}

/** Tells a program's admins that a coachee could not be matched automatically. */
export function unmatchedAdminEmail(input: { coacheeName: string; programName: string; reason: string }): RenderedEmail {
  const text = [
    'Hello,',
    `Tandem could not find a coach for ${input.coacheeName} in ${input.programName}: ${unmatchedReasonText(input.reason)}.`,
    'They wait on the program’s waiting list: when a place frees up (a pairing ends, a coach joins or takes more coachees), Tandem offers them the best free place that fits. You can also add coaches or free capacity, or launch a new matching round.',
    'Tandem',
  ].join('\n\n');
  return { subject: `No coach found for ${input.coacheeName}`, text };
}

/** To a program's admin: coachees of the waiting list were offered to coaches whose places freed up. */
export function waitlistMatchedAdminEmail(input: { programName: string; matches: { coacheeName: string; coachName: string }[] }): RenderedEmail {
  const text = [
    'Hello,',
    `A place freed up in ${input.programName}, so Tandem offered coachees of the waiting list to coaches, best fit first:`,
    input.matches.map((m) => `- ${m.coacheeName} to ${m.coachName}`).join('\n'),
    'Each coach has the usual offer to accept or decline; a declined offer is re-matched as always.',
    'Tandem',
  ].join('\n\n');
  return { subject: `Waiting list matched in ${input.programName}: ${input.matches.length} offer(s)`, text };
}

/** The one-time link that signs an admin in to the console. */
export function signInEmail(input: { link: string; minutes: number }): RenderedEmail {
  const text = [
    'Hi,',
    `Here is your link to sign in to the Tandem admin console. It works once, for ${input.minutes} minutes:\n${input.link}`,
    'If you did not ask for it, you can ignore this email: nobody can sign in without the link.',
    'Tandem',
  ].join('\n\n');
  return { subject: 'Your Tandem sign-in link', text };
}
