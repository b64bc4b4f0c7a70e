import { html } from '@tandem/mail';
import type { AuditRow, EraseOutcome, PersonDetail, ProgramView } from '@tandem/workflows';
import {
  type ConsoleFrame,
  consolePage,
  csrfField,
  errorSummary,
  type FieldErrors,
  input,
  when,
} from './console-layout';

const programFrame = (frame: ConsoleFrame, program: ProgramView): ConsoleFrame => ({
  ...frame,
  program: { id: program.id, name: program.name, current: 'people' },
});

/** Asks to type the person's email before erasing them; a plain form, so it works without JavaScript. */
export function erasePage(
  frame: ConsoleFrame,
  program: ProgramView,
  person: PersonDetail,
  errors: FieldErrors = new Map(),
  alert?: string,
): string {
  return consolePage(
    `Erase ${person.name}`,
    programFrame(frame, program),
    html`<h1>Erase ${person.name}?</h1>
${errorSummary(alert)}
<p>Erasing removes this person's personal data from every program of the organization, and cannot be undone:</p>
<ul>
<li>their name becomes “Erased person” and their email an address nobody receives;</li>
<li>department, manager, level, languages, goals and bio are cleared;</li>
<li>their feedback answers, notes and closing surveys are deleted;</li>
<li>emails to them keep only their date and status; open offers are withdrawn and they leave the matching pool.</li>
</ul>
<p>Pairings and sessions stay (anonymized), so the other people's history and the reports keep their counts.
Download their data first if they asked for it: <a href="/console/enrollments/${person.id}/export.json" download>Export data</a>.</p>
<form method="post" action="/console/enrollments/${person.id}/erase">${csrfField(frame.csrf!)}
${input('confirm', `Type ${person.email} to confirm`, '', errors, { required: true, attrs: 'autocomplete="off"' })}
<p><button type="submit" class="danger">Erase ${person.name}</button> <a href="/console/enrollments/${person.id}/edit">Cancel</a></p>
</form>`,
  );
}

/** What an erase did, in counts (the person's name is gone by now). */
export function erasedPage(frame: ConsoleFrame, program: ProgramView, outcome: EraseOutcome): string {
  return consolePage(
    'Person erased',
    programFrame(frame, program),
    html`<h1>Person erased</h1>
<p role="status">${
      outcome.alreadyErased
        ? 'This person was erased already: nothing more was changed.'
        : `Erased: ${outcome.feedbackDeleted} feedback form(s) and ${outcome.surveysDeleted} closing survey(s) deleted, ${outcome.emailsScrubbed} email(s) scrubbed, ${outcome.offersWithdrawn} open offer(s) withdrawn, ${outcome.enrollments} enrollment(s) anonymized.`
    }</p>
<p>The audit trail records the erase without any personal data.</p>
<p><a href="/console/programs/${program.id}/people">Back to the people</a></p>`,
  );
}

/** The audit trail with its filters and paging. */
export function auditPage(
  frame: ConsoleFrame,
  query: Record<string, string>,
  page: { items: AuditRow[]; total: number; limit: number; offset: number } | null,
  errors: FieldErrors = new Map(),
  alert?: string,
): string {
  const link = (offset: number) =>
    `/console/audit?${new URLSearchParams({ ...query, offset: String(offset) }).toString()}`;
  return consolePage(
    'Audit',
    frame,
    html`<h1>Audit</h1>
<p class="muted">Who changed what, newest first. Actors and subjects are ids (an API key, an admin, the system); the trail holds no names or emails.</p>
${errorSummary(alert)}
<form method="get" action="/console/audit">
<div class="grid">
${input('action', 'Action (such as person.erased)', query.action, errors)}
${input('subjectType', 'Subject (such as person, enrollment, round)', query.subjectType, errors)}
${input('actor', 'Actor (such as admin:…, apikey:…)', query.actor, errors)}
${input('since', 'From (date)', query.since, errors, { type: 'date' })}
${input('until', 'Before (date)', query.until, errors, { type: 'date' })}
</div>
<p><button type="submit" class="secondary">Show</button> <a href="/console/audit">Clear the filters</a></p>
</form>
${
  !page
    ? ''
    : page.items.length === 0
      ? html`<p role="status">No audit entries match.</p>`
      : html`<p class="muted" role="status">Entries ${page.offset + 1} to ${page.offset + page.items.length} of ${page.total}.</p>
<table><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Subject</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead>
<tbody>${page.items.map(
          (e) =>
            html`<tr><td>${when(e.createdAt)}</td><td>${e.action}</td><td>${e.subjectType} ${e.subjectId}</td><td>${e.actor}</td><td>${e.data ? JSON.stringify(e.data) : ''}</td></tr>`,
        )}</tbody></table>
<p>${page.offset > 0 ? html`<a href="${link(Math.max(0, page.offset - page.limit))}">Newer</a>` : ''}${page.offset + page.items.length < page.total ? html` <a href="${link(page.offset + page.limit)}">Older</a>` : ''}</p>`
}`,
  );
}
