import { firstName, formatInstant, greeting, letter, type Locale, type RenderedEmail, translator } from '@tandem/mail';

/** A session as one recipient reads it: in their zone, with their own manage link (a placeholder until sent). */
export interface SessionLine {
  index: number;
  startsAt: Date;
  link: string;
}

/** The series invitation: every session with its move/cancel link; the .ics goes along. */
export function sessionInvitesEmail(input: {
  recipientName: string;
  otherName: string;
  programName: string;
  timeZone: string;
  sessions: SessionLine[];
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const lines = input.sessions.map((s) =>
    tr('invites.line', { index: s.index, when: formatInstant(s.startsAt, input.timeZone, input.locale), link: s.link }),
  );
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    tr('invites.body', { count: input.sessions.length, other: input.otherName.trim(), program: input.programName }),
    lines.join('\n'),
  ]);
  return { subject: tr('invites.subject', { first: firstName(input.otherName) }), text, locale: input.locale };
}

/** The reminder before one session. */
export function sessionReminderEmail(input: {
  recipientName: string;
  otherName: string;
  index: number;
  startsAt: Date;
  timeZone: string;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const when = formatInstant(input.startsAt, input.timeZone, input.locale);
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    tr('sessionReminder.body', { index: input.index, other: input.otherName.trim(), when }),
    tr('sessionReminder.link', { link: input.link }),
  ]);
  return { subject: tr('sessionReminder.subject', { index: input.index, when }), text, locale: input.locale };
}

/** A session was moved or cancelled by one of the two; both get the updated invite. */
export function sessionChangedEmail(input: {
  recipientName: string;
  actorName: string;
  index: number;
  startsAt: Date;
  timeZone: string;
  cancelled: boolean;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const when = formatInstant(input.startsAt, input.timeZone, input.locale);
  const values = { actor: input.actorName.trim(), index: input.index, when };
  const change = input.cancelled ? tr('sessionChanged.cancelled', values) : tr('sessionChanged.moved', values);
  const text = letter(
    input.locale,
    greeting(input.locale, input.recipientName),
    input.cancelled ? [change] : [change, tr('sessionChanged.link', { link: input.link })],
  );
  return {
    subject: input.cancelled
      ? tr('sessionChanged.cancelledSubject', { index: input.index })
      : tr('sessionChanged.movedSubject', { index: input.index, when }),
    text,
    locale: input.locale,
  };
}
