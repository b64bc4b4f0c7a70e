import { createHash } from 'node:crypto';
import { html, type Locale, SafeHtml, skillLabel, translator } from '@tandem/mail';
import { DAYS, type FieldProblem, type QuestionnaireView } from '@tandem/workflows';
import { messagePage, page, type PageAnswer } from './layout';

const LEVELS = [0, 1, 2, 3, 4, 5];

const FORM_STYLE = `
  fieldset { border: 1px solid #d0d5dd; border-radius: 8px; margin: 0 0 1rem; padding: .5rem 1rem .75rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  .field { margin: 0 0 1rem; }
  input[type=text], input[type=number] { font: inherit; padding: .4rem .5rem; border: 1px solid #8a94a3; border-radius: 6px; width: 100%; box-sizing: border-box; }
  input[type=number] { width: 6rem; }
  .choice { display: inline-block; font-weight: 400; margin-right: .75rem; }
  .skill { margin: .25rem 0 .5rem; }
  .error { color: #8a1c1c; font-weight: 600; margin: .25rem 0 0; }
  .alert { border-left: 4px solid #8a1c1c; background: #fdf2f2; padding: .5rem .75rem; }
  .notice { border-left: 4px solid #1d6b3a; background: #eef8f1; padding: .5rem .75rem; }
  [aria-invalid=true] { border-color: #8a1c1c; }
`;

/**
 * Progressive enhancement: an empty time zone field takes the browser's zone. The page works without it (the field is
 * a plain text input); the page's policy allows this one script by its hash, nothing else.
 */
const TIMEZONE_SCRIPT = `(function(){var f=document.getElementById('f-timezone');if(f&&!f.value){try{f.value=Intl.DateTimeFormat().resolvedOptions().timeZone||'';}catch(e){}}})();`;
const SCRIPT_HASH = createHash('sha256').update(TIMEZONE_SCRIPT).digest('base64');

/** The questionnaire's policy: the token pages' rules plus the one time-zone script. */
export const QUESTIONNAIRE_CSP = `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/** A problem of the form in the person's language. */
export function problemText(problem: FieldProblem, locale: Locale): string {
  const tr = translator(locale);
  const key = `questionnaire.problem.${problem.code}` as Parameters<typeof tr>[0];
  return tr(key, (problem.params ?? {}) as never);
}

/** The form's problems by field, in the person's language (the first per field). */
export function problemsByField(details: unknown, locale: Locale): Map<string, string> {
  const problems = new Map<string, string>();
  if (Array.isArray(details))
    for (const d of details as FieldProblem[])
      if (typeof d?.field === 'string' && typeof d.code === 'string' && !problems.has(d.field))
        problems.set(d.field, problemText(d, locale));
  return problems;
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function described(name: string, problems: Map<string, string>, hint?: boolean): SafeHtml {
  const ids = [problems.has(name) ? `f-${name}-error` : '', hint ? `f-${name}-hint` : ''].filter(Boolean).join(' ');
  return new SafeHtml(`${problems.has(name) ? ' aria-invalid="true"' : ''}${ids ? ` aria-describedby="${ids}"` : ''}`);
}

function problem(name: string, problems: Map<string, string>): SafeHtml | string {
  const message = problems.get(name);
  return message ? html`<p class="error" id="f-${name}-error">${message}</p>` : '';
}

function textField(
  name: string,
  label: string,
  values: Record<string, unknown>,
  problems: Map<string, string>,
  options: { hint?: string; type?: string; attrs?: string; area?: boolean } = {},
): SafeHtml {
  const value = text(values[name]);
  const hint = options.hint ? html`<div class="muted" id="f-${name}-hint">${options.hint}</div>` : '';
  const control = options.area
    ? html`<textarea id="f-${name}" name="${name}"${new SafeHtml(options.attrs ? ` ${options.attrs}` : '')}${described(name, problems, !!options.hint)}>${value}</textarea>`
    : html`<input type="${options.type ?? 'text'}" id="f-${name}" name="${name}" value="${value}"${new SafeHtml(options.attrs ? ` ${options.attrs}` : '')}${described(name, problems, !!options.hint)}>`;
  return html`<div class="field"><label for="f-${name}">${label}</label>${hint}${control}${problem(name, problems)}</div>`;
}

/**
 * The questionnaire in the person's language: the form (prefilled with what is known, or the last answers) while it
 * takes answers, or the page that says why not. GET shows it and changes nothing a person sees; a 422 shows it again
 * with the posted values and each field's problem beside it.
 */
export function questionnairePage(
  view: QuestionnaireView,
  token: string,
  options: { values?: Record<string, unknown>; problems?: Map<string, string>; status?: number } = {},
): PageAnswer {
  const { locale } = view;
  const tr = translator(locale);
  const title = tr('questionnaire.title', { program: view.programName });
  if (view.state === 'matched')
    return {
      status: options.status ?? 200,
      markup: messagePage(tr('questionnaire.matched.title'), tr('questionnaire.matched.body'), locale),
    };
  if (view.state === 'closed')
    return {
      status: options.status ?? 200,
      markup: messagePage(
        tr('questionnaire.closed.title'),
        tr('questionnaire.closed.body', { program: view.programName }),
        locale,
      ),
    };
  const values = options.values ?? view.values;
  const problems = options.problems ?? new Map<string, string>();
  const coach = view.role === 'coach';
  const days = new Set((Array.isArray(values.days) ? values.days : [values.days]).filter((d) => typeof d === 'string'));
  const skillRows = view.skills.map((s) => {
    const name = `skill_${s.key}`;
    const current = text(values[name]);
    return html`<div class="skill" role="radiogroup" aria-labelledby="f-${name}-label"${problems.has(name) ? html` aria-describedby="f-${name}-error"` : ''}>
  <span id="f-${name}-label">${skillLabel(s, locale)}</span><br>
  ${LEVELS.map((n) => html`<label class="choice"><input type="radio" name="${name}" value="${n}"${current === String(n) ? new SafeHtml(' checked') : ''}> ${n}</label>`)}
  ${problem(name, problems)}
