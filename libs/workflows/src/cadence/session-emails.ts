import { firstName, formatInstant, type RenderedEmail } from '@tandem/mail';

/** A session as one recipient reads it: in their zone, with their own manage link (a placeholder until sent). */
export interface SessionLine {
  index: number;
  startsAt: Date;
  link: string;
}

/** The series invitation: every session with its move/cancel link; the .ics goes along. */
export function sessionInvitesEmail(input: { recipientName: string; otherName: string; programName: string; timeZone: string; sessions: SessionLine[] }): RenderedEmail {
  const lines = input.sessions.map((s) => `Session ${s.index}: ${formatInstant(s.startsAt, input.timeZone)}\n  Move or cancel: ${s.link}`);
  const text = [
    `Hi ${firstName(input.recipientName)},`,
    `Here are your ${input.sessions.length} coaching sessions with ${input.otherName.trim()} in ${input.programName}. The attached calendar file adds them to your calendar.`,
    lines.join('\n'),
    'Tandem',
  ].join('\n\n');
  return { subject: `Your coaching sessions with ${firstName(input.otherName)}`, text };
}

/** The reminder before one session. */
export function sessionReminderEmail(input: { recipientName: string; otherName: string; index: number; startsAt: Date; timeZone: string; link: string }): RenderedEmail {
  const when = formatInstant(input.startsAt, input.timeZone);
  const text = [`Hi ${firstName(input.recipientName)},`, `A reminder: coaching session ${input.index} with ${input.otherName.trim()} is on ${when}.`, `Need to move or cancel it? ${input.link}`, 'Tandem'].join(
    '\n\n',
  );
  return { subject: `Reminder: coaching session ${input.index} on ${when}`, text };
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
}): RenderedEmail {
  const when = formatInstant(input.startsAt, input.timeZone);
  const change = input.cancelled ? `cancelled coaching session ${input.index} (${when})` : `moved coaching session ${input.index} to ${when}`;
  const text = [`Hi ${firstName(input.recipientName)},`, `${input.actorName.trim()} ${change}. The attached calendar file updates your calendar.`, input.cancelled ? '' : `Manage it: ${input.link}`, 'Tandem']
    .filter(Boolean)
    .join('\n\n');
  return { subject: input.cancelled ? `Cancelled: coaching session ${input.index}` : `Moved: coaching session ${input.index} is now on ${when}`, text };
}
