import { html } from '@tandem/mail';
import type { ScimTokenView } from '@tandem/workflows';
import {
  type ConsoleFrame,
  consolePage,
  csrfField,
  errorSummary,
  type FieldErrors,
  input,
  when,
} from './console-layout';

/** What an audit action of SCIM means, for people who are not developers. */
const CHANGE_WORDS: Record<string, string> = {
  'person.provisioned': 'Person added',
  'person.claimed': 'Existing person taken over',
  'person.updated': 'Person’s details changed',
  'person.deactivated': 'Person deactivated (out of every program’s pool)',
  'person.reactivated': 'Person activated again',
  'person.deprovisioned': 'Person deleted by the identity provider (history kept)',
  'enrollment.created': 'Enrolled in a program (welcome email sent)',
  'enrollment.resumed': 'Back in a program’s pool',
  'enrollment.withdrawn': 'Withdrawn from a program (open offers withdrawn)',
};

export interface ScimPageData {
  baseUrl: string;
  tokens: ScimTokenView[];
  groups: string[];
  provisioned: {
    people: {
      id: string;
      name: string;
      email: string;
      active: boolean;
      deleted: boolean;
      provisioned_at: Date;
      enrollments: number;
    }[];
    total: number;
    changes: { action: string; subject_type: string; created_at: Date }[];
  };
}

/** SCIM provisioning: the address and tokens an identity provider needs, the groups it can use, and what it did. */
export function scimPage(
  frame: ConsoleFrame,
  data: ScimPageData,
  form: { name?: string } = {},
  errors: FieldErrors = new Map(),
  alert?: string,
  created?: { name: string; token: string },
  notice?: string,
): string {
  const csrf = csrfField(frame.csrf!);
  const state = (p: ScimPageData['provisioned']['people'][number]) =>
    p.deleted ? 'Deleted by the identity provider' : p.active ? 'Active' : 'Deactivated';
  return consolePage(
    'Provisioning (SCIM)',
    frame,
    html`<h1>Provisioning (SCIM)</h1>
<p>Your identity provider (Microsoft Entra ID, Okta, or any SCIM 2.0 client) can add people, keep their details up to date, and
place them in programs. Give it this address and a token from this page.</p>
<p>SCIM address: <code>${data.baseUrl}</code></p>
${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}
${
  created
    ? html`<div class="notice" role="status"><strong>Token “${created.name}” created.</strong> It is shown this once: paste it into your identity provider now.
<p><code>${created.token}</code></p></div>`
    : ''
}
${errorSummary(alert)}
<h2>Tokens</h2>
${
  data.tokens.length === 0
    ? html`<p role="status">No tokens yet.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"></th></tr></thead>
<tbody>${data.tokens.map(
        (
          t,
        ) => html`<tr><td data-label="Name">${t.name}</td><td data-label="Starts with"><code>${t.prefix}…</code></td><td data-label="Created">${when(t.createdAt)}</td><td data-label="Last used">${t.lastUsedAt ? when(t.lastUsedAt) : 'Never'}</td>
<td data-label="State">${t.revokedAt ? `Revoked ${when(t.revokedAt)}` : 'In use'}</td>
<td>${t.revokedAt ? '' : html`<form method="post" action="/console/scim/tokens/${t.id}/revoke" class="inline">${csrf}<button type="submit" class="danger">Revoke</button></form>`}</td></tr>`,
      )}</tbody></table></div>`
}
<h2>Create a token</h2>
<form method="post" action="/console/scim/tokens">${csrf}
${input('name', 'Name (for example, the identity provider’s)', form.name, errors, { required: true, attrs: 'maxlength="100" autocomplete="off"' })}
<p><button type="submit">Create the token</button></p>
</form>
<h2>Groups</h2>
<p class="muted">Each program has two groups. Putting someone in a group enrolls them in that program (one welcome email); taking them out,
or deactivating them, withdraws them from the program’s pool and their open offers. Pairings already running go on, and nothing of their history is lost.</p>
${data.groups.length === 0 ? html`<p role="status">No programs yet, so no groups.</p>` : html`<ul>${data.groups.map((g) => html`<li>${g}</li>`)}</ul>`}
<h2>People provisioned</h2>
${
  data.provisioned.people.length === 0
    ? html`<p role="status">Nobody has been provisioned yet.</p>`
    : html`<p class="muted" role="status">${data.provisioned.total} ${data.provisioned.total === 1 ? 'person' : 'people'} provisioned${data.provisioned.total > data.provisioned.people.length ? `; the latest ${data.provisioned.people.length} are shown` : ''}.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">State</th><th scope="col">Programs</th><th scope="col">Provisioned</th></tr></thead>
<tbody>${data.provisioned.people.map((p) => html`<tr><td data-label="Name">${p.name}</td><td data-label="Email">${p.email}</td><td data-label="State">${state(p)}</td><td data-label="Programs">${p.enrollments}</td><td data-label="Provisioned">${when(p.provisioned_at)}</td></tr>`)}</tbody></table></div>`
}
<h2>Latest changes</h2>
${
  data.provisioned.changes.length === 0
    ? html`<p role="status">No changes yet.</p>`
    : html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">When</th><th scope="col">What</th></tr></thead>
<tbody>${data.provisioned.changes.map((c) => html`<tr><td data-label="When">${when(c.created_at)}</td><td data-label="What">${CHANGE_WORDS[c.action] ?? c.action}</td></tr>`)}</tbody></table></div>`
}`,
  );
}
