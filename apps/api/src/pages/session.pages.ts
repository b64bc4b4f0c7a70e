import { firstName, formatInstant, html, type Locale, translator } from '@tandem/mail';
import type { SessionView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** One session with its move and cancel forms, in the viewer's language; shown by GET, which changes nothing. */
export function sessionPage(view: SessionView, token: string): string {
  const { locale } = view;
  const tr = translator(locale);
  const other = firstName(view.otherName);
  const when = formatInstant(view.startsAt, view.timeZone, locale);
  const title = tr('sessionPage.title', { index: view.index, sessions: view.sessions, other });
  if (view.state === 'cancelled') return messagePage(title, tr('sessionPage.cancelled', { when }), locale);
  if (view.state !== 'scheduled') return messagePage(title, tr('sessionPage.past', { when }), locale);
  return page(
    title,
    html`<h1>${title}</h1>
<p>${view.programName}: <strong>${when}</strong>.</p>
<form method="post" action="/sessions/${token}/move">
  <label for="startsAt">${tr('sessionPage.moveTo', { zone: view.timeZone })}</label>
  <input id="startsAt" name="startsAt" type="datetime-local" required value="${view.localStart}">
  <p><button type="submit" class="accept">${tr('sessionPage.move')}</button></p>
</form>
<form method="post" action="/sessions/${token}/cancel">
  <p><button type="submit" class="decline">${tr('sessionPage.cancel')}</button></p>
</form>
<p class="muted">${tr('sessionPage.otherGetsInvite', { other })}</p>`,
    locale,
  );
}

export function movedPage(view: SessionView, changed: boolean): string {
  const { locale } = view;
  const tr = translator(locale);
  const when = formatInstant(view.startsAt, view.timeZone, locale);
  return changed
    ? messagePage(tr('sessionPage.moved.title'), tr('sessionPage.moved.body', { index: view.index, when }), locale)
    : messagePage(
        tr('sessionPage.unchanged.title'),
        tr('sessionPage.unchanged.body', { index: view.index, when }),
        locale,
      );
}

export function cancelledPage(first: boolean, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('sessionPage.cancelledNow.title'), tr('sessionPage.cancelledNow.body'), locale)
    : messagePage(tr('sessionPage.alreadyCancelled.title'), tr('sessionPage.alreadyCancelled.body'), locale);
}
