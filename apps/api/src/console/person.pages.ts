import { html } from '@tandem/mail';
import type { PersonDetail, ProgramView } from '@tandem/workflows';
import {
  type ConsoleFrame,
  consolePage,
  csrfField,
  errorSummary,
  type FieldErrors,
  input,
  select,
  sentence,
} from './console-layout';

type Form = Record<string, unknown>;

/** The person form's values, as typed (text), by JSON field name (`skills.empathy` for a skill). */
export type PersonValues = Record<string, string>;

const WEEKDAYS = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_CHOICES = [
  ['', 'Tuesday (the default)'],
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** What each field is called on the form (errors are sentences that start with it). */
export function fieldLabels(program: ProgramView): Record<string, string> {
  return {
    role: 'Role',
    email: 'Email',
    name: 'Name',
    department: 'Department',
    managerEmail: 'Manager’s email',
    level: 'Level',
    timezone: 'Time zone',
    languages: 'Languages',
    locale: 'Language',
    capacity: 'Capacity',
    goals: 'Goals',
    bio: 'Bio',
    preferredDay: 'Preferred day',
    preferredHour: 'Preferred hour',
    ...Object.fromEntries(program.skills.map((s) => [`skills.${s.key}`, s.label])),
  };
}

/** The enrollment's field errors as sentences that name their field ("Level must be a number from 0 to 20."). */
export function personErrors(details: unknown, program: ProgramView): FieldErrors {
  const labels = fieldLabels(program);
  const errors: FieldErrors = new Map();
  if (Array.isArray(details)) {
    for (const d of details as { field?: unknown; message?: unknown }[]) {
      if (typeof d?.field !== 'string' || typeof d.message !== 'string' || errors.has(d.field)) continue;
      errors.set(d.field, sentence(labels[d.field] ? `${labels[d.field]} ${d.message}` : d.message));
    }
  }
  return errors;
}

/** A stored person as form values. */
export function personValues(p: PersonDetail): PersonValues {
  const values: PersonValues = {
    role: p.role,
    email: p.email,
    name: p.name,
    department: p.department ?? '',
    managerEmail: p.managerEmail ?? '',
    level: p.level === null ? '' : String(p.level),
    timezone: p.timezone,
    languages: p.languages.join('; '),
    locale: p.locale ?? '',
    capacity: p.capacity === null ? '' : String(p.capacity),
    goals: p.goals ?? '',
    bio: p.bio ?? '',
    preferredDay: p.preferredDay ? WEEKDAYS[p.preferredDay] : '',
    preferredHour: p.preferredHour === null ? '' : String(p.preferredHour),
  };
  for (const [key, value] of Object.entries(p.skills)) values[`skills.${key}`] = String(value);
  return values;
}

/** The posted form's values (text only; anything else is read as empty). */
export function personFromForm(form: Form | undefined, program: ProgramView): PersonValues {
  const names = Object.keys(fieldLabels(program));
  return Object.fromEntries(names.map((n) => [n, typeof form?.[n] === 'string' ? (form[n] as string) : '']));
}

/**
 * The enrollment body IntakeService.enroll takes (the JSON import's fields): empty means not given, a number typed
 * as digits is a number, anything else stays text for the validator to name.
 */
export function enrollmentBody(values: PersonValues, program: ProgramView): Record<string, unknown> {
  const optional = (n: string) => (values[n].trim() === '' ? undefined : values[n]);
  const number = (n: string) => {
    const v = values[n].trim();
    if (v === '') return undefined;
    return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  };
  return {
    role: values.role,
    email: values.email,
    name: values.name,
    department: optional('department'),
    managerEmail: optional('managerEmail'),
    level: number('level'),
    timezone: values.timezone,
    languages: values.languages
      .split(/[;,]/)
      .map((l) => l.trim())
      .filter(Boolean),
    locale: optional('locale'),
    capacity: number('capacity'),
    skills: Object.fromEntries(program.skills.map((s) => [s.key, number(`skills.${s.key}`)])),
    goals: optional('goals'),
    bio: optional('bio'),
    preferredDay: optional('preferredDay'),
    preferredHour: number('preferredHour'),
  };
}

function textarea(name: string, label: string, value: string, errors: FieldErrors, hint: string) {
  const id = `f-${name}`;
  const error = errors.get(name);
  return html`<div><label for="${id}">${label}</label><div class="muted" id="${id}-hint">${hint}</div>
<textarea id="${id}" name="${name}" rows="3" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''}>${value}</textarea>
${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}</div>`;
}

/** Add one person, or edit one (`person` given): the same fields and rules as a CSV row. */
export function personPage(
  frame: ConsoleFrame,
  program: ProgramView,
  values: PersonValues,
  errors: FieldErrors,
  options: { person?: PersonDetail; alert?: string } = {},
): string {
  const person = options.person;
  const action = person ? `/console/enrollments/${person.id}` : `/console/programs/${program.id}/people`;
  const title = person ? `Edit ${person.name}` : 'Add a person';
  return consolePage(
    `${program.name}: ${title}`,
    { ...frame, program: { id: program.id, name: program.name, current: 'people' } },
    html`<h1>${title}</h1>
<p class="muted">The same checks as a row of the CSV import. ${person ? 'Saving changes this person’s details everywhere in the organization (people are matched by email).' : 'Someone already enrolled with this email is updated instead; each new enrollment gets one welcome email.'}</p>
${person?.status === 'withdrawn' ? html`<div class="notice" role="status">${person.name} is paused. Saving these details puts ${person.name} back in the matching pool.</div>` : ''}
${errorSummary(options.alert)}
<form method="post" action="${action}">${csrfField(frame.csrf!)}
${
  person
    ? html`<dl><dt>Role</dt><dd>${person.role === 'coach' ? 'Coach' : 'Coachee'}</dd><dt>Email</dt><dd>${person.email}</dd></dl>
<p class="muted">To change a role or an email, remove this person (if never paired) and add them again.</p>`
    : html`<div class="grid">${select(
        'role',
        'Role',
        values.role,
        [
          ['coachee', 'Coachee'],
          ['coach', 'Coach'],
        ],
        errors,
      )}
${input('email', 'Email', values.email, errors, { type: 'email', required: true })}</div>`
}
<div class="grid">
${input('name', 'Name', values.name, errors, { required: true })}
${input('department', 'Department', values.department, errors, { hint: 'May be empty.' })}
${input('managerEmail', 'Manager’s email', values.managerEmail, errors, { type: 'email', hint: 'Keeps coaches out of this person’s reporting line. May be empty.' })}
${input('level', 'Level', values.level, errors, { hint: 'Seniority, a whole number from 0 to 20. May be empty.', attrs: 'inputmode="numeric"' })}
${input('timezone', 'Time zone', values.timezone, errors, { hint: 'For example Europe/Berlin.', required: true })}
${input('languages', 'Languages', values.languages, errors, { hint: 'Codes or names separated by semicolons, for example en; de.' })}
${input('locale', 'Language', values.locale, errors, { hint: 'Of their emails and pages: en or de. Empty keeps theirs; without one, their first spoken language Tandem writes, else the organization’s.' })}
</div>
<fieldset><legend>Skills (0 to 5: a coach’s strength, a coachee’s need)</legend><div class="grid">
${program.skills.map((s) => input(`skills.${s.key}`, s.label, values[`skills.${s.key}`], errors, { attrs: 'inputmode="decimal"', required: true }))}
</div></fieldset>
${textarea('goals', 'Goals (coachees)', values.goals, errors, 'What the coachee wants to work on; the coach reads it in the offer.')}
<fieldset><legend>Coaches only</legend><div class="grid">
${input('capacity', 'Capacity', values.capacity, errors, { hint: 'How many coachees at once, 0 to 50. Empty means 1.', attrs: 'inputmode="numeric"' })}
${select('preferredDay', 'Preferred day', values.preferredDay, DAY_CHOICES, errors)}
${input('preferredHour', 'Preferred hour', values.preferredHour, errors, { hint: 'Local hour sessions start, 0 to 23. Empty means 10.', attrs: 'inputmode="numeric"' })}
</div>
${textarea('bio', 'Bio', values.bio, errors, 'A short introduction, shown in the console.')}
</fieldset>
<p><button type="submit">${person ? 'Save' : 'Add'}</button> <a href="/console/programs/${program.id}/people">Cancel</a></p>
</form>
${person ? personActions(frame, person) : ''}`,
  );
}

/** Pause, resume and remove, below the edit form. */
function personActions(frame: ConsoleFrame, person: PersonDetail) {
  return html`<h2>Take out of the program</h2>
${
  person.status === 'active'
    ? html`<form method="post" action="/console/enrollments/${person.id}/pause">${csrfField(frame.csrf!)}<p>Pausing takes ${person.name} out of the matching pool until resumed; pairings, feedback and emails stay.</p><button type="submit" class="secondary">Pause</button></form>`
    : person.status === 'withdrawn'
      ? html`<form method="post" action="/console/enrollments/${person.id}/resume">${csrfField(frame.csrf!)}<p>${person.name} is paused.</p><button type="submit" class="secondary">Resume</button></form>`
      : ''
}
<p><a href="/console/enrollments/${person.id}/remove">Remove ${person.name} from this program…</a> · <a href="/console/enrollments/${person.id}/export.json" download>Export data</a> · <a href="/console/enrollments/${person.id}/erase">Erase…</a></p>`;
}

/** The remove step: says what goes, or why it cannot. Works without JavaScript. */
export function removePage(frame: ConsoleFrame, program: ProgramView, person: PersonDetail, alert?: string): string {
  const total = Object.values(person.pairings).reduce((a, b) => a + b, 0);
  return consolePage(
    `${program.name}: remove ${person.name}`,
    { ...frame, program: { id: program.id, name: program.name, current: 'people' } },
    html`<h1>Remove ${person.name}?</h1>
${errorSummary(alert)}
${
  total > 0
    ? html`<p>${person.name} has ${total} pairing(s) in this program, proposals included, so removing would erase history. Pause ${person.name} instead: out of the pool, history kept.</p>
<p><a href="/console/enrollments/${person.id}/edit">Back to ${person.name}</a></p>`
    : html`<p>${person.name} (${person.email}) was never paired in this program: removing deletes the enrollment and nothing else. The person stays in other programs.</p>
<form method="post" action="/console/enrollments/${person.id}/remove">${csrfField(frame.csrf!)}<button type="submit" class="danger">Remove ${person.name}</button> <a href="/console/enrollments/${person.id}/edit">Cancel</a></form>`
}`,
  );
}
