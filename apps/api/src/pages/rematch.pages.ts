import { firstName, html } from '@tandem/mail';
import type { RematchView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** The coachee's re-match offer with its one button; shown by GET, which changes nothing. */
export function rematchPage(view: RematchView, token: string): string {
  const coach = view.coachName.trim();
  if (view.state === 'accepted') return messagePage('A new coach is on the way', 'You asked for a different coach already; we are finding one and will write to you.');
  if (view.state === 'closed') return rematchClosedPage();
  return page(
    'A different coach?',
    html`<h1>Would you like a different coach?</h1>
<p>Hi ${firstName(view.coacheeName)}, coaching works best with the right fit. If you would rather continue ${view.programName} with someone other than ${coach}, we will end this coaching, cancel its remaining sessions and offer you another coach.</p>
<form method="post" action="/rematch/${token}/accept">
  <button type="submit" class="accept">Yes, find me a different coach</button>
</form>
<p class="muted">Happy to continue with ${coach}? Then there is nothing to do: just close this page.</p>`,
  );
}

export function rematchAcceptedPage(first: boolean): string {
  return first
    ? messagePage('We are finding you a new coach', 'Your current coaching has ended and its remaining sessions are cancelled. You will hear from us once a new coach accepts.')
    : messagePage('Already asked', 'You asked for a different coach already; nothing has changed.');
}

export function rematchClosedPage(): string {
  return messagePage('This coaching has ended', 'This coaching has ended already, so there is nothing to change here.');
}