</div>`;
  });
  const body = html`<style>${new SafeHtml(FORM_STYLE)}</style>
<h1>${title}</h1>
<p>${coach ? tr('questionnaire.introCoach', { program: view.programName }) : tr('questionnaire.introCoachee', { program: view.programName })}</p>
${view.state === 'submitted' ? html`<p class="notice" role="status">${tr('questionnaire.saved')}</p>` : ''}
${problems.size > 0 ? html`<p class="alert" role="alert">${tr('questionnaire.errors')}</p>` : ''}
<form method="post" action="/questionnaire/${token}" novalidate>
${textField('name', tr('questionnaire.name'), values, problems, { attrs: 'maxlength="200" autocomplete="name"' })}
${textField('timezone', tr('questionnaire.timezone'), values, problems, { hint: tr('questionnaire.timezoneHint'), attrs: 'maxlength="64"' })}
${textField('languages', tr('questionnaire.languages'), values, problems, { hint: tr('questionnaire.languagesHint'), attrs: 'maxlength="400"' })}
<fieldset>
  <legend>${tr('questionnaire.availability')}</legend>
  <div${problems.has('days') ? html` aria-describedby="f-days-error"` : ''}>${DAYS.map(
    (d) =>
      html`<label class="choice"><input type="checkbox" name="days" value="${d}"${days.has(d) ? new SafeHtml(' checked') : ''}> ${tr(`questionnaire.day.${d}`)}</label>`,
  )}</div>
  ${problem('days', problems)}
  ${textField('from', tr('questionnaire.from'), values, problems, { type: 'number', attrs: 'min="0" max="23"' })}
  ${textField('to', tr('questionnaire.to'), values, problems, { type: 'number', attrs: 'min="1" max="24"' })}
</fieldset>
<fieldset>
  <legend>${coach ? tr('questionnaire.strengths') : tr('questionnaire.levels')}</legend>
  ${skillRows}
</fieldset>
${
  coach
    ? html`${textField('capacity', tr('questionnaire.capacity'), values, problems, { type: 'number', attrs: 'min="1" max="10"' })}
${textField('bio', tr('questionnaire.bio'), values, problems, { area: true, attrs: 'maxlength="1000"' })}`
    : html`${textField('goals', tr('questionnaire.goals'), values, problems, { area: true, attrs: 'maxlength="4000"' })}
${textField('preferences', tr('questionnaire.preferences'), values, problems, { area: true, attrs: 'maxlength="2000"' })}`
}
<p><button type="submit" class="accept">${view.state === 'submitted' ? tr('questionnaire.update') : tr('questionnaire.send')}</button></p>
</form>
<script>${new SafeHtml(TIMEZONE_SCRIPT)}</script>`;
  return { status: options.status ?? 200, markup: page(title, body, locale), csp: QUESTIONNAIRE_CSP };
}

/** After a submission: thanks (first answers) or "changes saved". */
export function questionnaireSavedPage(outcome: 'submitted' | 'updated', locale: Locale): string {
  const tr = translator(locale);
  return outcome === 'submitted'
    ? messagePage(tr('questionnaire.thanks.title'), tr('questionnaire.thanks.body'), locale)
    : messagePage(tr('questionnaire.thanks.title'), tr('questionnaire.updated.body'), locale);
}
