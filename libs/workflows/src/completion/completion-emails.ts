import { greeting, letter, type Locale, type RenderedEmail, translator } from '@tandem/mail';

/** To the coachee when the last session has closed: thanks, and the closing survey's link. */
export function closingSurveyEmail(input: {
  coacheeName: string;
  coachName: string;
  programName: string;
  link: string;
  locale: Locale;
}): RenderedEmail {
  const tr = translator(input.locale);
  const text = letter(input.locale, greeting(input.locale, input.coacheeName), [
    tr('closingSurvey.complete', { coach: input.coachName.trim(), program: input.programName }),
    tr('closingSurvey.ask'),
    input.link,
  ]);
  return { subject: tr('closingSurvey.subject'), text, locale: input.locale };
}
