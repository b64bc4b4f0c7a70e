import { formatInstant, html } from '@tandem/mail';
import type { OfferView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** The offer with its two buttons; shown by GET, which changes nothing. */
export function offerPage(view: OfferView, token: string): string {
  const name = view.coacheeFirstName;
  if (view.state === 'accepted') return messagePage('Offer accepted', `You accepted to coach ${name}. Thank you: the introduction email is on its way.`);
  if (view.state === 'declined') return messagePage('Offer declined', `You declined to coach ${name}. We are finding them another coach.`);
  if (view.state === 'expired') return expiredPage();
  const reasons = view.reasons.length > 0 ? view.reasons : ['a good overall fit'];
  return page(
    `Coach ${name}?`,
    html`<h1>Would you coach ${name}?</h1>
<p>${name} is looking for a coach in <strong>${view.programName}</strong>.</p>
<h2>${name}'s goals</h2>
${view.goals ? html`<p class="goals">${view.goals}</p>` : html`<p class="muted">${name} has not written down goals yet.</p>`}
<h2>Why we matched you</h2>
<ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul>
<p class="muted">This offer expires ${formatInstant(view.expiresAt, view.timeZone)}.</p>
<form method="post" action="/offers/${token}/accept">
  <button type="submit" class="accept">Accept: coach ${name}</button>
</form>
<form method="post" action="/offers/${token}/decline">
  <label for="reason">Not this time? You can tell us why (optional, only the program team sees it)</label>
  <textarea id="reason" name="reason" maxlength="1000"></textarea>
  <p><button type="submit" class="decline">Decline</button></p>
</form>`,
  );
}

export function acceptedPage(first: boolean, name: string): string {
  return first
    ? messagePage('Thank you!', `You are now ${name}'s coach. You will both get an introduction email, and the session invitations follow.`)
    : messagePage('Already accepted', `You accepted this offer already; nothing has changed. You are ${name}'s coach.`);
}

export function declinedPage(first: boolean): string {
  return first
    ? messagePage('Offer declined', 'Thank you for letting us know. We will find another coach.')
    : messagePage('Already declined', 'You declined this offer already; nothing has changed.');
}

export function expiredPage(): string {
  return messagePage('This offer has expired', 'The time to answer this offer has passed, so we offered the coachee another coach. Thank you all the same.');
}
