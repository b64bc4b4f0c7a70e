import { formatInstant, type Locale, matchReasons, translator } from './i18n';
import { unmatchedReasonText } from './reasons';

/** A rendered email: plain text always; HTML only when a template needs more than `textToHtml` gives. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string | null;
  /** The language it is written in. */
  locale: Locale;
}

/** The first word of a name, for a friendly greeting. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** An email's paragraphs between the greeting and the signature ("Tandem"), in one language. */
export function letter(locale: Locale, greeting: string, paragraphs: string[]): string {
  return [greeting, ...paragraphs, translator(locale)('mail.signature')].join('\n\n');
}

/** "Hi Ana," for a named recipient, "Hello," for anyone else. */
export function greeting(locale: Locale, name: string | null): string {
  const tr = translator(locale);
  return name ? tr('mail.greeting', { first: firstName(name) }) : tr('mail.hello');
}

/** Welcome to a program, sent once per enrollment. */
export function welcomeEmail(input: {
  name: string;
  programName: string;
  role: 'coach' | 'coachee';
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const program = input.programName;
  const body = input.role === 'coach' ? tr('welcome.coach', { program }) : tr('welcome.coachee', { program });
  return {
    subject: tr('welcome.subject', { program }),
    text: letter(input.locale, greeting(input.locale, input.name), [body]),
    locale: input.locale,
  };
}

/** The offer to a coach: who, their goals, why this match, and one link to the offer page. */
export function offerEmail(input: {
  coachName: string;
  coacheeName: string;
  goals: string | null;
  /** The pair's reasons in English, and as parts each language words (libs/matching explainPair). */
  reasons: string[];
  wording?: string[] | null;
  /** The program's skills, whose labels the reasons' parts name by key. */
  skills: readonly { key: string; label: string }[];
  programName: string;
  expiresAt: Date;
  timeZone: string;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const coachee = firstName(input.coacheeName);
  const program = input.programName;
  const reasons = matchReasons(input.reasons, input.wording, input.locale, { name: coachee, skills: input.skills });
  const why = (reasons.length > 0 ? reasons : [tr('offer.defaultReason')]).map((r) => `- ${r}`).join('\n');
  const text = letter(input.locale, greeting(input.locale, input.coachName), [
    tr('offer.intro', { coachee, program }),
    input.goals ? tr('offer.goals', { coachee, goals: input.goals }) : tr('offer.noGoals', { coachee }),
    tr('offer.why', { reasons: why }),
    tr('offer.link', { expires: formatInstant(input.expiresAt, input.timeZone, input.locale), link: input.link }),
  ]);
  return { subject: tr('offer.subject', { coachee, program }), text, locale: input.locale };
}

/** A reminder before an offer expires. */
export function offerReminderEmail(input: {
  coachName: string;
  coacheeName: string;
  programName: string;
  expiresAt: Date;
  timeZone: string;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const coachee = firstName(input.coacheeName);
  const text = letter(input.locale, greeting(input.locale, input.coachName), [
    tr('offerReminder.waiting', {
      coachee,
      program: input.programName,
      expires: formatInstant(input.expiresAt, input.timeZone, input.locale),
    }),
    tr('offerReminder.link', { link: input.link }),
  ]);
  return { subject: tr('offerReminder.subject', { coachee }), text, locale: input.locale };
}

/** Introduces coach and coachee once the coach has accepted. */
export function introductionEmail(input: {
  to: 'coach' | 'coachee';
  recipientName: string;
  otherName: string;
  otherEmail: string;
  programName: string;
  otherBio?: string | null;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const other = input.otherName.trim();
  const values = { other, program: input.programName, email: input.otherEmail };
  const body = input.to === 'coach' ? tr('intro.coach', values) : tr('intro.coachee', values);
  // The coachee meets their coach through the coach's own words, when the coach wrote some.
  const bio =
    input.to === 'coachee' && input.otherBio?.trim()
      ? [tr('intro.bio', { first: firstName(other), bio: input.otherBio.trim() })]
      : [];
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    body,
    ...bio,
    tr('intro.invitesFollow'),
  ]);
  return {
    subject:
      input.to === 'coach'
        ? tr('intro.subject.coach', { first: firstName(other) })
        : tr('intro.subject.coachee', { other }),
    text,
    locale: input.locale,
  };
}

/** Tells a program's admins that a coachee could not be matched automatically (in the organization's language). */
export function unmatchedAdminEmail(input: {
  coacheeName: string;
  programName: string;
  reason: string;
  locale: Locale;
}): RenderedEmail {
  const locale = input.locale;
  const tr = translator(locale);
  const text = letter(locale, tr('mail.hello'), [
    tr('unmatched.body', {
      coachee: input.coacheeName,
      program: input.programName,
      reason: unmatchedReasonText(input.reason, locale),
    }),
    tr('unmatched.waitlist'),
  ]);
  return { subject: tr('unmatched.subject', { coachee: input.coacheeName }), text, locale: input.locale };
}

/** To a program's admin: coachees of the waiting list were offered to coaches whose places freed up. */
export function waitlistMatchedAdminEmail(input: {
  programName: string;
  matches: { coacheeName: string; coachName: string }[];
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const text = letter(input.locale, tr('mail.hello'), [
    tr('waitlist.intro', { program: input.programName }),
    input.matches.map((m) => tr('waitlist.line', { coachee: m.coacheeName, coach: m.coachName })).join('\n'),
    tr('waitlist.outro'),
  ]);
  return {
    subject: tr('waitlist.subject', { program: input.programName, count: input.matches.length }),
    text,
    locale: input.locale,
  };
}

/**
 * A one-time sign-in link: to the admin console (`console`) or to a participant's personal page (`personal`).
 */
export function signInEmail(input: {
  link: string;
  minutes: number;
  locale: Locale;
  to?: 'console' | 'personal';
}): RenderedEmail {
  const tr = translator(input.locale);
  const personal = input.to === 'personal';
  const text = letter(input.locale, tr('signIn.greeting'), [
    tr(personal ? 'meSignIn.link' : 'signIn.link', { minutes: input.minutes, link: input.link }),
    tr('signIn.ignore'),
  ]);
  return { subject: tr(personal ? 'meSignIn.subject' : 'signIn.subject'), text, locale: input.locale };
}

/** The invitation to a program's questionnaire (one per invitation), with its link and the deadline if any. */
export function invitationEmail(input: {
  name: string;
  programName: string;
  role: 'coach' | 'coachee';
  link: string;
  deadline: Date | null;
  timeZone: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const program = input.programName;
  const paragraphs = [
    input.role === 'coach' ? tr('invitation.coach', { program }) : tr('invitation.coachee', { program }),
    tr('invitation.link', { link: input.link }),
  ];
  if (input.deadline)
    paragraphs.push(
      tr('invitation.deadline', { deadline: formatInstant(input.deadline, input.timeZone, input.locale) }),
    );
  return {
    subject: tr('invitation.subject', { program }),
    text: letter(input.locale, greeting(input.locale, input.name), paragraphs),
    locale: input.locale,
  };
}

/** A reminder of an unanswered questionnaire (scheduled, or one more an admin sent). */
export function invitationReminderEmail(input: {
  name: string;
  programName: string;
  link: string;
  deadline: Date | null;
  timeZone: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const program = input.programName;
  const paragraphs = [tr('invitationReminder.body', { program, link: input.link })];
  if (input.deadline)
    paragraphs.push(
      tr('invitation.deadline', { deadline: formatInstant(input.deadline, input.timeZone, input.locale) }),
    );
  return {
    subject: tr('invitationReminder.subject', { program }),
    text: letter(input.locale, greeting(input.locale, input.name), paragraphs),
    locale: input.locale,
  };
}

/** The confirmation link for an address entered on a program's public registration page. */
export function registrationConfirmEmail(input: { programName: string; link: string; locale: Locale }): RenderedEmail {
  const tr = translator(input.locale);
  const program = input.programName;
  return {
    subject: tr('registrationConfirm.subject', { program }),
    text: letter(input.locale, greeting(input.locale, null), [
      tr('registrationConfirm.body', { program, link: input.link }),
      tr('registrationConfirm.ignore'),
    ]),
    locale: input.locale,
  };
}
