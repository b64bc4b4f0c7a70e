import { firstName, type RenderedEmail } from '@tandem/mail';

/** To the coachee when the last session has closed: thanks, and the closing survey's link. */
export function closingSurveyEmail(input: { coacheeName: string; coachName: string; programName: string; link: string }): RenderedEmail {
  const text = [
    `Hi ${firstName(input.coacheeName)},`,
    `Your coaching with ${input.coachName.trim()} in ${input.programName} is complete. Congratulations!`,
    'One last step: where do you stand now on the skills you worked on? It takes a minute, and your individual answers stay confidential.',
    input.link,
    'Tandem',
  ].join('\n\n');
  return { subject: 'Your coaching is complete: one last question', text };
}
