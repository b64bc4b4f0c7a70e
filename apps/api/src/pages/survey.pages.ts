import { firstName, html } from '@tandem/mail';
import type { SurveyView } from '@tandem/workflows';
import { messagePage, page } from './layout';

const LEVELS = [0, 1, 2, 3, 4, 5];

/** The closing survey: a level 0-5 per focus skill; shown by GET, which changes nothing. */
export function surveyPage(view: SurveyView, token: string): string {
  const title = 'Where do you stand now?';
  if (view.state === 'submitted') return messagePage(title, 'You have answered this survey already. Thank you!');
  return page(
    title,
    html`<h1>${title}</h1>
<p>Your coaching with ${firstName(view.coachName)} in ${view.programName} is complete. Rate your level today on each skill you worked on (0 = a beginner, 5 = a role model). Your individual answers are confidential: admins only see averages over several answers.</p>
<form method="post" action="/surveys/${token}">
${view.skills.map(
  (s) => html`<fieldset>
  <legend>${s.label}</legend>
  ${LEVELS.map((n) => html`<label class="choice"><input type="radio" name="level_${s.key}" value="${n}" required> ${n}</label>`)}
</fieldset>`,
)}
<p><button type="submit" class="accept">Send my answers</button></p>
</form>
<p class="muted">You can send it once.</p>`,
  );
}

export function surveySubmittedPage(first: boolean): string {
  return first ? messagePage('Thank you', 'Your answers are saved. All the best for what comes next!') : messagePage('Already submitted', 'Your answers were saved already; nothing has changed.');
}
