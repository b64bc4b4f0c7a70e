import { everyText, humanDuration, parseHumanDuration } from '@tandem/domain';
import { html } from '@tandem/mail';
import { DURATION_BOUNDS, type ProgramView } from '@tandem/workflows';
import {
  checkbox,
  type ConsoleFrame,
  consolePage,
  csrfField,
  errorSummary,
  type FieldErrors,
  input,
  select,
  when,
} from './console-layout';

/** A duration field's hint: an example and the range the settings accept. */
const range = (field: keyof typeof DURATION_BOUNDS, example: string) =>
  `For example "${example}" (from ${humanDuration(DURATION_BOUNDS[field].min)} to ${humanDuration(DURATION_BOUNDS[field].max)})`;

/** The programs list with the create form. */
export function programsPage(
  frame: ConsoleFrame,
  programs: ProgramView[],
  form: { name?: string; errors?: FieldErrors; alert?: string } = {},
): string {
  const errors = form.errors ?? new Map();
  return consolePage(
    'Programs',
    frame,
    html`<h1>Programs</h1>
${programs.length === 0 ? html`<p>No programs yet. Create the first one below.</p>` : ''}
${
  programs.length > 0
    ? html`<div class="table-wrap"><table><caption class="muted">Your organization's programs, newest first</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Sessions</th><th scope="col">Created</th></tr></thead>
<tbody>${programs.map(
        (p) =>
          html`<tr><td><a href="/console/programs/${p.id}">${p.name}</a></td><td>${p.status}</td><td>${p.cadence.sessions} sessions, ${everyText(p.cadence.interval)}</td><td>${when(p.createdAt)}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
<h2 id="create">Create a program</h2>
${errorSummary(form.alert)}
<form method="post" action="/console/programs" novalidate>${csrfField(frame.csrf!)}
${input('name', 'Program name', form.name ?? '', errors, { required: true, hint: 'Every other setting starts from the defaults; change them on the next page.' })}
<p><button type="submit">Create program</button></p>
</form>`,
  );
}

const WEIGHT_LABELS = {
  skills: 'Skills fit (coach strengths against coachee needs)',
  effectiveness: 'Coach effectiveness (past feedback)',
  timezone: 'Time-zone closeness',
  language: 'Shared language',
  level: 'Level gap',
} as const;

const OBJECTIVES = [
  ['matched-then-score', 'Match as many as possible, then best scores'],
  ['score', 'Best total score'],
  ['maximin-then-score', 'Best worst pair, then best scores'],
] as const;

/** The settings form of a program: every setting with its inline error. `values` are the form's (or the program's) values. */
export function settingsPage(
  frame: ConsoleFrame,
  program: ProgramView,
  values: SettingsValues,
  errors: FieldErrors,
  message?: { alert?: string; notice?: string },
): string {
  const skills = [...values.skills, { key: '', label: '', weight: '' }];
  return consolePage(
    `${program.name}: settings`,
    { ...frame, program: { id: program.id, name: program.name, current: 'settings' } },
    html`<h1>${program.name}</h1>
${errorSummary(message?.alert)}${message?.notice ? html`<div class="notice" role="status">${message.notice}</div>` : ''}
<form method="post" action="/console/programs/${program.id}" novalidate>${csrfField(frame.csrf!)}
<input type="hidden" name="version" value="${program.version}">
<fieldset><legend>Program</legend><div class="grid">
${input('name', 'Name', values.name, errors, { required: true })}
${select(
  'status',
  'Status',
  values.status,
  [
    ['draft', 'Draft'],
    ['active', 'Active'],
    ['archived', 'Archived'],
  ],
  errors,
)}
${input('adminEmail', 'Admin email (gets alerts)', values.adminEmail, errors, { type: 'email' })}
${input('offerTtl', 'A coach can answer an offer for', values.offerTtl, errors, { hint: range('offerTtl', '7 days') })}
</div>${checkbox('autoPublish', 'Publish rounds as soon as they are solved', values.autoPublish)}</fieldset>
<fieldset><legend>Skills and weights</legend>
<p class="muted">Keys are lower_snake_case and name the CSV columns. Leave a row empty to drop it; fill the last row to add a skill.</p>
${errors.get('skills') ? html`<p class="error">${errors.get('skills')}</p>` : ''}
<div class="table-wrap"><table><thead><tr><th scope="col">Key</th><th scope="col">Label</th><th scope="col">Weight</th></tr></thead><tbody>
${skills.map(
  (s, i) =>
    html`<tr><td>${input(`skills.${i}.key`, `Skill ${i + 1} key`, s.key, errors)}</td><td>${input(`skills.${i}.label`, `Skill ${i + 1} label`, s.label, errors)}</td><td>${input(
      `skills.${i}.weight`,
      `Skill ${i + 1} weight`,
      s.weight,
      errors,
    )}</td></tr>`,
)}
</tbody></table></div></fieldset>
<fieldset><legend>Matching policy</legend>
${select('policy.objective', 'Objective', values.policy.objective, OBJECTIVES, errors)}
<div class="grid">
${input('policy.minScore', 'Lowest acceptable score (0-100)', values.policy.minScore, errors, { type: 'number', attrs: 'step="any"' })}
${input('policy.maxTimezoneGapHours', 'Largest time-zone gap (hours)', values.policy.maxTimezoneGapHours, errors, { type: 'number', attrs: 'step="any"' })}
${input('policy.preferredLevelGap', 'Preferred level gap (coach above coachee)', values.policy.preferredLevelGap, errors, { type: 'number', attrs: 'step="any"' })}
</div>
${checkbox('policy.requireSharedLanguage', 'Require a shared language', values.policy.requireSharedLanguage)}
${checkbox('policy.forbidSameDepartment', 'Never pair people from the same department', values.policy.forbidSameDepartment)}
${checkbox('policy.forbidReportingLine', 'Never pair people in one reporting line', values.policy.forbidReportingLine)}
<h3>How much each part counts in a pair's score</h3>
<p class="muted" id="weights-hint">Relative weights from 0 to 10: only their proportions matter, as they are scaled to add up to 1 when scoring (0.55, 0.15, 0.15, 0.1 and 0.05 give skills 55% of the score). 0 leaves a part out.</p>
<div class="grid">
${(['skills', 'effectiveness', 'timezone', 'language', 'level'] as const).map((w) =>
  input(`policy.weights.${w}`, WEIGHT_LABELS[w], values.policy.weights[w], errors, {
    type: 'number',
    attrs: 'step="any" min="0" max="10"',
  }),
)}
</div></fieldset>
<fieldset><legend>Cadence</legend><div class="grid">
${input('cadence.sessions', 'Sessions', values.cadence.sessions, errors, { type: 'number', attrs: 'min="1" max="52"' })}
${input('cadence.interval', 'One session every', values.cadence.interval, errors, { hint: range('cadence.interval', '2 weeks') })}
${input('cadence.sessionDuration', 'Session length', values.cadence.sessionDuration, errors, { hint: range('cadence.sessionDuration', '1 hour') })}
${input('cadence.reminderLead', 'Send the reminder this long before', values.cadence.reminderLead, errors, { hint: range('cadence.reminderLead', '24 hours') })}
</div></fieldset>
<fieldset><legend>Feedback</legend>
${checkbox('feedback.enabled', 'Ask for feedback after each session', values.feedback.enabled)}
<div class="grid">
${input('feedback.reminderAfter', 'Remind about unanswered feedback after', values.feedback.reminderAfter, errors, { hint: range('feedback.reminderAfter', '3 days') })}
${input('feedback.inactivityWindow', 'Nudge both when no session was held for', values.feedback.inactivityWindow, errors, { hint: range('feedback.inactivityWindow', '45 days') })}
${input('feedback.inactivityGrace', 'End the pairing after a further', values.feedback.inactivityGrace, errors, { hint: range('feedback.inactivityGrace', '2 weeks') })}
</div></fieldset>
<p><button type="submit">Save settings</button></p>
</form>`,
  );
}

/** The settings as the form shows them: strings for what was typed, so a bad value comes back as typed. */
export interface SettingsValues {
  name: string;
  status: string;
  adminEmail: string;
  offerTtl: string;
  autoPublish: boolean;
  skills: { key: string; label: string; weight: string | number }[];
  policy: {
    objective: string;
    minScore: string | number;
    maxTimezoneGapHours: string | number;
    preferredLevelGap: string | number;
    requireSharedLanguage: boolean;
    forbidSameDepartment: boolean;
    forbidReportingLine: boolean;
    weights: Record<'skills' | 'effectiveness' | 'timezone' | 'language' | 'level', string | number>;
  };
  cadence: { sessions: string | number; interval: string; sessionDuration: string; reminderLead: string };
  feedback: { enabled: boolean; reminderAfter: string; inactivityWindow: string; inactivityGrace: string };
}

/** A program's current settings as form values. */
export function settingsOf(p: ProgramView): SettingsValues {
  return {
    name: p.name,
    status: p.status,
    adminEmail: p.adminEmail ?? '',
    offerTtl: humanDuration(p.offerTtl),
    autoPublish: p.autoPublish,
    skills: p.skills.map((s) => ({ ...s })),
    policy: { ...p.policy, weights: { ...p.policy.weights } },
    cadence: {
      ...p.cadence,
      interval: humanDuration(p.cadence.interval),
      sessionDuration: humanDuration(p.cadence.sessionDuration),
      reminderLead: humanDuration(p.cadence.reminderLead),
    },
    feedback: {
      enabled: p.feedback.enabled,
      reminderAfter: humanDuration(p.feedback.reminderAfter),
      inactivityWindow: humanDuration(p.feedback.inactivityWindow),
      inactivityGrace: p.feedback.inactivityGrace ? humanDuration(p.feedback.inactivityGrace) : '',
    },
  };
}

type Form = Record<string, unknown>;
const text = (form: Form, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
const on = (form: Form, name: string) => form[name] === 'on';

/** The form's values, as typed. */
export function settingsFromForm(form: Form): SettingsValues {
  const skills: SettingsValues['skills'] = [];
  for (let i = 0; i < 21; i++) {
    const row = {
      key: text(form, `skills.${i}.key`).trim(),
      label: text(form, `skills.${i}.label`).trim(),
      weight: text(form, `skills.${i}.weight`).trim(),
    };
    if (row.key || row.label || row.weight) skills.push(row);
  }
  return {
    name: text(form, 'name'),
    status: text(form, 'status'),
    adminEmail: text(form, 'adminEmail').trim(),
    offerTtl: text(form, 'offerTtl').trim(),
    autoPublish: on(form, 'autoPublish'),
    skills,
    policy: {
      objective: text(form, 'policy.objective'),
      minScore: text(form, 'policy.minScore'),
      maxTimezoneGapHours: text(form, 'policy.maxTimezoneGapHours'),
      preferredLevelGap: text(form, 'policy.preferredLevelGap'),
      requireSharedLanguage: on(form, 'policy.requireSharedLanguage'),
      forbidSameDepartment: on(form, 'policy.forbidSameDepartment'),
      forbidReportingLine: on(form, 'policy.forbidReportingLine'),
      weights: {
        skills: text(form, 'policy.weights.skills'),
        effectiveness: text(form, 'policy.weights.effectiveness'),
        timezone: text(form, 'policy.weights.timezone'),
        language: text(form, 'policy.weights.language'),
        level: text(form, 'policy.weights.level'),
      },
    },
    cadence: {
      sessions: text(form, 'cadence.sessions'),
      interval: text(form, 'cadence.interval').trim(),
      sessionDuration: text(form, 'cadence.sessionDuration').trim(),
      reminderLead: text(form, 'cadence.reminderLead').trim(),
    },
    feedback: {
      enabled: on(form, 'feedback.enabled'),
      reminderAfter: text(form, 'feedback.reminderAfter').trim(),
      inactivityWindow: text(form, 'feedback.inactivityWindow').trim(),
      inactivityGrace: text(form, 'feedback.inactivityGrace').trim(),
    },
  };
}

/** A typed number, or the text itself so that the program's validation names the field. */
const num = (value: string | number): unknown =>
  typeof value === 'number' ? value : value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;

/** The duration fields of the form, by field path. */
export const DURATION_FIELDS = [
  'offerTtl',
  'cadence.interval',
  'cadence.sessionDuration',
  'cadence.reminderLead',
  'feedback.reminderAfter',
  'feedback.inactivityWindow',
  'feedback.inactivityGrace',
] as const;

const durationAt = (values: SettingsValues, field: (typeof DURATION_FIELDS)[number]): string => {
  const [group, key] = field.split('.') as [string, string | undefined];
  const record = values as unknown as Record<string, Record<string, string>>;
  return key === undefined ? (values as unknown as Record<string, string>)[group] : record[group][key];
};

/** The duration fields typed as something that is not a duration, each with what to write instead. */
export function durationErrors(values: SettingsValues): FieldErrors {
  const errors: FieldErrors = new Map();
  for (const field of DURATION_FIELDS) {
    const typed = durationAt(values, field);
    if (field === 'feedback.inactivityGrace' && typed === '') continue;
    if (parseHumanDuration(typed) === undefined)
      errors.set(
        field,
        typed.trim() === ''
          ? 'Enter a duration, for example "2 weeks" or "24 hours".'
          : `"${typed}" is not a duration: write a number and a unit, for example "2 weeks", "14 days", "1 month" or "24 hours".`,
      );
  }
  return errors;
}

/** A typed duration as ISO-8601 for the API ("2 weeks" is P14D); what cannot be read passes on as typed, for the API to refuse. */
const iso = (typed: string): string => parseHumanDuration(typed) ?? typed;

/** The update command for ProgramsService (its schema validates every field). */
export function settingsCommand(values: SettingsValues, version: unknown): Record<string, unknown> {
  return {
    name: values.name,
    status: values.status,
    adminEmail: values.adminEmail === '' ? null : values.adminEmail,
    offerTtl: iso(values.offerTtl),
    autoPublish: values.autoPublish,
    skills: values.skills.map((s) => ({ key: s.key, label: s.label, weight: num(s.weight) })),
    policy: {
      objective: values.policy.objective,
      minScore: num(values.policy.minScore),
      maxTimezoneGapHours: num(values.policy.maxTimezoneGapHours),
      preferredLevelGap: num(values.policy.preferredLevelGap),
      requireSharedLanguage: values.policy.requireSharedLanguage,
      forbidSameDepartment: values.policy.forbidSameDepartment,
      forbidReportingLine: values.policy.forbidReportingLine,
      weights: Object.fromEntries(Object.entries(values.policy.weights).map(([k, v]) => [k, num(v)])),
    },
    cadence: {
      sessions: num(values.cadence.sessions),
      interval: iso(values.cadence.interval),
      sessionDuration: iso(values.cadence.sessionDuration),
      reminderLead: iso(values.cadence.reminderLead),
    },
    feedback: {
      enabled: values.feedback.enabled,
      reminderAfter: iso(values.feedback.reminderAfter),
      inactivityWindow: iso(values.feedback.inactivityWindow),
      ...(values.feedback.inactivityGrace === '' ? {} : { inactivityGrace: iso(values.feedback.inactivityGrace) }),
    },
    ...(typeof version === 'string' && /^\d+$/.test(version) ? { version: Number(version) } : {}),
  };
}
