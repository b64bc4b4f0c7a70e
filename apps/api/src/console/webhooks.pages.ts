import { html } from '@tandem/mail';
import {
  WEBHOOK_EVENT_WORDS,
  WEBHOOK_EVENTS,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from '@tandem/workflows';
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

const FORMATS = [
  ['standard', 'Tandem events (JSON, Standard Webhooks signature)'],
  ['slack', 'Slack incoming webhook'],
  ['teams', 'Microsoft Teams (Workflows or connector)'],
] as const;

const STATUS_WORDS: Record<string, string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' };

/** The organization's endpoints and the form that adds one; a new endpoint's secret is shown once, here. */
export function webhooksPage(
  frame: ConsoleFrame,
  endpoints: WebhookEndpointView[],
  form: { url?: string; format?: string; events?: string[]; description?: string } = {},
  errors: FieldErrors = new Map(),
  alert?: string,
  created?: { url: string; secret: string },
): string {
  const chosen = new Set(form.events ?? []);
  return consolePage(
    'Webhooks',
    frame,
    html`<h1>Webhooks</h1>
<p class="muted">Tandem posts each event you choose to your address, signed (headers <code>webhook-id</code>, <code>webhook-timestamp</code>,
<code>webhook-signature</code>, as Standard Webhooks specify) and retried for a day. Bodies hold ids and states only: never a name, an email or a feedback answer.</p>
${
  created
    ? html`<div class="alert" role="status"><strong>Endpoint added.</strong> Its signing secret is shown this once: store it where your receiver checks signatures.
<p><code>${created.secret}</code></p></div>`
    : ''
}
${errorSummary(alert)}
${
  endpoints.length === 0
    ? html`<p role="status">No endpoints yet.</p>`
    : html`<table><thead><tr><th scope="col">Address</th><th scope="col">Format</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Delivered</th><th scope="col">Retrying</th><th scope="col">Failed</th><th scope="col"></th></tr></thead>
<tbody>${endpoints.map(
        (
          e,
        ) => html`<tr><td>${e.url}${e.description ? html`<div class="muted">${e.description}</div>` : ''}</td><td>${e.format}</td><td>${e.events.length === WEBHOOK_EVENTS.length ? 'all' : e.events.join(', ')}</td>
<td>${e.enabled ? 'On' : 'Off'}</td><td>${e.deliveries.delivered}</td><td>${e.deliveries.pending}</td><td>${e.deliveries.failed}</td>
<td><a href="/console/webhooks/${e.id}">Deliveries</a></td></tr>`,
      )}</tbody></table>`
}
<h2>Add an endpoint</h2>
<form method="post" action="/console/webhooks">${csrfField(frame.csrf!)}
${input('url', 'Address (https://…)', form.url, errors, { required: true, attrs: 'inputmode="url" autocomplete="off"' })}
${select('format', 'Format', form.format ?? 'standard', FORMATS, errors)}
${input('description', 'Description (optional)', form.description, errors)}
<fieldset><legend>Events</legend>${errors.get('events') ? html`<p class="error">${errors.get('events')}</p>` : ''}
${WEBHOOK_EVENTS.map((event) => checkbox(`event.${event}`, `${WEBHOOK_EVENT_WORDS[event]} (${event})`, chosen.has(event)))}</fieldset>
<p><button type="submit">Add the endpoint</button></p>
</form>`,
  );
}

/** One endpoint: its deliveries with every answer, a replay per delivery, a test event, switch off or remove. */
export function webhookPage(
  frame: ConsoleFrame,
  endpoint: WebhookEndpointView,
  page: { items: WebhookDeliveryView[]; total: number; limit: number; offset: number },
  status: string,
  notice?: string,
): string {
  const link = (offset: number) =>
    `/console/webhooks/${endpoint.id}?${new URLSearchParams({ ...(status ? { status } : {}), offset: String(offset) }).toString()}`;
  const csrf = csrfField(frame.csrf!);
  return consolePage(
    'Webhook deliveries',
    frame,
    html`<p><a href="/console/webhooks">All webhooks</a></p>
<h1>Deliveries to ${endpoint.url}</h1>
<p>${endpoint.enabled ? 'On' : 'Off'} · ${endpoint.format} · ${endpoint.deliveries.delivered} delivered, ${endpoint.deliveries.pending} retrying, ${endpoint.deliveries.failed} failed</p>
${notice ? html`<div class="alert" role="status">${notice}</div>` : ''}
<form method="post" action="/console/webhooks/${endpoint.id}/test" class="inline">${csrf}<button type="submit" class="secondary">Send a test event</button></form>
<form method="post" action="/console/webhooks/${endpoint.id}/${endpoint.enabled ? 'disable' : 'enable'}" class="inline">${csrf}<button type="submit" class="secondary">${endpoint.enabled ? 'Switch off' : 'Switch on'}</button></form>
<form method="post" action="/console/webhooks/${endpoint.id}/remove" class="inline">${csrf}<button type="submit" class="danger">Remove</button></form>
<form method="get" action="/console/webhooks/${endpoint.id}">
${select(
  'status',
  'Show',
  status,
  [
    ['', 'All deliveries'],
    ['failed', 'Failed'],
    ['pending', 'Retrying'],
    ['delivered', 'Delivered'],
  ],
  new Map(),
)}
<p><button type="submit" class="secondary">Show</button></p></form>
${
  page.items.length === 0
    ? html`<p role="status">No deliveries${status ? ` ${STATUS_WORDS[status]?.toLowerCase() ?? ''}` : ''} yet.</p>`
    : html`<p class="muted" role="status">Deliveries ${page.offset + 1} to ${page.offset + page.items.length} of ${page.total}.</p>
<table><thead><tr><th scope="col">Event</th><th scope="col">When</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col"></th></tr></thead>
<tbody>${page.items.map((d) => {
        const last = d.responses[0];
        return html`<tr><td>${d.eventType}<div class="muted">${d.eventId}</div></td><td>${when(d.createdAt)}</td>
<td>${STATUS_WORDS[d.status] ?? d.status}${d.nextAttemptAt ? html`<div class="muted">next ${when(d.nextAttemptAt)}</div>` : ''}</td><td>${d.attempts}</td>
<td>${last ? html`${last.statusCode ?? 'no answer'}<div class="muted">${last.response ?? ''}</div>` : ''}</td>
<td>${d.status === 'pending' ? '' : html`<form method="post" action="/console/webhooks/${endpoint.id}/deliveries/${d.id}/replay" class="inline">${csrf}<button type="submit" class="secondary">Replay</button></form>`}</td></tr>`;
      })}</tbody></table>
<p>${page.offset > 0 ? html`<a href="${link(Math.max(0, page.offset - page.limit))}">Newer</a>` : ''}${page.offset + page.items.length < page.total ? html` <a href="${link(page.offset + page.limit)}">Older</a>` : ''}</p>`
}`,
  );
}
