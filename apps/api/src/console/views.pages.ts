import { everyText } from '@tandem/domain';
import { html, SafeHtml } from '@tandem/mail';
import type { OutboxItem } from '@tandem/mail';
import {
  type BoardCard,
  type BoardColumn,
  endReasonText,
  MAIL_KINDS,
  type MailPageQuery,
  type PairingItem,
  type PairingSession,
  type ProgramReport,
  type ProgramView,
} from '@tandem/workflows';
import { barChart, type Bar } from './charts';
import { age, type ConsoleFrame, consolePage, when } from './console-layout';

const COLUMNS: [BoardColumn, string][] = [
  ['offered', 'Offered'],
  ['active', 'Active'],
  ['atRisk', 'At risk'],
  ['completed', 'Completed'],
  ['declined', 'Declined'],
  ['expired', 'Offer expired'],
  ['ended', 'Ended early'],
];

/** A pairing's state in words (the pairing page; the board names it by its column). */
export const PAIRING_STATE: Record<string, string> = {
  proposed: 'Proposed in a round, not yet offered',
  offered: 'Offer sent, waiting for the coach',
  active: 'Active',
  declined: 'Declined by the coach',
  expired: 'Offer expired without an answer',
  withdrawn: 'Withdrawn from its round',
  ended: 'Ended early',
  completed: 'Completed',
};

/** A session's state in words. */
export const SESSION_STATE: Record<string, string> = {
  scheduled: 'Scheduled',
  held: 'Held',
  missed: 'Missed',
  cancelled: 'Cancelled',
};

/** An outbox message's status in words. */
export const MAIL_STATUS: Record<string, string> = {
  held: 'Kept in the outbox (no SMTP server set)',
  pending: 'Waiting to be sent',
  sending: 'Being sent',
  sent: 'Sent',
  failed: 'Could not be sent',
};

const words = (map: Record<string, string>, code: string) => map[code] ?? code;

function card(column: BoardColumn, c: BoardCard, now: number) {
  return html`<li class="card"><a href="/console/pairings/${c.id}"><strong>${c.coacheeName}</strong> with ${c.coachName}</a>
<div class="muted">Score ${c.score.toFixed(1)}</div>
${column === 'offered' ? html`<div>Offer sent ${age(c.offeredAt, now)} ago${c.offerExpiresAt ? html`, expires ${when(c.offerExpiresAt)}` : ''}</div>` : ''}
${column !== 'offered' && column !== 'declined' && column !== 'expired' ? html`<div>Sessions held: ${c.sessionsHeld} of ${c.sessionsPlanned}</div>` : ''}
${column === 'atRisk' && c.atRiskReason ? html`<div class="error">At risk: ${endReasonText(c.atRiskReason)}</div>` : ''}
${column === 'completed' && c.endedAt ? html`<div class="muted">Completed ${when(c.endedAt)}</div>` : ''}
${column === 'declined' ? html`<div class="muted">Declined by the coach${c.endedAt ? html` ${when(c.endedAt)}` : ''}</div>` : ''}
${column === 'expired' ? html`<div class="muted">Offer expired${c.endedAt ? html` ${when(c.endedAt)}` : ''} without an answer</div>` : ''}
${column === 'ended' ? html`<div class="muted">Ended${c.endedAt ? html` ${when(c.endedAt)}` : ''}${c.atRiskReason ? html`: ${endReasonText(c.atRiskReason)}` : ''}</div>` : ''}
</li>`;
}

/** The board's filters: a name to search for (coach or coachee) and one state, '' for all. */
export interface BoardQuery {
  search: string;
  state: string;
}

/** The board's columns with only the cards that match the query (a state filter keeps that column alone). */
export function filterBoard(
  columns: Record<BoardColumn, BoardCard[]>,
  query: BoardQuery,
): { key: BoardColumn; title: string; cards: BoardCard[] }[] {
  const needle = query.search.trim().toLowerCase();
  return COLUMNS.filter(([key]) => !query.state || key === query.state).map(([key, title]) => ({
    key,
    title,
    cards: needle
      ? columns[key].filter(
          (c) => c.coacheeName.toLowerCase().includes(needle) || c.coachName.toLowerCase().includes(needle),
        )
      : columns[key],
  }));
}

