import { formatInstant, html, type Locale, SafeHtml, t } from '@tandem/mail';
import type { Participant, PersonalEnrollment, PersonalPairing, PersonalSession } from '@tandem/workflows';
import { page } from '../pages/layout';

/** The hidden field that carries a form's CSRF token. */
function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** The sign-in form of the personal page, with the email's message beside the field when it was refused. */
export function signInPage(locale: Locale, csrf: string, minutes: number, email = '', error?: string): string {
  const title = t(locale, 'me.signIn.title');
  return page(
    title,
    html`<h1>${title}</h1><p>${t(locale, 'me.signIn.intro', { minutes })}</p>
<form method="post" action="/me/signin" novalidate>${csrfField(csrf)}
<label for="f-email">${t(locale, 'me.signIn.email')}</label>
<input type="email" id="f-email" name="email" value="${email}" autocomplete="email" required${error ? html` aria-invalid="true" aria-describedby="f-email-error"` : ''}>
${error ? html`<p class="error" id="f-email-error">${error}</p>` : ''}
<p><button type="submit" class="accept">${t(locale, 'me.signIn.send')}</button></p>
</form>`,
    locale,
  );
}

/** What every sign-in request is answered with, whoever the email belongs to. */
export function signInSentPage(locale: Locale, minutes: number): string {
  const title = t(locale, 'me.signIn.sent.title');
  return page(
    title,
    html`<h1>${title}</h1><p role="status">${t(locale, 'me.signIn.sent.body', { minutes })}</p>
<p><a href="/me/signin">${t(locale, 'me.signIn.again')}</a></p>`,
    locale,
  );
}

/** The emailed link's page: a button (only pressing it signs in), or why the link no longer works. */
export function signInConfirmPage(locale: Locale, token: string, csrf: string | undefined): string {
  const title = t(locale, 'me.signIn.title');
  return page(
    title,
    csrf
      ? html`<h1>${title}</h1>
<form method="post" action="/me/signin/${token}">${csrfField(csrf)}<button type="submit" class="accept">${t(locale, 'me.signIn.confirm')}</button></form>`
      : html`<h1>${t(locale, 'page.linkNotValid.title')}</h1><p>${t(locale, 'me.signIn.expired')}</p>
<p><a href="/me/signin">${t(locale, 'me.signIn.again')}</a></p>`,
    locale,
  );
}

