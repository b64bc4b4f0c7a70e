import { html, type Locale, SafeHtml, translator } from '@tandem/mail';
import type { RegistrationConfirmView, RegistrationView } from '@tandem/workflows';
import { messagePage, page } from './layout';

const FORM_STYLE = `
  input[type=email] { font: inherit; padding: .4rem .5rem; border: 1px solid #8a94a3; border-radius: 6px; width: 100%; box-sizing: border-box; }
  .error { color: #8a1c1c; font-weight: 600; margin: .25rem 0 0; }
  [aria-invalid=true] { border-color: #8a1c1c; }
`;

/** A program's public registration page: the email form while it takes registrations, else that it does not. */
export function registrationPage(
  view: RegistrationView,
  token: string,
  options: { email?: string; problem?: boolean } = {},
): string {
  const tr = translator(view.locale);
  const title = tr('register.title', { program: view.programName });
  if (!view.open) return messagePage(tr('register.closed.title'), tr('register.closed.body'), view.locale);
  return page(
    title,
    html`<style>${new SafeHtml(FORM_STYLE)}</style>
<h1>${title}</h1>
<p>${tr('register.intro')}</p>
<form method="post" action="/register/${token}">
<label for="f-email">${tr('register.email')}</label>
<input type="email" id="f-email" name="email" value="${options.email ?? ''}" maxlength="254" autocomplete="email" required${options.problem ? new SafeHtml(' aria-invalid="true" aria-describedby="f-email-error"') : ''}>
${options.problem ? html`<p class="error" id="f-email-error">${tr('register.invalid')}</p>` : ''}
<p><button type="submit" class="accept">${tr('register.send')}</button></p>
</form>`,
    view.locale,
  );
}

/** The same answer for every address. */
export function registrationSentPage(view: RegistrationView): string {
  const tr = translator(view.locale);
  return messagePage(tr('register.sent.title'), tr('register.sent.body', { program: view.programName }), view.locale);
}

/** The confirmation page of an emailed link: one button (GET changes nothing). */
export function registrationConfirmPage(view: RegistrationConfirmView, token: string): string {
  const tr = translator(view.locale);
  const title = tr('register.confirm.title');
  return page(
    title,
    html`<h1>${title}</h1>
<p>${tr('register.confirm.body', { email: view.email, program: view.programName })}</p>
<form method="post" action="/register/confirm/${token}"><p><button type="submit" class="accept">${tr('register.confirm.button')}</button></p></form>`,
    view.locale,
  );
}

export function registrationClosedPage(locale: Locale): string {
  const tr = translator(locale);
  return messagePage(tr('register.closed.title'), tr('register.closed.body'), locale);
}