/** Whether a state is one of the board's columns. */
export const isBoardColumn = (state: string): state is BoardColumn => COLUMNS.some(([key]) => key === state);

/** The pairing board: one column per state, with a search by name and a state filter. */
export function boardPage(
  frame: ConsoleFrame,
  program: ProgramView,
  all: Record<BoardColumn, BoardCard[]>,
  now = Date.now(),
  query: BoardQuery = { search: '', state: '' },
): string {
  const shown = filterBoard(all, query);
  const filtered = query.search.trim() !== '' || query.state !== '';
  const count = shown.reduce((n, c) => n + c.cards.length, 0);
  return consolePage(
    `${program.name}: pairings`,
    { ...frame, program: { id: program.id, name: program.name, current: 'pairings' } },
    html`<h1>Pairings</h1>
<form method="get" action="/console/programs/${program.id}/pairings" role="search">
<div class="grid"><div><label for="board-search">Search by coach or coachee name</label><input type="search" id="board-search" name="q" value="${query.search}"></div>
<div><label for="board-state">State</label><select id="board-state" name="state"><option value=""${query.state === '' ? new SafeHtml(' selected') : ''}>Every state</option>${COLUMNS.map(
      ([key, title]) =>
        html`<option value="${key}"${key === query.state ? new SafeHtml(' selected') : ''}>${title}</option>`,
    )}</select></div></div>
<p><button type="submit" class="secondary">Show</button>${filtered ? html` <a href="/console/programs/${program.id}/pairings">Show every pairing</a>` : ''}</p>
</form>
${filtered ? html`<p role="status">${count} ${count === 1 ? 'pairing matches' : 'pairings match'}.</p>` : ''}
<p><a href="/console/programs/${program.id}/pairings.csv" download>Download every pairing as a CSV</a></p>
<div class="board">${shown
      .map(({ key, title, cards: list }) => ({ key, title, list }))
      .map(
        ({
          key,
          title,
          list,
        }) => html`<section aria-labelledby="col-${key}"><h2 id="col-${key}">${title} (${list.length})</h2>
${list.length === 0 ? html`<p class="muted">None.</p>` : html`<ul style="list-style:none;padding:0;margin:0">${list.map((c) => card(key, c, now))}</ul>`}</section>`,
      )}</div>`,
  );
}

const avg = (a: { average: number | null }): number | null => a.average;

