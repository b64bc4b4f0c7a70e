import type { ImportRowError } from '@tandem/domain';
import { html } from '@tandem/mail';
import {
  type CoachLearningView,
  type EnrollmentListItem,
  type ImportView,
  peopleColumns,
  type ProgramView,
} from '@tandem/workflows';
import { type ConsoleFrame, consolePage, csrfField, errorSummary, when } from './console-layout';

/** One row of the people table. */
export type PersonRow = EnrollmentListItem;

const STATE_LABEL: Record<string, string> = {
  offered: 'Offer sent',
  active: 'Paired',
  declined: 'Declined, waiting',
  expired: 'Offer expired, waiting',
  ended: 'Pairing ended',
  completed: 'Completed',
};

const ROLE_LABEL: Record<string, string> = { coach: 'Coach', coachee: 'Coachee' };
const ENROLLMENT_LABEL: Record<string, string> = { active: 'Active', withdrawn: 'Withdrawn', alumni: 'Alumni' };

function stateOf(p: PersonRow): string {
  if (p.status === 'alumni') return 'Alumni: coaching finished, out of the pool';
  if (p.status === 'withdrawn') return 'Paused: out of the pool';
  if (p.status !== 'active') return ENROLLMENT_LABEL[p.status] ?? p.status;
  if (p.role === 'coach') return `${p.liveCoachees ?? 0} of ${p.capacity ?? 0} places taken`;
  return p.pairingStatus ? (STATE_LABEL[p.pairingStatus] ?? p.pairingStatus) : 'Waiting for a match';
}

/** A coach's bio, folded (it can run to 4,000 characters); coachees have goals instead. */
function bioCell(p: PersonRow) {
  if (p.role !== 'coach') return '';
  return p.bio
    ? html`<details><summary>About ${p.name}</summary><p class="bio">${p.bio}</p></details>`
    : html`<span class="muted">No bio</span>`;
}

/** Every row error of a refused upload, in place. */
export function rowErrorsTable(errors: ImportRowError[]) {
  return html`<div class="table-wrap"><table><caption>Row errors (the row number as a spreadsheet shows it)</caption>
<thead><tr><th scope="col">Row</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
<tbody>${errors.map((e) => html`<tr><td>${e.row}</td><td>${e.column}</td><td>${e.message}</td></tr>`)}</tbody></table></div>`;
}

