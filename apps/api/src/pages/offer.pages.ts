import { formatInstant, html, type Locale, translator } from '@tandem/mail';
import type { OfferView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** The offer with its two buttons, in the coach's language; shown by GET, which changes nothing. */
export function offerPage(view: OfferView, token: string): string {
  const { locale } = view;
  const tr = translator(locale);
  const name = view.coacheeFirstName;
  if (view.state === 'accepted')
    return messagePage(tr('offerPage.accepted.title'), tr('offerPage.accepted.body', { name }), locale);
  if (view.state === 'declined')
    return messagePage(tr('offerPage.declined.title'), tr('offerPage.declined.body', { name }), locale);
  if (view.state === 'expired') return expiredPage(locale);
  const reasons = view.reasons.length > 0 ? view.reasons : [tr('offer.defaultReason')];
  // The program's name is bold: the sentence is split around it, so each language places it where it belongs.
  const [before, after] = tr('offerPage.lookingFor', { name, program: '\u0000' }).split('\u0000');
  return page(
    tr('offerPage.title', { name }),
    html`<h1>${tr('offerPage.heading', { name })}</h1>
<p>${before}<strong>${view.programName}</strong>${after ?? ''}</p>
<h2>${tr('offerPage.goals', { name })}</h2>
${view.goals ? html`<p class="goals">${view.goals}</p>` : html`<p class="muted">${tr('offerPage.noGoals', { name })}</p>`}
<h2>${tr('offerPage.why')}</h2>
<ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul>
<p class="muted">${tr('offerPage.expires', { expires: formatInstant(view.expiresAt, view.timeZone, locale) })}</p>
<form method="post" action="/offers/${token}/accept">
  <button type="submit" class="accept">${tr('offerPage.accept', { name })}</button>
</form>
<form method="post" action="/offers/${token}/decline">
  <label for="reason">${tr('offerPage.declineReason')}</label>
  <textarea id="reason" name="reason" maxlength="1000"></textarea>
  <p><button type="submit" class="decline">${tr('offerPage.decline')}</button></p>
</form>`,
    locale,
  );
}

export function acceptedPage(first: boolean, name: string, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('offerPage.thanks.title'), tr('offerPage.thanks.body', { name }), locale)
    : messagePage(tr('offerPage.alreadyAccepted.title'), tr('offerPage.alreadyAccepted.body', { name }), locale);
}

export function declinedPage(first: boolean, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('offerPage.declined.title'), tr('offerPage.declinedNow.body'), locale)
    : messagePage(tr('offerPage.alreadyDeclined.title'), tr('offerPage.alreadyDeclined.body'), locale);
}

export function expiredPage(locale: Locale): string {
  const tr = translator(locale);
  return messagePage(tr('offerPage.expired.title'), tr('offerPage.expired.body'), locale);
}