/** The program report as charts, with the CSV download. */
export function reportPage(frame: ConsoleFrame, program: ProgramView, r: ProgramReport): string {
  const label = (key: string) => program.skills.find((s) => s.key === key)?.label ?? key;
  const f = r.funnel;
  const funnel: Bar[] = [
    { label: 'Coachees enrolled', value: f.enrolledCoachees },
    { label: 'Matched', value: f.matched },
    { label: 'Offered', value: f.offered },
    { label: 'Accepted', value: f.accepted },
    { label: 'Active', value: f.active },
    { label: 'Completed', value: f.completed },
    { label: 'Ended early', value: f.ended },
  ];
  const offers: Bar[] = [
    { label: 'Accepted', value: r.offers.accepted },
    { label: 'Declined', value: r.offers.declined },
    { label: 'Expired', value: r.offers.expired },
  ];
  const sessions: Bar[] = [
    { label: 'Held', value: r.sessions.held },
    { label: 'Missed', value: r.sessions.missed },
    { label: 'Scheduled', value: r.sessions.scheduled },
    { label: 'Cancelled', value: r.sessions.cancelled },
  ];
  const feedback: Bar[] = [
    { label: 'Session rating', value: avg(r.feedback.sessionRating) },
    { label: 'Alliance: goals', value: avg(r.feedback.alliance.goals) },
    { label: 'Alliance: tasks', value: avg(r.feedback.alliance.tasks) },
    { label: 'Alliance: bond', value: avg(r.feedback.alliance.bond) },
    ...Object.entries(r.feedback.progress).map(([skill, a]) => ({ label: `Progress: ${label(skill)}`, value: avg(a) })),
  ];
  const growth: Bar[] = Object.entries(r.growth).flatMap(([skill, g]) => [
    { label: `${label(skill)}: intake`, value: g.intakeLevel },
    { label: `${label(skill)}: closing`, value: g.closingLevel },
  ]);
  const rate =
    r.offers.acceptanceRate === null
      ? 'No decided offers yet'
      : `${Math.round(r.offers.acceptanceRate * 100)}% of decided offers accepted`;
  return consolePage(
    `${program.name}: report`,
    { ...frame, program: { id: program.id, name: program.name, current: 'report' } },
    html`<h1>Report</h1>
<p><a class="button" href="/console/programs/${program.id}/report.csv" download>Download the report as CSV</a></p>
<p class="muted">Feedback and growth figures resting on fewer than ${r.minimumPeople} people are withheld, so that no answer can be traced to a person.</p>
<h2>Funnel</h2>${barChart('funnel', 'Coachees through the program', funnel, Math.max(1, ...funnel.map((b) => b.value ?? 0)), { color: 0 })}
<h2>Acceptance</h2><p>${rate}${r.offers.medianTimeToAcceptSeconds !== null ? html`; median time to accept ${age(new Date(Date.now() - r.offers.medianTimeToAcceptSeconds * 1000))}` : ''}.</p>
${barChart('offers', 'Offer decisions', offers, Math.max(1, ...offers.map((b) => b.value ?? 0)), { color: 1 })}
<h2>Sessions</h2><p>${r.sessions.planned} planned.</p>${barChart('sessions', 'Sessions by state', sessions, Math.max(1, ...sessions.map((b) => b.value ?? 0)), { color: 2 })}
<h2>Feedback</h2><p>${r.feedback.answers} coachee answers.</p>${barChart('feedback', 'Averages (1-5)', feedback, 5, { color: 3 })}
<h2>Growth per skill</h2>${Object.values(r.growth).every((g) => g.answers === 0) ? html`<p>No closing surveys yet.</p>` : barChart('growth', 'Self-rated level (0-5), at intake and at the close', growth, 5, { color: 4 })}
<h2>At risk</h2>${
      r.atRisk.length === 0
        ? html`<p>No pairing is at risk.</p>`
        : html`<ul>${r.atRisk.map((p) => html`<li>${p.coachee} with ${p.coach}: ${endReasonText(p.reason)} (since ${when(p.since)})${p.rematchOffered ? ', re-match offered' : ''}</li>`)}</ul>`
    }`,
  );
}

/** An email's text with its links clickable (every other character escaped). */
export function linkedText(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    parts.push(html`${text.slice(last, m.index)}<a href="${url}">${url}</a>`);
    last = m.index + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}

