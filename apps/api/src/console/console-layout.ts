import { html, SafeHtml } from '@tandem/mail';
import type { ConsoleAdmin } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { sendPage } from '../pages/layout';

/** The console's one script (progressive enhancement only: every page works without it). */
export const SCRIPT_PATH = '/console/assets/console.js';

const STYLE = `
  :root { color-scheme: light; --ink: #1b1f24; --muted: #4b5563; --line: #c9d0d9; --brand: #1d4ed8; --bad: #a11a1a; --good: #1d6b3a; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5; margin: 0; background: #f6f7f9; color: var(--ink); }
  a { color: var(--brand); }
  a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 3px solid var(--brand); outline-offset: 2px; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 9; }
  header.top { background: #16213e; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; }
  header.top a { color: #fff; }
  header.top .org { font-weight: 700; margin-right: auto; }
  header.top form { margin: 0; }
  header.top button { background: transparent; color: #fff; border: 1px solid #fff; padding: .25rem .75rem; }
  main { max-width: 72rem; margin: 1rem auto; padding: 1rem 1.5rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  nav.program ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
  nav.program a { display: inline-block; padding: .4rem 0; text-decoration: none; }
  nav.program a[aria-current="page"] { font-weight: 700; border-bottom: 3px solid var(--brand); }
  h1 { font-size: 1.5rem; margin-top: 0; } h2 { font-size: 1.2rem; }
  label { display: block; font-weight: 600; margin: .5rem 0 .2rem; }
  input[type=text], input[type=email], input[type=number], input[type=search], select, textarea { font: inherit; padding: .45rem; border: 1px solid #8a94a3; border-radius: 6px; width: 100%; max-width: 28rem; }
  textarea { max-width: 100%; min-height: 6rem; font-family: ui-monospace, monospace; font-size: .9rem; }
  input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true] { border: 2px solid var(--bad); }
  .check label { display: inline; font-weight: 400; }
  fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
  legend { font-weight: 700; padding: 0 .25rem; }
  dt { font-weight: 600; } dd { margin: 0 0 .5rem; overflow-wrap: anywhere; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0 1rem; }
  button, .button { font: inherit; font-weight: 600; padding: .5rem 1rem; border-radius: 8px; border: 2px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
  button.secondary { background: #fff; color: var(--brand); }
  button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
  button.small { padding: .2rem .6rem; font-size: .9rem; }
  .error { color: var(--bad); font-weight: 600; margin: .2rem 0; }
  .alert { border: 2px solid var(--bad); background: #fdf0f0; padding: .75rem 1rem; border-radius: 8px; margin: 1rem 0; }
  .notice { border: 2px solid var(--good); background: #eef8f1; padding: .75rem 1rem; border-radius: 8px; margin: 1rem 0; }
  .muted { color: var(--muted); font-size: .95rem; }
  .table-wrap { overflow-x: auto; }
  code { overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #f0f3f7; }
  td ul { margin: 0; padding-left: 1.1rem; }
  progress { width: 100%; max-width: 28rem; height: 1.25rem; }
  .bar { display: flex; height: 1rem; width: 12rem; background: #eef1f5; border-radius: 4px; overflow: hidden; }
  .bar span { display: block; height: 100%; }
  .t0 { background: #1d4ed8; } .t1 { background: #0f766e; } .t2 { background: #b45309; } .t3 { background: #7c3aed; } .t4 { background: #be185d; } .t5 { background: #4b5563; }
  .legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .25rem 0 .75rem; vertical-align: middle; }
  .board { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1rem; }
  .board section { background: #f0f3f7; border-radius: 8px; padding: .5rem; min-width: 0; }
  .board h2 { font-size: 1rem; margin: .25rem .25rem .5rem; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin-bottom: .5rem; overflow-wrap: anywhere; }
  figure.chart { margin: 1rem 0; }
  svg.chart { width: 100%; max-width: 30rem; height: auto; display: block; }
  .bio { white-space: pre-line; overflow-wrap: anywhere; margin: .25rem 0; }
  pre.mail { white-space: pre-wrap; overflow-wrap: anywhere; background: #f0f3f7; padding: .75rem; border-radius: 6px; }
  .actions form { display: inline-block; margin: .15rem .25rem .15rem 0; }
  .actions select { width: auto; max-width: 14rem; padding: .2rem; }
  form.inline { display: inline; }
  ul.moved li, ul.removed li { margin: .25rem 0; }
  @media (max-width: 700px) {
    main { margin: 0; border-radius: 0; padding: 1rem; }
    table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    table.stack, table.stack tbody, table.stack tr, table.stack td, table.stack tbody th { display: block; width: 100%; }
    table.stack tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 .75rem; padding: .25rem .75rem; }
    table.stack td, table.stack tbody th { border: 0; padding: .3rem 0; background: none; }
    table.stack [data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
    table.stack caption { text-align: left; }
    .board { grid-template-columns: 1fr; }
    .bar { width: 8rem; }
  }
`;

/** What a console page shows around its content. */
export interface ConsoleFrame {
  admin?: ConsoleAdmin;
  csrf?: string;
  /** The program sub-navigation, with the current section. */
  program?: {
    id: string;
    name: string;
    current: 'settings' | 'people' | 'invitations' | 'rounds' | 'pairings' | 'report';
  };
  /** Without JavaScript, reload after this many seconds (progress pages). */
  refreshSeconds?: number;
  mailViewer?: boolean;
}

