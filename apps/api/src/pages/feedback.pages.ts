import { firstName, formatInstant, html, type Locale, type SafeHtml, skillLabel, translator } from '@tandem/mail';
import type { FeedbackView } from '@tandem/workflows';
import { messagePage, page } from './layout';

const SCALE = [1, 2, 3, 4, 5];

/** A row of five radio buttons (1 = lowest), labelled for screen readers; `required` so browsers ask before posting. */
function scale(name: string, legend: string, low: string, high: string): SafeHtml {
  return html`<fieldset>
  <legend>${legend}</legend>
  <span class="muted">${low}</span>
  ${SCALE.map((n) => html`<label class="choice"><input type="radio" name="${name}" value="${n}" required> ${n}</label>`)}
  <span class="muted">${high}</span>
</fieldset>`;
}

/** The form for one respondent, in their language; shown by GET, which changes nothing. */
export function feedbackPage(view: FeedbackView, token: string): string {
  const { locale } = view;
  const tr = translator(locale);
  const other = firstName(view.otherName);
  const when = formatInstant(view.startsAt, view.timeZone, locale);
  const title = tr('sessionPage.title', { index: view.index, sessions: view.sessions, other });
  if (view.state === 'submitted') return messagePage(title, tr('feedbackPage.already'), locale);
  const intro =
    view.role === 'coach'
      ? tr('feedbackPage.coachIntro', { program: view.programName, when })
      : tr('feedbackPage.coacheeIntro', { program: view.programName, when });
  const agree = [tr('feedbackPage.disagree'), tr('feedbackPage.agree')] as const;
  const fields =
    view.role === 'coach'
      ? html`<fieldset>
  <legend>${tr('feedbackPage.attendance')}</legend>
  <label class="choice"><input type="radio" name="attendance" value="held" required> ${tr('feedbackPage.held')}</label>
  <label class="choice"><input type="radio" name="attendance" value="missed"> ${tr('feedbackPage.missed')}</label>
  <label class="choice"><input type="radio" name="attendance" value="moved"> ${tr('feedbackPage.moved')}</label>
</fieldset>
<label class="choice"><input type="checkbox" name="fit" value="not_good"> ${tr('feedbackPage.coachDoubt')}</label>
<label for="note">${tr('feedbackPage.note')}</label>
<textarea id="note" name="note" maxlength="4000"></textarea>`
      : html`${scale('rating', tr('feedbackPage.rating'), tr('feedbackPage.notUseful'), tr('feedbackPage.veryUseful'))}
${view.skills.map((s) => scale(`progress_${s.key}`, tr('feedbackPage.progress', { skill: skillLabel(s, locale, true) }), tr('feedbackPage.none'), tr('feedbackPage.aLot')))}
${scale('goals', tr('feedbackPage.goals', { other }), ...agree)}
${scale('tasks', tr('feedbackPage.tasks', { other }), ...agree)}
${scale('bond', tr('feedbackPage.bond', { other }), ...agree)}
${
  view.askFit
    ? html`<fieldset>
  <legend>${tr('feedbackPage.fit', { other })}</legend>
  <label class="choice"><input type="radio" name="fit" value="good" required> ${tr('feedbackPage.fitGood')}</label>
  <label class="choice"><input type="radio" name="fit" value="not_sure"> ${tr('feedbackPage.fitNotSure')}</label>
  <label class="choice"><input type="radio" name="fit" value="not_good"> ${tr('feedbackPage.fitNotGood')}</label>
</fieldset>`
    : ''
}`;
  return page(
    title,
    html`<h1>${title}</h1>
<p>${intro}</p>
<form method="post" action="/feedback/${token}">
${fields}
<p><button type="submit" class="accept">${tr('feedbackPage.send')}</button></p>
</form>
<p class="muted">${tr('page.sendOnce')}</p>`,
    locale,
  );
}

export function submittedPage(first: boolean, locale: Locale): string {
  const tr = translator(locale);
  return first
    ? messagePage(tr('feedbackPage.thanks.title'), tr('feedbackPage.thanks.body'), locale)
    : messagePage(tr('page.alreadySubmitted.title'), tr('feedbackPage.already.body'), locale);
}
