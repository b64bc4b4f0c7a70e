import type { ScoreBreakdown } from '@tandem/domain';
import { html, SafeHtml } from '@tandem/mail';
import type { EnrollmentListItem, ProgramView, RoundView } from '@tandem/workflows';
import { type ConsoleFrame, consolePage, csrfField, errorSummary, when } from './console-layout';

/** A proposal as RoundsService.proposals lists it. */
export interface ProposalRow {
  id: string;
  status: string;
  score: number;
  pinned: boolean;
  breakdown: ScoreBreakdown;
  coach: { id: string; name: string; email: string };
  coachee: { id: string; name: string; email: string };
}

const UNMATCHED_REASON: Record<string, string> = {
  'same-person': 'the only coaches are themselves',
  excluded: 'every fitting pair was removed',
  'declined-before': 'every fitting coach declined them or coached them before',
  'reporting-line': 'every coach is in their reporting line',
  'same-department': 'every coach is in their department',
  'no-shared-language': 'no coach shares a language with them',
  'timezone-gap': 'no coach is within the allowed time-zone gap',
  forbidden: 'every pair is forbidden',
  'below-min-score': 'every pair scores below the lowest acceptable score',
  'no-capacity': 'the coaches who fit have no free places',
  'no-coaches': 'the program has no coach with free places',
};

/** An unmatched reason in words. */
export const unmatchedReason = (code: string) => UNMATCHED_REASON[code] ?? code;

/** A round's status line (also the polled JSON's label). */
export function roundLabel(round: RoundView): string {
  if (round.status === 'queued') return 'Waiting for a worker…';
  if (round.status === 'running') return `Solving${round.phase ? `: ${round.phase}` : ''} (${Math.round(round.progress * 100)}%)`;
  if (round.status === 'failed') return `Failed${round.error ? `: ${round.error}` : ''}`;
  if (round.status === 'proposed') return `Proposed: ${round.matched ?? 0} pairs, ${round.unmatched ?? 0} unmatched`;
  if (round.status === 'published') return `Published: ${round.matched ?? 0} offers sent`;
  return round.status;
}

/** The program's rounds and the launch button. */
export function roundsPage(frame: ConsoleFrame, program: ProgramView, rounds: RoundView[], alert?: string): string {
  return consolePage(
    `${program.name}: rounds`,
    { ...frame, program: { id: program.id, name: program.name, current: 'rounds' } },
    html`<h1>Rounds</h1>
${errorSummary(alert)}
<form method="post" action="/console/programs/${program.id}/rounds">${csrfField(frame.csrf!)}
<p>A round matches every coachee still waiting with the coaches who have free places. You review the proposals before anything is sent. Launching again replaces a round that is not published.</p>
<p><button type="submit">Launch a round</button></p></form>
${
  rounds.length === 0
    ? html`<p>No rounds yet.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Launched</th><th scope="col">Status</th><th scope="col">Pairs</th><th scope="col">Unmatched</th><th scope="col">Published</th></tr></thead>
<tbody>${rounds.map(
        (r) =>
          html`<tr><td><a href="/console/rounds/${r.id}">${when(r.createdAt)}</a></td><td>${r.status}</td><td>${r.matched ?? ''}</td><td>${r.unmatched ?? ''}</td><td>${when(r.publishedAt)}</td></tr>`,
      )}</tbody></table></div>`
}`,
  );
}

/** A score as a bar with one segment per term, and the same in words for screen readers. */
export function scoreBar(breakdown: ScoreBreakdown, terms: string[]): SafeHtml {
  const parts = breakdown.terms.filter((t) => t.points > 0);
  const words = parts.map((t) => `${t.term} ${t.points.toFixed(1)}`).join(', ');
  return html`<div class="bar" role="img" aria-label="Score ${breakdown.score.toFixed(1)} of 100: ${words}">${parts.map(
    (t) => html`<span class="t${Math.max(0, terms.indexOf(t.term)) % 6}" style="width:${Math.min(100, t.points).toFixed(2)}%" title="${t.term}: ${t.points.toFixed(1)}"></span>`,
  )}</div>`;
}

