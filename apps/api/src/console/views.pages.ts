import { everyText } from '@tandem/domain';
import { html } from '@tandem/mail';
import type { OutboxItem } from '@tandem/mail';
import { type BoardCard, type BoardColumn, endReasonText, type PairingSession, type ProgramReport, type ProgramView } from '@tandem/workflows';
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
export const SESSION_STATE: Record<string, string> = { scheduled: 'Scheduled', held: 'Held', missed: 'Missed', cancelled: 'Cancelled' };

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

/** The pairing board: one column per state. */
export function boardPage(frame: ConsoleFrame, program: ProgramView, columns: Record<BoardColumn, BoardCard[]>, now = Date.now()): string {
  return consolePage(
    `${program.name}: pairings`,
    { ...frame, program: { id: program.id, name: program.name, current: 'pairings' } },
    html`<h1>Pairings</h1>
<div class="board">${COLUMNS.map(
      ([key, title]) => html`<section aria-labelledby="col-${key}"><h2 id="col-${key}">${title} (${columns[key].length})</h2>
${columns[key].length === 0 ? html`<p class="muted">None.</p>` : html`<ul style="list-style:none;padding:0;margin:0">${columns[key].map((c) => card(key, c, now))}</ul>`}</section>`,
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
  const rate = r.offers.acceptanceRate === null ? 'No decided offers yet' : `${Math.round(r.offers.acceptanceRate * 100)}% of decided offers accepted`;
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

/** The local mail viewer: the organization's outbox with working links (only while SMTP_URL is unset). */
export function mailPage(frame: ConsoleFrame, items: OutboxItem[]): string {
  return consolePage(
    'Mail',
    frame,
    html`<h1>Mail (local viewer)</h1>
<p class="muted">SMTP_URL is not set, so emails stay in the outbox instead of being sent. Here are your organization's latest ${items.length}, newest first; their links work. The jobs that send them are on the <a href="/console/queues">queue dashboard</a>.</p>
${items.map(
  (m) => html`<article class="card"><h2 style="font-size:1rem;margin:0">${m.subject}</h2>
<p class="muted">To ${m.to} · ${when(m.createdAt)} · ${words(MAIL_STATUS, m.status)}</p>
<pre class="mail">${m.text}</pre></article>`,
)}`,
  );
}

/** A pairing as PairingsService.get shows it. */
export interface PairingDetail {
  id: string;
  programId: string;
  status: string;
  score: number;
  createdAt: string;
  activatedAt: string | null;
  coach: { name: string; email: string; bio?: string | null };
  coachee: { name: string; email: string };
  offerExpiresAt: string | null;
  offerDecision: string | null;
  atRiskReason?: string | null;
  endedAt?: string | null;
}

const OFFER_DECISION: Record<string, string> = { accepted: 'Accepted', declined: 'Declined', expired: 'Expired without an answer' };

/** One pairing with its cadence: every planned session and its state. */
export function pairingPage(frame: ConsoleFrame, program: ProgramView, pairing: PairingDetail, sessions: PairingSession[]): string {
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