/** People: the CSV upload and the searchable table of coaches and coachees with their state. */
export function peoplePage(
  frame: ConsoleFrame,
  program: ProgramView,
  people: PersonRow[],
  query: { search: string; role: string; offset: number; limit: number },
  upload: { csv?: string; alert?: string; errors?: ImportRowError[]; notice?: string } = {},
): string {
  const columns = peopleColumns(program.skills);
  return consolePage(
    `${program.name}: people`,
    { ...frame, program: { id: program.id, name: program.name, current: 'people' } },
    html`<h1>People</h1>
${upload.notice ? html`<div class="notice" role="status">${upload.notice}</div>` : ''}
<p><a class="button" href="/console/programs/${program.id}/people/new">Add one person</a></p>
<h2>Upload a CSV</h2>
<p>Start from the <a href="/console/programs/${program.id}/people-template.csv" download>CSV template</a> (the header and one example row per role, with this program’s skills). A file saved by a spreadsheet with semicolons or tabs between the cells is read as well.</p>
<p class="muted">The whole file is checked first: if any row is wrong nothing is written and every error is listed. Uploading the same file again changes nothing; a changed row updates that person. Each new person gets one welcome email.</p>
<details id="column-guide"><summary>Column guide: what each column means (${columns.length} columns)</summary>
<div class="table-wrap"><table class="stack"><caption>Columns of the people CSV. Column names may be in any order and any case; optional columns may be left out.</caption>
<thead><tr><th scope="col">Column</th><th scope="col">Needed</th><th scope="col">Meaning</th><th scope="col">Allowed values</th><th scope="col">Example</th></tr></thead>
<tbody>${columns.map(
      (c) =>
        html`<tr><th scope="row" data-label="Column"><code>${c.column}</code></th><td data-label="Needed">${c.required ? 'Required' : 'Optional'}</td><td data-label="Meaning">${c.meaning}</td><td data-label="Allowed values">${c.allowed}</td><td data-label="Example"><code>${c.example}</code></td></tr>`,
    )}</tbody></table></div></details>
${errorSummary(upload.alert)}
${upload.errors && upload.errors.length > 0 ? rowErrorsTable(upload.errors) : ''}
<form method="post" action="/console/programs/${program.id}/imports" data-busy="upload-progress">${csrfField(frame.csrf!)}
<label for="csv-file">CSV file</label>
<input type="file" id="csv-file" accept=".csv,text/csv" data-fill="csv" data-progress="file-progress" data-status="file-status" aria-describedby="file-status">
<progress id="file-progress" max="1" value="0" hidden aria-label="Reading the file"></progress>
<p id="file-status" class="muted" aria-live="polite"></p>
<label for="csv">Or paste the CSV here</label>
<textarea id="csv" name="csv" rows="6" spellcheck="false">${upload.csv ?? ''}</textarea>
<p><button type="submit">Upload</button> <progress id="upload-progress" hidden aria-label="Uploading"></progress></p>
</form>
<h2>Coaches and coachees</h2>
<p>Download: <a href="/console/programs/${program.id}/people.csv" download>everyone as a CSV</a> (the import’s columns: edit it and upload it again) · <a href="/console/programs/${program.id}/pairings.csv" download>pairings as a CSV</a></p>
<form method="get" action="/console/programs/${program.id}/people" role="search">
<div class="grid"><div><label for="search">Search by name or email</label><input type="search" id="search" name="q" value="${query.search}"></div>
<div><label for="role">Role</label><select id="role" name="role">${[
      ['', 'Everyone'],
      ['coach', 'Coaches'],
      ['coachee', 'Coachees'],
    ].map(
      ([v, t]) => html`<option value="${v}"${v === query.role ? html` selected` : ''}>${t}</option>`,
    )}</select></div></div>
<p><button type="submit" class="secondary">Search</button></p>
</form>
${
  people.length === 0
    ? html`<p>${query.search || query.role ? 'Nobody matches this search.' : 'Nobody is enrolled yet: upload a CSV above.'}</p>`
    : html`<div class="table-wrap"><table class="stack people"><caption class="muted">${people.length} ${people.length === 1 ? 'person' : 'people'} shown${query.offset ? html`, from ${query.offset + 1}` : ''}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Department</th><th scope="col">Time zone</th><th scope="col">State</th><th scope="col">Bio</th><th scope="col">Change</th></tr></thead>
<tbody>${people.map(
        (p) =>
          html`<tr><td data-label="Name">${p.role === 'coach' ? html`<a href="/console/programs/${program.id}/coaches/${p.id}/learning">${p.name}</a>` : p.name}</td><td data-label="Email">${p.email}</td><td data-label="Role">${ROLE_LABEL[p.role] ?? p.role}</td><td data-label="Department">${p.department ?? ''}</td><td data-label="Time zone">${p.timezone}</td><td data-label="State">${stateOf(p)}${
            p.status === 'alumni'
              ? html` <form method="post" action="/console/enrollments/${p.id}/return-to-pool" class="inline">${csrfField(frame.csrf!)}<button type="submit" class="secondary">Return to pool</button></form>`
              : ''
          }</td><td data-label="Bio">${bioCell(p)}</td><td class="actions" data-label="Change"><a href="/console/enrollments/${p.id}/edit" aria-label="Edit ${p.name}">Edit</a>${
            p.status === 'active'
              ? html` <form method="post" action="/console/enrollments/${p.id}/pause">${csrfField(frame.csrf!)}<button type="submit" class="secondary small" aria-label="Pause ${p.name}">Pause</button></form>`
              : p.status === 'withdrawn'
                ? html` <form method="post" action="/console/enrollments/${p.id}/resume">${csrfField(frame.csrf!)}<button type="submit" class="secondary small" aria-label="Resume ${p.name}">Resume</button></form>`
                : ''
          }</td></tr>`,
      )}</tbody></table></div>
${
  people.length === query.limit
    ? html`<p><a href="/console/programs/${program.id}/people?q=${encodeURIComponent(query.search)}&role=${query.role}&offset=${query.offset + query.limit}">Next ${query.limit}</a></p>`
    : ''
}`
}`,
  );
}

