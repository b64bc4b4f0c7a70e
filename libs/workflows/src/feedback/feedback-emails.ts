import { formatInstant, greeting, letter, type Locale, type RenderedEmail, translator } from '@tandem/mail';

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
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const values = {
    index: input.index,
    other: input.otherName.trim(),
    when: formatInstant(input.startsAt, input.timeZone, input.locale),
  };
  const ask = input.role === 'coach' ? tr('feedbackRequest.coach', values) : tr('feedbackRequest.coachee', values);
  const text = letter(input.locale, greeting(input.locale, input.recipientName), [
    input.reminder ? tr('feedbackRequest.reminder', { ask }) : ask,
    input.link,
  ]);
  return {
    subject: input.reminder
      ? tr('feedbackRequest.reminderSubject', { index: input.index })
      : tr('feedbackRequest.subject', { index: input.index }),
    text,
    locale: input.locale,
  };
}
