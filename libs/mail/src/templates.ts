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
