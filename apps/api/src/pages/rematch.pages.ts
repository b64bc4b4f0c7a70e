import { firstName, html, type Locale, translator } from '@tandem/mail';
import type { RematchView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** The coachee's re-match offer with its one button, in their language; shown by GET, which changes nothing. */
export function rematchPage(view: RematchView, token: string): string {
  const { locale } = view;
  const tr = translator(locale);
  const coach = view.coachName.trim();
  if (view.state === 'accepted')
    return messagePage(tr('rematchPage.onTheWay.title'), tr('rematchPage.onTheWay.body'), locale);
  if (view.state === 'closed') return rematchClosedPage(locale);
  return page(
    tr('rematchPage.title'),
    html`<h1>${tr('rematchPage.heading')}</h1>
<p>${tr('rematchPage.body', { first: firstName(view.coacheeName), program: view.programName, coach })}</p>
<form method="post" action="/rematch/${token}/accept">
  <button type="submit" class="accept">${tr('rematchPage.accept')}</button>
</form>
<p class="muted">${tr('rematchPage.stay', { coach })}</p>`,
    locale,
  );
}

export function rematchAcceptedPage(first: boolean, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('rematchPage.finding.title'), tr('rematchPage.finding.body'), locale)
    : messagePage(tr('rematchPage.alreadyAsked.title'), tr('rematchPage.alreadyAsked.body'), locale);
}

export function rematchClosedPage(locale: Locale): string {
  const tr = translator(locale);
  return messagePage(tr('rematchPage.closed.title'), tr('rematchPage.closed.body'), locale);
}
