import { firstName, formatInstant, type RenderedEmail } from '@tandem/mail';

/** The request for feedback after a session (or its one reminder), with the form's link (a placeholder until sent). */
export function feedbackRequestEmail(input: {
  role: 'coach' | 'coachee';
  recipientName: string;
  otherName: string;
  index: number;
  startsAt: Date;
  timeZone: string;
  link: string;
  reminder: boolean;
}): RenderedEmail {
  const when = formatInstant(input.startsAt, input.timeZone);
  const ask =
    input.role === 'coach'
      ? `Was coaching session ${input.index} with ${input.otherName.trim()} (${when}) held, missed or moved? It takes a few seconds; a note is optional and only you can see it.`
      : `How was coaching session ${input.index} with ${input.otherName.trim()} (${when})? Five short questions; your individual answers stay confidential.`;
  const text = [`Hi ${firstName(input.recipientName)},`, input.reminder ? `A reminder: ${ask}` : ask, input.link, 'Tandem'].join('\n\n');
  return { subject: `${input.reminder ? 'Reminder: ' : ''}Feedback on coaching session ${input.index}`, text };
}
