import { DomainError } from '@tandem/domain';
import { html, SafeHtml } from '@tandem/mail';
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

/** A complete page; every interpolated value in `body` is escaped by the html template already. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
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
const TOKEN_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
export function messagePage(title: string, message: string): string {
  return page(title, html`<h1>${title}</h1><p>${message}</p>`);
}

/** The page for an unknown, incomplete or altered link. */
export function linkNotValidPage(): string {
  return messagePage('Link not valid', 'This link is not valid: it may be incomplete or changed. Please open the link from your email again.');
}

/** The page for a form posted with answers missing or out of range. */
export function incompleteFormPage(): string {
  return messagePage('Please answer every question', 'Some answers are missing or out of range. Go back, complete the form and send it again.');
}

/** A page with its status. */
export interface PageAnswer {
  status: number;
  markup: string;
}

/**
 * Answers a token page: `render` gives the page (status 200 unless it returns a PageAnswer). A domain error becomes the
 * page `explain` picks for it; an unknown or altered link is always the same 404 page; anything else propagates (500).
 */
export async function answerPage(
  reply: FastifyReply,
  render: () => Promise<string | PageAnswer>,
  explain: (err: DomainError) => PageAnswer | undefined = () => undefined,
): Promise<FastifyReply> {
  try {
    const answer = await render();
    return typeof answer === 'string' ? sendPage(reply, 200, answer) : sendPage(reply, answer.status, answer.markup);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const page = err.kind === 'not_found' ? { status: 404, markup: linkNotValidPage() } : explain(err);
    if (!page) throw err;
    return sendPage(reply, page.status, page.markup);
  }
}

/**
 * The refusals of a one-submission form (feedback, closing survey): incomplete answers show the form's 422 page, a
 * second submission (its error code `submittedCode`) a 409 page; anything else is not explained here.
 */
export function formRefusals(submittedCode: string): (err: DomainError) => PageAnswer | undefined {
  return (err) =>
    err.kind === 'invalid'
      ? { status: 422, markup: incompleteFormPage() }
      : err.code === submittedCode
        ? { status: 409, markup: messagePage('Already submitted', err.message) }
        : undefined;
}