/** A whole console page; every interpolated value is escaped by the html template. */
export function consolePage(title: string, frame: ConsoleFrame, body: SafeHtml): string {
  const sections = [
    ['settings', '', 'Settings'],
    ['people', '/people', 'People'],
    ['invitations', '/invitations', 'Invitations'],
    ['rounds', '/rounds', 'Rounds'],
    ['pairings', '/pairings', 'Pairings'],
    ['report', '/report', 'Report'],
  ] as const;
  const program = frame.program;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
${frame.refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${frame.refreshSeconds}"></noscript>` : ''}
<title>${title} · Tandem console</title>
<style>${new SafeHtml(STYLE)}</style>
<script src="${SCRIPT_PATH}" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top">
  <span class="org">Tandem${frame.admin ? html` · ${frame.admin.organizationName}` : ''}</span>
  ${
    frame.admin
      ? html`<nav aria-label="Console"><a href="/console/programs">Programs</a>${frame.mailViewer ? html` · <a href="/console/mail">Mail</a>` : ''} · <a href="/console/queues">Queues</a> · <a href="/console/webhooks">Webhooks</a> · <a href="/console/scim">Provisioning</a> · <a href="/console/settings/sso">Single sign-on</a> · <a href="/console/audit">Audit</a></nav>
  <span class="muted" style="color:#dbe2ee">${frame.admin.email}</span>
  <form method="post" action="/console/signout"><input type="hidden" name="_csrf" value="${frame.csrf}"><button type="submit">Sign out everywhere</button></form>`
      : ''
  }
</header>
<main id="content" tabindex="-1">
${
  program
    ? html`<p class="muted"><a href="/console/programs">Programs</a> › ${program.name}</p>
<nav class="program" aria-label="Program"><ul>${sections.map(
        ([key, path, label]) =>
          html`<li><a href="/console/programs/${program.id}${path}"${program.current === key ? new SafeHtml(' aria-current="page"') : ''}>${label}</a></li>`,
      )}</ul></nav>`
    : ''
}
${body}
</main>
</body>
</html>`.value;
}

/** The console's policy: its own script (and its polling of its own JSON) beside the token pages' rules. */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Sends a console page with the headers of every page (see sendPage) under the console's policy. */
export function sendConsolePage(reply: FastifyReply, status: number, markup: string): FastifyReply {
  return sendPage(reply, status, markup, CONSOLE_CSP);
}

/** A page that says one thing (errors, sign-in messages). */
export function consoleErrorPage(title: string, message: string, frame: ConsoleFrame = {}): string {
  return consolePage(
    title,
    frame,
    html`<h1>${title}</h1><p>${message}</p><p><a href="/console/programs">Back to the programs</a></p>`,
  );
}

/** The hidden CSRF field every form carries. */
export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** Field errors by field path (`policy.weights.skills`), as the workflow services report them. */
export type FieldErrors = Map<string, string>;

/** A message as a sentence: capitalized, with its full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  return `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/** Field errors from a ValidationError's details, as sentences. */
export function fieldErrors(details: unknown): FieldErrors {
  const errors: FieldErrors = new Map();
  if (Array.isArray(details)) {
    for (const d of details as { field?: unknown; message?: unknown }[]) {
      if (typeof d?.field === 'string' && typeof d.message === 'string' && !errors.has(d.field))
        errors.set(d.field, sentence(d.message));
    }
  }
  return errors;
}

const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A labelled input with its inline error (linked by aria-describedby). */
export function input(
  name: string,
  label: string,
  value: unknown,
  errors: FieldErrors,
  options: { type?: string; field?: string; hint?: string; required?: boolean; attrs?: string } = {},
): SafeHtml {
  const id = fieldId(name);
  const error = errors.get(options.field ?? name);
  const described = [error ? `${id}-error` : '', options.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return html`<div><label for="${id}">${label}</label>${options.hint ? html`<div class="muted" id="${id}-hint">${options.hint}</div>` : ''}
<input type="${options.type ?? 'text'}" id="${id}" name="${name}" value="${value ?? ''}"${new SafeHtml(options.attrs ? ` ${options.attrs}` : '')}${
    options.required ? new SafeHtml(' required') : ''
  }${error ? new SafeHtml(' aria-invalid="true"') : ''}${described ? html` aria-describedby="${described}"` : ''}>
${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}</div>`;
}

/** A labelled checkbox. */
export function checkbox(name: string, label: string, checked: boolean): SafeHtml {
  const id = fieldId(name);
  return html`<div class="check"><input type="checkbox" id="${id}" name="${name}" value="on"${checked ? new SafeHtml(' checked') : ''}> <label for="${id}">${label}</label></div>`;
}

/** A labelled select. */
export function select(
  name: string,
  label: string,
  value: string,
  choices: readonly (readonly [string, string])[],
  errors: FieldErrors,
  field?: string,
): SafeHtml {
  const id = fieldId(name);
  const error = errors.get(field ?? name);
  return html`<div><label for="${id}">${label}</label><select id="${id}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${choices.map(
    ([v, text]) => html`<option value="${v}"${v === value ? new SafeHtml(' selected') : ''}>${text}</option>`,
  )}</select>${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}</div>`;
}

/** A short summary of errors at the top of a form, announced to screen readers. */
export function errorSummary(message: string | undefined): SafeHtml | string {
  return message ? html`<div class="alert" role="alert"><strong>${message}</strong></div>` : '';
}

/** A date for tables (UTC, minutes). */
export function when(value: Date | string | null | undefined): string {
  if (!value) return '';
  return new Date(value).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A duration in words, for ages ("3 h", "2 d"). */
export function age(since: Date | string | null | undefined, now = Date.now()): string {
  if (!since) return '';
  const seconds = Math.max(0, (now - new Date(since).getTime()) / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}