/** A round: live progress while it solves; then the proposals with pin, swap and remove, the unmatched and publish. */
export function roundPage(
  frame: ConsoleFrame,
  program: ProgramView,
  round: RoundView,
  proposals: ProposalRow[],
  coaches: EnrollmentListItem[],
  message?: { alert?: string; notice?: string },
): string {
  const solving = round.status === 'queued' || round.status === 'running';
  const editable = round.status === 'proposed';
  const terms = [...new Set(proposals.flatMap((p) => p.breakdown.terms.map((t) => t.term)))];
  const csrf = csrfField(frame.csrf!);
  const revision = html`<input type="hidden" name="revision" value="${round.revision}">`;
  return consolePage(
    `${program.name}: round`,
    { ...frame, program: { id: program.id, name: program.name, current: 'rounds' }, refreshSeconds: solving ? 2 : undefined },
    html`<h1>Round of ${when(round.createdAt)}</h1>
${errorSummary(message?.alert)}${message?.notice ? html`<div class="notice" role="status">${message.notice}</div>` : ''}
<div${solving ? html` data-poll="/console/rounds/${round.id}/status"` : ''} aria-live="polite">
${solving ? html`<label for="round-progress">Progress</label><progress id="round-progress" max="1" value="${round.progress}">${Math.round(round.progress * 100)}%</progress>` : ''}
<p data-status><strong>${roundLabel(round)}</strong></p>
</div>
${solving ? html`<p class="muted">This page updates by itself.</p>` : ''}
${
  editable
    ? html`<form method="post" action="/console/rounds/${round.id}/publish">${csrf}<p>Publishing emails every coach an offer (with a link to accept or decline). <button type="submit">Publish ${proposals.length} offers</button></p></form>`
    : ''
}
${round.status === 'published' ? html`<p>Published ${when(round.publishedAt)}. Follow the offers on the <a href="/console/programs/${program.id}/pairings">pairing board</a>.</p>` : ''}
${
  proposals.length > 0 && !solving
    ? html`<h2>${round.status === 'published' ? 'Published pairs' : 'Proposed pairs'}</h2>
<p class="legend muted" aria-hidden="true">Score parts:${terms.map((t, i) => html`<span class="t${i % 6}"></span>${t}`)}</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Coachee</th><th scope="col">Coach</th><th scope="col">Score</th><th scope="col">Why</th>${editable ? html`<th scope="col">Change</th>` : ''}</tr></thead>
<tbody>${proposals.map(
        (p) => html`<tr><td>${p.coachee.name}</td><td>${p.coach.name}${p.pinned ? html` <strong>(pinned)</strong>` : ''}</td>
<td>${scoreBar(p.breakdown, terms)}<span>${p.score.toFixed(1)}</span></td>
<td><ul>${p.breakdown.reasons.map((r) => html`<li>${r}</li>`)}</ul></td>
${
  editable
    ? html`<td class="actions">
<form method="post" action="/console/rounds/${round.id}/pins">${csrf}${revision}<input type="hidden" name="coacheeId" value="${p.coachee.id}">
<label for="swap-${p.id}">Coach for ${p.coachee.name}</label>
<select id="swap-${p.id}" name="coachId">${coaches.map((c) => html`<option value="${c.id}"${c.id === p.coach.id ? new SafeHtml(' selected') : ''}>${c.name}</option>`)}</select>
<button type="submit" class="small">Pin or swap</button></form>
${
  p.pinned
    ? html`<form method="post" action="/console/rounds/${round.id}/unpin">${csrf}${revision}<input type="hidden" name="coacheeId" value="${p.coachee.id}"><button type="submit" class="small secondary">Unpin</button></form>`
    : ''
}
<form method="post" action="/console/rounds/${round.id}/exclusions">${csrf}${revision}<input type="hidden" name="coacheeId" value="${p.coachee.id}"><input type="hidden" name="coachId" value="${p.coach.id}">
<button type="submit" class="small danger">Remove pair</button></form>
</td>`
    : ''
}</tr>`,
      )}</tbody></table></div>`
    : ''
}
${
  round.unmatchedCoachees.length > 0 && !solving
    ? html`<h2>Unmatched coachees</h2><ul>${round.unmatchedCoachees.map((u) => html`<li>${u.name}: ${unmatchedReason(u.reason)}</li>`)}</ul>`
    : ''
}
${
  round.stats && !solving
    ? html`<p class="muted">Total score ${round.totalScore?.toFixed(1) ?? ''}, lowest ${round.lowestScore?.toFixed(1) ?? ''}; solved in ${String((round.stats as { solveMs?: number }).solveMs ?? '')} ms. Revision ${round.revision}.</p>`
    : ''
}
<p><a href="/console/programs/${program.id}/rounds">All rounds</a></p>`,
  );
}
