import { DomainError } from '@tandem/domain';
import { html, type Locale, localeFromAcceptLanguage, SafeHtml, t } from '@tandem/mail';
import type { FastifyReply } from 'fastify';

const STYLE = `
  :root { color-scheme: light; }
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5; margin: 0; background: #f6f7f9; color: #1b1f24; }
  main { max-width: 38rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.5rem; margin-top: 0; }
  ul { padding-left: 1.2rem; }
  .goals { white-space: pre-wrap; background: #f0f3f7; padding: .75rem 1rem; border-radius: 8px; }
  form { margin: 1rem 0; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  textarea { width: 100%; box-sizing: border-box; min-height: 5rem; font: inherit; padding: .5rem; border: 1px solid #8a94a3; border-radius: 6px; }
  button { font: inherit; font-weight: 600; padding: .6rem 1.2rem; border-radius: 8px; border: 2px solid transparent; cursor: pointer; }
  button:focus-visible, textarea:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
  .accept { background: #1d6b3a; color: #fff; }
  .decline { background: #fff; color: #8a1c1c; border-color: #8a1c1c; }
  .muted { color: #4b5563; font-size: .95rem; }
  @media (max-width: 480px) { main { margin: 0; border-radius: 0; min-height: 100vh; } }
`;

/** A complete page in one language; every interpolated value in `body` is escaped by the html template already. */
export function page(title: string, body: SafeHtml, locale: Locale): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Tandem</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
}

/** The token pages' policy: no script at all. */
const TOKEN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Sends a page with the headers every page of Tandem needs: nothing caches it, frames it or leaks its address (token
 * links carry secrets), and only what `csp` allows runs.
 */
export function sendPage(reply: FastifyReply, status: number, markup: string, csp = TOKEN_PAGE_CSP): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', csp)
    .send(markup);
}

/** A plain page that says one thing. */
export function messagePage(title: string, message: string, locale: Locale): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p>`, locale);
}

/** The page for an unknown, incomplete or altered link: nobody is known, so it is in the browser's language. */
export function linkNotValidPage(locale: Locale): string {
  return messagePage(t(locale, 'page.linkNotValid.title'), t(locale, 'page.linkNotValid.body'), locale);
}

/** The page for a form posted with answers missing or out of range. */
export function incompleteFormPage(locale: Locale): string {
  return messagePage(t(locale, 'page.incomplete.title'), t(locale, 'page.incomplete.body'), locale);
}

/** A page with its status. */
export interface PageAnswer {
  status: number;
  markup: string;
  /** The page's own content security policy (a page with a script); the token pages' policy otherwise. */
  csp?: string;
}

/**
 * Answers a token page: `render` gives the page (status 200 unless it returns a PageAnswer). A domain error becomes the
 * page `explain` picks for it; an unknown or altered link is always the same 404 page; anything else propagates (500).
 */
export async function answerPage(
  reply: FastifyReply,
  render: () => Promise<string | PageAnswer>,
  explain: (err: DomainError, locale: Locale) => PageAnswer | undefined = () => undefined,
  localeOf: () => Promise<Locale> = async () => localeFromAcceptLanguage(reply.request.headers['accept-language']),
): Promise<FastifyReply> {
  try {
    const answer = await render();
    return typeof answer === 'string'
      ? sendPage(reply, 200, answer)
      : sendPage(reply, answer.status, answer.markup, answer.csp);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const browser = localeFromAcceptLanguage(reply.request.headers['accept-language']);
    if (err.kind === 'not_found') return sendPage(reply, 404, linkNotValidPage(browser));
    // A refusal is explained in the language of the person the link belongs to (read again: the action changed nothing).
    const page = explain(err, await localeOf().catch(() => browser));
    if (!page) throw err;
    return sendPage(reply, page.status, page.markup, page.csp);
  }
}

/** The language of a token's person, read through the page's view (which changes nothing). */
export function viewLocale(view: () => Promise<{ locale: Locale }>): () => Promise<Locale> {
  return async () => (await view()).locale;
}

/**
 * The refusals of a one-submission form (feedback, closing survey): incomplete answers show the form's 422 page, a
 * second submission (its error code `submittedCode`) a 409 page; anything else is not explained here.
 */
export function formRefusals(
  submittedCode: string,
  submittedMessage: (locale: Locale) => string,
): (err: DomainError, locale: Locale) => PageAnswer | undefined {
  return (err, locale) =>
    err.kind === 'invalid'
      ? { status: 422, markup: incompleteFormPage(locale) }
      : err.code === submittedCode
        ? {
            status: 409,
            markup: messagePage(t(locale, 'page.alreadySubmitted.title'), submittedMessage(locale), locale),
          }
        : undefined;
}
