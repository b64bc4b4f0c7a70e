import { firstName, html, type Locale, skillLabel, translator } from '@tandem/mail';
import type { SurveyView } from '@tandem/workflows';
import { messagePage, page } from './layout';

const LEVELS = [0, 1, 2, 3, 4, 5];

/** The closing survey, in the coachee's language: a level 0-5 per focus skill; shown by GET, which changes nothing. */
export function surveyPage(view: SurveyView, token: string): string {
  const { locale } = view;
  const tr = translator(locale);
  const title = tr('surveyPage.title');
  if (view.state === 'submitted') return messagePage(title, tr('surveyPage.already'), locale);
  return page(
    title,
    html`<h1>${title}</h1>
<p>${tr('surveyPage.intro', { coach: firstName(view.coachName), program: view.programName })}</p>
<form method="post" action="/surveys/${token}">
${view.skills.map(
  (s) => html`<fieldset>
  <legend>${skillLabel(s, locale)}</legend>
  ${LEVELS.map((n) => html`<label class="choice"><input type="radio" name="level_${s.key}" value="${n}" required> ${n}</label>`)}
</fieldset>`,
)}
<p><button type="submit" class="accept">${tr('surveyPage.send')}</button></p>
</form>
<p class="muted">${tr('page.sendOnce')}</p>`,
    locale,
  );
}

export function surveySubmittedPage(first: boolean, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('surveyPage.thanks.title'), tr('surveyPage.thanks.body'), locale)
    : messagePage(tr('page.alreadySubmitted.title'), tr('surveyPage.already.body'), locale);
}