/** The local mail viewer: the organization's outbox with working links (only while SMTP_URL is unset), filtered and paged. */
export function mailPage(
  frame: ConsoleFrame,
  items: OutboxItem[],
  page: { query: MailPageQuery; more: boolean; kinds: { kind: string; count: number }[] } = {
    query: { kind: '', to: '', offset: 0, limit: items.length },
    more: false,
    kinds: [],
  },
): string {
  const { query } = page;
  const kindName = (kind: string) => MAIL_KINDS[kind] ?? kind;
  const link = (offset: number) =>
    `/console/mail?kind=${encodeURIComponent(query.kind)}&to=${encodeURIComponent(query.to)}&offset=${offset}`;
  return consolePage(
    'Mail',
    frame,
    html`<h1>Mail (local viewer)</h1>
<p class="muted">SMTP_URL is not set, so emails stay in the outbox instead of being sent. Here are your organization's emails, newest first; their links work. The jobs that send them are on the <a href="/console/queues">queue dashboard</a>.</p>
<form method="get" action="/console/mail" role="search">
<div class="grid"><div><label for="mail-kind">Kind</label><select id="mail-kind" name="kind"><option value=""${query.kind === '' ? new SafeHtml(' selected') : ''}>Every kind</option>${page.kinds.map(
      (k) =>
        html`<option value="${k.kind}"${k.kind === query.kind ? new SafeHtml(' selected') : ''}>${kindName(k.kind)} (${k.count})</option>`,
    )}</select></div>
<div><label for="mail-to">Recipient</label><input type="search" id="mail-to" name="to" value="${query.to}" placeholder="name@example.com"></div></div>
<p><button type="submit" class="secondary">Show</button></p>
</form>
${
  items.length === 0
    ? html`<p>No email matches.</p>`
    : html`<p class="muted" role="status">Emails ${query.offset + 1} to ${query.offset + items.length}${query.kind ? html` of kind “${kindName(query.kind)}”` : ''}${query.to ? html` to addresses containing “${query.to}”` : ''}.</p>
${items.map(
  (m) => html`<article class="card"><h2 style="font-size:1rem;margin:0">${m.subject}</h2>
<p class="muted">To ${m.to} · ${when(m.createdAt)} · ${words(MAIL_STATUS, m.status)} · ${kindName(m.idempotencyKey.split(':')[0])}</p>
<details><summary>Read the email</summary><pre class="mail">${linkedText(m.text)}</pre></details></article>`,
)}`
}
<nav aria-label="Pages of mail"><p>${query.offset > 0 ? html`<a href="${link(Math.max(0, query.offset - query.limit))}">Newer emails</a>` : ''}${query.offset > 0 && page.more ? ' · ' : ''}${
      page.more ? html`<a href="${link(query.offset + query.limit)}">Older emails</a>` : ''
    }</p></nav>`,
  );
}

const OFFER_DECISION: Record<string, string> = {
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Expired without an answer',
};

/** One pairing with its cadence: every planned session and its state. */
export function pairingPage(
  frame: ConsoleFrame,
  program: ProgramView,
  pairing: PairingItem,
  sessions: PairingSession[],
): string {
  return consolePage(
    `${program.name}: pairing`,
    { ...frame, program: { id: program.id, name: program.name, current: 'pairings' } },
    html`<h1>${pairing.coachee.name} with ${pairing.coach.name}</h1>
<dl class="grid">
<div><dt>Status</dt><dd>${words(PAIRING_STATE, pairing.status)}</dd></div>
${pairing.atRiskReason ? html`<div><dt>${pairing.status === 'active' ? 'At risk' : 'Why it ended'}</dt><dd>${endReasonText(pairing.atRiskReason)}</dd></div>` : ''}
<div><dt>Score</dt><dd>${pairing.score.toFixed(1)}</dd></div>
<div><dt>Coach</dt><dd>${pairing.coach.name} (${pairing.coach.email})</dd></div>
<div><dt>Coachee</dt><dd>${pairing.coachee.name} (${pairing.coachee.email})</dd></div>
<div><dt>Offer</dt><dd>${pairing.offerDecision ? words(OFFER_DECISION, pairing.offerDecision) : pairing.offerExpiresAt ? html`Open until ${when(pairing.offerExpiresAt)}` : 'None'}</dd></div>
<div><dt>Active since</dt><dd>${pairing.activatedAt ? when(pairing.activatedAt) : 'Not yet'}</dd></div>
</dl>
<h2>About the coach</h2>
${pairing.coach.bio ? html`<p class="bio">${pairing.coach.bio}</p>` : html`<p class="muted">${pairing.coach.name} has not written a bio.</p>`}
<h2>Sessions (${program.cadence.sessions} planned, ${everyText(program.cadence.interval)})</h2>
${
  sessions.length === 0
    ? html`<p>No sessions planned yet: they are planned when the coach accepts.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Session</th><th scope="col">Starts</th><th scope="col">Status</th><th scope="col">Changes</th></tr></thead>
<tbody>${sessions.map((s) => html`<tr><td>${s.index}</td><td>${when(s.startsAt)}</td><td>${words(SESSION_STATE, s.status)}</td><td>${s.sequence}</td></tr>`)}</tbody></table></div>`
}
<p><a href="/console/programs/${program.id}/pairings">Back to the board</a></p>`,
  );
}
