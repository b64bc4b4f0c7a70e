import { firstName, formatInstant, html, type SafeHtml } from '@tandem/mail';
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

/** The form for one respondent; shown by GET, which changes nothing. */
export function feedbackPage(view: FeedbackView, token: string): string {
  const other = firstName(view.otherName);
  const when = formatInstant(view.startsAt, view.timeZone);
  const title = `Session ${view.index} of ${view.sessions} with ${other}`;
  if (view.state === 'submitted') return messagePage(title, 'You have sent your feedback on this session already. Thank you!');
  const intro =
    view.role === 'coach'
      ? html`<p>${view.programName}, ${when}. Your note is private: nobody else sees it.</p>`
      : html`<p>${view.programName}, ${when}. Your individual answers are confidential: admins only see averages over several answers.</p>`;
  const fields =
    view.role === 'coach'
      ? html`<fieldset>
  <legend>What happened to the session?</legend>
  <label class="choice"><input type="radio" name="attendance" value="held" required> It was held</label>
  <label class="choice"><input type="radio" name="attendance" value="missed"> It was missed</label>
  <label class="choice"><input type="radio" name="attendance" value="moved"> It was moved to another time</label>
</fieldset>
<label class="choice"><input type="checkbox" name="fit" value="not_good"> I doubt this is a good fit (the program team is told, so they can decide)</label>
<label for="note">A private note (optional)</label>
<textarea id="note" name="note" maxlength="4000"></textarea>`
      : html`${scale('rating', 'How useful was this session?', 'not useful', 'very useful')}
${view.skills.map((s) => scale(`progress_${s.key}`, `Your progress in ${s.label.toLowerCase()}`, 'none', 'a lot'))}
${scale('goals', `${other} and I agree on what I want to achieve`, 'disagree', 'agree')}
${scale('tasks', `${other} and I agree on how we work on it`, 'disagree', 'agree')}
${scale('bond', `I trust ${other} and feel understood`, 'disagree', 'agree')}
${
  view.askFit
    ? html`<fieldset>
  <legend>Is ${other} a good fit as your coach?</legend>
  <label class="choice"><input type="radio" name="fit" value="good" required> Yes, a good fit</label>
  <label class="choice"><input type="radio" name="fit" value="not_sure"> Not sure yet</label>
  <label class="choice"><input type="radio" name="fit" value="not_good"> Not a good fit</label>
</fieldset>`
    : ''
}`;
  return page(
    title,
    html`<h1>${title}</h1>
${intro}
<form method="post" action="/feedback/${token}">
${fields}
<p><button type="submit" class="accept">Send my feedback</button></p>
</form>
<p class="muted">You can send it once.</p>`,
  );
}

export function submittedPage(first: boolean): string {
  return first ? messagePage('Thank you', 'Your feedback is saved.') : messagePage('Already submitted', 'Your feedback was saved already; nothing has changed.');
}
