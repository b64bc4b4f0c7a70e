import { firstName, formatInstant, html } from '@tandem/mail';
import type { SessionView } from '@tandem/workflows';
import { messagePage, page } from './layout';

/** One session with its move and cancel forms; shown by GET, which changes nothing. */
export function sessionPage(view: SessionView, token: string): string {
  const other = firstName(view.otherName);
  const when = formatInstant(view.startsAt, view.timeZone);
  const title = `Session ${view.index} of ${view.sessions} with ${other}`;
  if (view.state === 'cancelled') return messagePage(title, `This session (${when}) was cancelled.`);
  if (view.state !== 'scheduled') return messagePage(title, `This session (${when}) has taken place, so it can no longer be moved or cancelled.`);
  return page(
    title,
    html`<h1>${title}</h1>
<p>${view.programName}: <strong>${when}</strong>.</p>
<form method="post" action="/sessions/${token}/move">
  <label for="startsAt">Move it to (your time zone, ${view.timeZone})</label>
  <input id="startsAt" name="startsAt" type="datetime-local" required value="${view.localStart}">
  <p><button type="submit" class="accept">Move the session</button></p>
</form>
<form method="post" action="/sessions/${token}/cancel">
  <p><button type="submit" class="decline">Cancel this session</button></p>
</form>
<p class="muted">${other} gets the updated calendar invite either way.</p>`,
  );
}

export function movedPage(view: SessionView, changed: boolean): string {
  const when = formatInstant(view.startsAt, view.timeZone);
  return changed
    ? messagePage('Session moved', `Session ${view.index} is now on ${when}. You both get an updated calendar invite.`)
    : messagePage('Nothing changed', `Session ${view.index} is already on ${when}.`);
}

export function cancelledPage(first: boolean): string {
  return first ? messagePage('Session cancelled', 'The session is cancelled. You both get an updated calendar invite.') : messagePage('Already cancelled', 'This session was cancelled already; nothing has changed.');
}
