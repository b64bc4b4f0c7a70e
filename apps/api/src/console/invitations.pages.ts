import type { ImportRowError } from '@tandem/domain';
import { html, SafeHtml } from '@tandem/mail';
import type { Funnel, InvitationListItem, ProgramView, RegistrationSettings } from '@tandem/workflows';
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
import { rowErrorsTable } from './people.pages';

const STATE_LABEL: Record<InvitationListItem['state'], string> = {
  sending: 'Invitation being sent',
  invited: 'Invited, not answered',
  submitted: 'Answered',
};

/** What the forms of the invitations page show again after a refusal. */
export interface InvitationsForms {
  notice?: string;
  alert?: string;
  person?: { role: string; name: string; email: string };
  personErrors?: FieldErrors;
  roster?: string;
  rosterErrors?: ImportRowError[];
  settings?: { deadline: string; reminderDays: string; openRegistration: boolean; allowedDomains: string };
  settingsErrors?: FieldErrors;
}

/** A date as a datetime-local value in UTC (the form says the deadline is UTC). */
function localValue(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : '';
}

/**
 * Invitations: the questionnaire funnel (invited, opened, submitted, reminded), one more reminder on demand, closing
 * registration, inviting one person or a roster, the registration settings and the public link, and the invitations.
 */
export function invitationsPage(
  frame: ConsoleFrame,
  program: ProgramView,
  view: { funnel: Funnel; settings: RegistrationSettings; items: InvitationListItem[] },
  forms: InvitationsForms = {},
): string {
  const { funnel, settings } = view;
  const csrf = frame.csrf!;
  const person = forms.person ?? { role: 'coachee', name: '', email: '' };
  const settingsValues = forms.settings ?? {
    deadline: localValue(settings.deadline),
    reminderDays: settings.reminderDays.join(', '),
    openRegistration: settings.openRegistration,
    allowedDomains: settings.allowedDomains.join(', '),
  };
  const rate = (n: number) => (funnel.invited > 0 ? ` (${Math.round((n / funnel.invited) * 100)}%)` : '');
  return consolePage(
    `${program.name}: invitations`,
    { ...frame, program: { id: program.id, name: program.name, current: 'invitations' } },
    html`<h1>Invitations and questionnaires</h1>
${forms.notice ? html`<div class="notice" role="status">${forms.notice}</div>` : ''}
${errorSummary(forms.alert)}
<p class="muted">Each person invited gets an email with a link to their own questionnaire. Coachees rate themselves per skill, name their goals, time zone, languages, availability and preferences; coaches their strengths, capacity, availability, languages and a short bio. An answer makes or updates their enrollment (one welcome email); they can change it until they are matched.</p>
<h2>Funnel</h2>
<div class="table-wrap"><table class="funnel"><caption class="muted">Opened counts the first fetch of the link (a mail scanner's fetch counts too); it never changes what the person sees.</caption>
<thead><tr><th scope="col">Stage</th><th scope="col">People</th></tr></thead>
<tbody>
<tr><th scope="row">Invited</th><td data-funnel="invited">${funnel.invited}</td></tr>
<tr><th scope="row">Opened</th><td data-funnel="opened">${funnel.opened}${rate(funnel.opened)}</td></tr>
<tr><th scope="row">Submitted</th><td data-funnel="submitted">${funnel.submitted}${rate(funnel.submitted)}</td></tr>
<tr><th scope="row">Reminded</th><td data-funnel="reminded">${funnel.reminded}</td></tr>
<tr><th scope="row">Not answered yet</th><td data-funnel="unanswered">${funnel.unanswered}</td></tr>
${funnel.sending > 0 ? html`<tr><th scope="row">Invitation being sent</th><td data-funnel="sending">${funnel.sending}</td></tr>` : ''}
</tbody></table></div>
<p>Registration ${
      settings.closed
        ? html`<strong>closed</strong> ${when(settings.closesAt)}: no reminders, no first answers; those who answered can still change their answers until matched.`
        : settings.closesAt
          ? html`closes ${when(settings.closesAt)}. Reminders go out ${settings.reminderDays.length > 0 ? html`${settings.reminderDays.join(' and ')} days` : 'never'} after the invitation, to those who have not answered.`
          : html`has no deadline. Reminders go out ${settings.reminderDays.length > 0 ? html`${settings.reminderDays.join(' and ')} days` : 'never'} after the invitation, to those who have not answered.`
    }</p>
${
  settings.closed
    ? ''
    : html`<div class="actions">
<form method="post" action="/console/programs/${program.id}/invitations/remind" class="inline">${csrfField(csrf)}<button type="submit"${funnel.unanswered === 0 ? new SafeHtml(' disabled') : ''}>Send one more reminder to ${funnel.unanswered} ${funnel.unanswered === 1 ? 'person' : 'people'}</button></form>
<form method="post" action="/console/programs/${program.id}/registration/close" class="inline">${csrfField(csrf)}<button type="submit" class="secondary">Close registration now</button></form>
</div>`
}
<h2>Invite one person</h2>
<form method="post" action="/console/programs/${program.id}/invitations">${csrfField(csrf)}
<div class="grid">
${select(
  'role',
  'Role',
  person.role,
  [
    ['coachee', 'Coachee'],
    ['coach', 'Coach'],
  ],
  forms.personErrors ?? new Map(),
)}
${input('name', 'Name', person.name, forms.personErrors ?? new Map(), { required: true })}
${input('email', 'Email', person.email, forms.personErrors ?? new Map(), { type: 'email', required: true })}
</div>
<p><button type="submit">Send the invitation</button></p>
</form>
<h2>Invite a list</h2>
<form method="post" action="/console/programs/${program.id}/invitations/roster">${csrfField(csrf)}
<label for="roster">A roster CSV: a header <code>role,name,email</code> (optionally <code>locale</code>), then one person per line. The full people CSV works too: its values are shown prefilled.</label>
<textarea id="roster" name="csv" rows="6">${forms.roster ?? ''}</textarea>
<p><button type="submit">Invite everyone on the list</button></p>
</form>
${forms.rosterErrors && forms.rosterErrors.length > 0 ? rowErrorsTable(forms.rosterErrors) : ''}
<h2>Registration settings</h2>
<form method="post" action="/console/programs/${program.id}/registration">${csrfField(csrf)}
${input('deadline', 'Deadline (UTC; empty: none)', settingsValues.deadline, forms.settingsErrors ?? new Map(), { type: 'datetime-local' })}
${input('reminderDays', 'Reminder days after the invitation (comma-separated; empty: no reminders)', settingsValues.reminderDays, forms.settingsErrors ?? new Map())}
${checkbox('openRegistration', 'Open registration: anyone with an allowed email address may register through the public link', settingsValues.openRegistration)}
${input('allowedDomains', 'Allowed email domains (comma-separated; empty: the organization’s single sign-on domains)', settingsValues.allowedDomains, forms.settingsErrors ?? new Map(), { hint: settings.effectiveDomains.length > 0 ? `Now allowed: ${settings.effectiveDomains.join(', ')}` : 'No domain is allowed yet: open registration takes nobody.' })}
<p><button type="submit">Save the settings</button></p>
</form>
${
  settings.openRegistration && !settings.closed
    ? html`<p>Public registration link (for coachees): <a href="${settings.registrationUrl}">${settings.registrationUrl}</a></p>`
    : html`<p class="muted">Open registration is off.</p>`
}
<h2>Invitations</h2>
${
  view.items.length === 0
    ? html`<p class="muted">Nobody has been invited yet.</p>`
    : html`<div class="table-wrap"><table class="stack"><caption class="muted">${view.items.length} shown, by email</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Opened</th><th scope="col">Reminders</th><th scope="col">Invited</th></tr></thead>
<tbody>${view.items.map(
        (i) =>
          html`<tr><td data-label="Name">${i.name}</td><td data-label="Email">${i.email}</td><td data-label="Role">${i.role}</td><td data-label="State">${STATE_LABEL[i.state]}</td><td data-label="Opened">${i.opened ? 'yes' : 'no'}</td><td data-label="Reminders">${i.reminders}</td><td data-label="Invited">${when(i.invitedAt)}</td></tr>`,
      )}</tbody></table></div>`
}`,
  );
}