/** An import: live progress while it runs (the script polls, without it the page reloads), then its outcome. */
export function importPage(
  frame: ConsoleFrame,
  program: ProgramView,
  view: ImportView,
  separator?: 'semicolon' | 'tab',
): string {
  const running = view.status === 'queued' || view.status === 'running';
  return consolePage(
    `${program.name}: import`,
    {
      ...frame,
      program: { id: program.id, name: program.name, current: 'people' },
      refreshSeconds: running ? 2 : undefined,
    },
    html`<h1>Import of ${view.rows} rows</h1>
${separator ? html`<p class="muted">The file was read as ${separator}-separated.</p>` : ''}
<div${running ? html` data-poll="/console/imports/${view.id}/status"` : ''} aria-live="polite">
<label for="import-progress">Progress</label>
<progress id="import-progress" max="1" value="${view.progress}">${Math.round(view.progress * 100)}%</progress>
<p data-status>${importLabel(view)}</p>
</div>
${view.status === 'succeeded' ? html`<div class="notice" role="status">Done: ${view.created} new, ${view.updated} updated, ${view.unchanged} unchanged. Welcome emails are on their way.</div>` : ''}
${view.status === 'failed' ? html`<div class="alert" role="alert">Nothing was written: the rows below conflict with current enrollments.</div>${rowErrorsTable(view.errors)}` : ''}
<p class="muted">Started ${when(view.createdAt)}${view.finishedAt ? html`, finished ${when(view.finishedAt)}` : ''}.</p>
<p><a href="/console/programs/${program.id}/people">Back to people</a></p>`,
  );
}

/** The status line of an import (also the polled JSON's label). */
export function importLabel(view: ImportView): string {
  if (view.status === 'queued') return 'Waiting for a worker…';
  if (view.status === 'running') return `Writing: ${view.processed} of ${view.rows} rows`;
  if (view.status === 'succeeded') return `Finished: ${view.rows} rows`;
  return `Failed: ${view.errors.length} row error(s)`;
}

const figure = (x: number | null, digits = 1): string => (x === null ? '—' : x.toFixed(digits));

/** The admin's coach view: what feedback taught about one coach, per skill, within the 3-distinct-coachees rule. */
export function coachLearningPage(frame: ConsoleFrame, program: ProgramView, view: CoachLearningView): string {
  const any = view.skills.some((s) => s.measured);
  return consolePage(
    `${program.name}: ${view.name}, learning`,
    { ...frame, program: { id: program.id, name: program.name, current: 'people' } },
    html`<h1>What feedback taught about ${view.name}</h1>
<p class="muted">Pooled over every program of the organization. A figure is shown only when it rests on answers from at least ${view.minimumCoachees} different coachees; otherwise only the counts. Learning weight ${view.learning}, older answers count half after ${view.halfLife}.</p>
${any ? '' : html`<p>No coachee has given feedback on this coach yet: scores use the coach’s own ratings.</p>`}
<div class="table-wrap"><table><caption>Per skill: the evidence, the estimate, and how it moved the score</caption>
<thead><tr><th scope="col">Skill</th><th scope="col">Answers</th><th scope="col">Coachees</th><th scope="col">Programs</th><th scope="col">Estimate (0-5)</th><th scope="col">Own rating</th><th scope="col">Calibrated</th><th scope="col">Used in scores</th><th scope="col">Points moved (full need)</th></tr></thead>
<tbody>${view.skills.map(
      (s) =>
        html`<tr><th scope="row">${s.label}</th><td>${s.answers}</td><td>${s.coachees}</td><td>${s.programs}</td><td>${figure(s.estimate)}</td><td>${s.selfRating ?? '—'}</td><td>${figure(s.calibrated)}</td><td>${figure(s.used)}</td><td>${s.scoreShift === null ? '—' : (s.scoreShift > 0 ? '+' : '') + s.scoreShift.toFixed(1)}</td></tr>`,
    )}</tbody></table></div>
<p><a href="/console/programs/${program.id}/people?role=coach">Back to coaches</a></p>`,
  );
}