/** A page that says what an action did (or why it was refused), with the way back. */
export function outcomePage(locale: Locale, title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1><p role="status">${message}</p><p><a href="/me">${t(locale, 'me.back')}</a></p>`,
    locale,
  );
}

/** A language as the reader names it: a code (`de`, `pt-BR`) by its name in their language, other text as written. */
function languageName(language: string, locale: Locale): string {
  if (!/^[a-z]{2,3}(-[A-Za-z]{2})?$/.test(language)) return language;
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

const dateOnly = (at: Date, timeZone: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(at);

/** The personal page: the person's programs, pairings, sessions and open feedback, and their actions. */
export function personalPage(participant: Participant, enrollments: PersonalEnrollment[], csrf: string): string {
  const locale = participant.locale;
  const title = t(locale, 'me.title');
  const body = html`<h1>${title}</h1>
<p class="muted">${t(locale, 'me.hello', { name: participant.name, email: participant.email })}</p>
<form method="post" action="/me/signout">${csrfField(csrf)}<button type="submit" class="decline">${t(locale, 'me.signOut')}</button></form>
${enrollments.length === 0 ? html`<p>${t(locale, 'me.noPrograms')}</p>` : enrollments.map((e) => enrollmentSection(participant, e, csrf))}`;
  return page(title, body, locale);
}

function enrollmentSection(participant: Participant, enrollment: PersonalEnrollment, csrf: string): SafeHtml {
  const locale = participant.locale;
  const status = !enrollment.personActive
    ? t(locale, 'me.status.deactivated')
    : t(locale, `me.status.${enrollment.status}`);
  const live = enrollment.pairings.filter((p) => p.status === 'offered' || p.status === 'active');
  const none =
    enrollment.pairings.length === 0
      ? html`<p>${t(locale, enrollment.role === 'coach' ? 'me.pairing.none.coach' : 'me.pairing.none.coachee')}</p>`
      : '';
  const actions = enrollment.personActive
    ? html`${
        enrollment.status === 'active' && live.length === 0
          ? html`<form method="post" action="/me/enrollments/${enrollment.id}/pause">${csrfField(csrf)}<button type="submit" class="decline">${t(locale, 'me.action.pause')}</button></form>`
          : ''
      }${
        enrollment.status === 'withdrawn'
          ? html`<form method="post" action="/me/enrollments/${enrollment.id}/resume">${csrfField(csrf)}<button type="submit" class="accept">${t(locale, 'me.action.resume')}</button></form>`
          : ''
      }${
        enrollment.status !== 'alumni'
          ? html`<form method="post" action="/me/enrollments/${enrollment.id}/leave">${csrfField(csrf)}<p class="muted">${t(locale, 'me.action.leaveNote')}</p><button type="submit" class="decline">${t(locale, 'me.action.leave')}</button></form>`
          : ''
      }`
    : '';
  return html`<section aria-labelledby="p-${enrollment.id}">
<h2 id="p-${enrollment.id}">${enrollment.programName}</h2>
<p>${t(locale, enrollment.role === 'coach' ? 'me.role.coach' : 'me.role.coachee')} <span class="status">${status}</span></p>
${
  enrollment.questionnaire
    ? html`<p class="questionnaire">${
        enrollment.questionnaire.answeredAt
          ? t(locale, 'me.questionnaire.answered', {
              date: dateOnly(enrollment.questionnaire.answeredAt, participant.timezone, locale),
            })
          : ''
      } <a href="${enrollment.questionnaire.link}">${t(locale, 'me.questionnaire.link')}</a></p>`
    : ''
}${none}${enrollment.pairings.map((p) => pairingBlock(participant, enrollment, p, csrf))}
${actions ? html`<div class="actions">${actions}</div>` : ''}
</section>`;
}

function pairingBlock(
  participant: Participant,
  enrollment: PersonalEnrollment,
  pairing: PersonalPairing,
  csrf: string,
): SafeHtml {
  const locale = participant.locale;
  const zone = participant.timezone;
  const other = pairing.other;
  if (!other) return html`<div class="pairing"><p>${t(locale, 'me.pairing.offered.coachee')}</p></div>`;
  const heading = t(locale, enrollment.role === 'coach' ? 'me.pairing.coachee' : 'me.pairing.coach', {
    name: other.name,
  });
  const state =
    pairing.status === 'offered'
      ? html`<p>${t(locale, 'me.pairing.offered.coach', { name: other.name })}${
          pairing.offerLink ? html` <a href="${pairing.offerLink}">${t(locale, 'me.pairing.answerOffer')}</a>` : ''
        }</p>`
      : pairing.status === 'active' && pairing.since
        ? html`<p>${t(locale, 'me.pairing.active', { date: dateOnly(pairing.since, zone, locale) })}</p>`
        : pairing.endedAt
          ? html`<p>${t(locale, pairing.status === 'completed' ? 'me.pairing.completed' : 'me.pairing.ended', {
              date: dateOnly(pairing.endedAt, zone, locale),
            })}</p>`
          : '';
  const profile = html`<ul class="profile">
${other.languages.length ? html`<li>${t(locale, 'me.profile.languages', { languages: other.languages.map((l) => languageName(l, locale)).join(', ') })}</li>` : ''}
<li>${t(locale, 'me.profile.zone', { zone: other.timezone })}</li>
</ul>${other.bio ? html`<p class="goals">${other.bio}</p>` : ''}`;
  const upcoming = pairing.sessions.filter((s) => s.upcoming);
  const past = pairing.sessions.filter((s) => !s.upcoming);
  const total = pairing.sessions.length;
  const sessions =
    pairing.status === 'offered'
      ? ''
      : total === 0
        ? html`<p>${t(locale, 'me.sessions.none')}</p>`
        : html`${
            upcoming.length
              ? html`<h3>${t(locale, 'me.sessions.upcoming')}</h3><ul>${upcoming.map((s) => sessionLine(locale, zone, s, total))}</ul>`
              : ''
          }${
            past.length
              ? html`<h3>${t(locale, 'me.sessions.past')}</h3><ul>${past.map((s) => sessionLine(locale, zone, s, total))}</ul>`
              : ''
          }`;
  const feedback = pairing.openFeedback.length
    ? html`<h3>${t(locale, 'me.feedback.title')}</h3><ul>${pairing.openFeedback.map(
        (f) =>
          html`<li>${t(locale, 'me.feedback.line', { index: f.sessionIndex, when: formatInstant(f.startsAt, zone, locale) })}: <a href="${f.link}">${t(locale, 'me.feedback.open')}</a></li>`,
      )}</ul>`
    : '';
  const rematch =
    enrollment.role === 'coachee' && pairing.status === 'active'
      ? html`<form method="post" action="/me/pairings/${pairing.id}/rematch">${csrfField(csrf)}
<p class="muted">${t(locale, 'me.action.rematchNote', { name: other.name })}</p>
<label for="r-${pairing.id}">${t(locale, 'me.action.rematchReason')}</label>
<textarea id="r-${pairing.id}" name="reason" maxlength="1000"></textarea>
<p><button type="submit" class="decline">${t(locale, 'me.action.rematch')}</button></p></form>`
      : '';
  return html`<div class="pairing" data-status="${pairing.status}"><h3>${heading}</h3>${state}${pairing.status === 'offered' ? '' : profile}${sessions}${feedback}${rematch}</div>`;
}

function sessionLine(locale: Locale, zone: string, session: PersonalSession, total: number): SafeHtml {
  const when = formatInstant(session.startsAt, zone, locale);
  const mark =
    session.status === 'cancelled' || session.status === 'held' || session.status === 'missed'
      ? html` (${t(locale, `me.session.${session.status}`)})`
      : '';
  return html`<li data-session="${session.index}">${t(locale, 'me.session.line', { index: session.index, sessions: total, when })}${mark}${
    session.status === 'cancelled'
      ? ''
      : html` · <a href="/me/sessions/${session.id}/calendar.ics">${t(locale, 'me.session.calendar')}</a>`
  }${session.changeLink ? html` · <a href="${session.changeLink}">${t(locale, 'me.session.change')}</a>` : ''}</li>`;
}
