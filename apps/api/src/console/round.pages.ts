import type { ScoreBreakdown } from '@tandem/domain';
import { html, pairReasonText, SafeHtml, unmatchedReasonText } from '@tandem/mail';
import {
  type CoacheeOptions,
  type EnrollmentListItem,
  type ProgramView,
  type ProposalItem,
  type RoundView,
  whyLower,
} from '@tandem/workflows';
import { type ConsoleFrame, consolePage, csrfField, errorSummary, when } from './console-layout';

/** An unmatched reason in words (shared with the admin's email). */
export const unmatchedReason = unmatchedReasonText;

/** A round's status line (also the polled JSON's label). */
export function roundLabel(round: RoundView): string {
  if (round.status === 'queued') return 'Waiting for a worker…';
  if (round.status === 'running')
    return `Solving${round.phase ? `: ${round.phase}` : ''} (${Math.round(round.progress * 100)}%)`;
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
    (t) =>
      html`<span class="t${Math.max(0, terms.indexOf(t.term)) % 6}" style="width:${Math.min(100, t.points).toFixed(2)}%" title="${t.term}: ${t.points.toFixed(1)}"></span>`,
  )}</div>`;
}

/** A pinned pair this many points (or more) below the coachee's best allowed coach gets a warning. */
export const LOW_PIN_GAP = 10;

/** How a coachee's pair changed in a re-solve. */
export interface MovedPair {
  coachee: string;
  before: string | null;
  after: string | null;
  /** The coachee of the admin's own change. */
  yours: boolean;
}

/** The first 8 hex digits of an id: enough to tell a round's people apart in a URL. */
export const shortId = (id: string) => id.replace(/-/g, '').slice(0, 8);

/** A round's pairs before a change, for the URL that shows what the re-solve moved ("coachee8coach8.…"). */
export function pairsBefore(proposals: { coachee: { id: string }; coach: { id: string } }[]): string {
  return proposals.map((p) => `${shortId(p.coachee.id)}${shortId(p.coach.id)}`).join('.');
}

/** What moved between the pairs before (`pairsBefore`) and the round's proposals now. */
export function movedPairs(
  before: string,
  proposals: ProposalItem[],
  names: Map<string, string>,
  yours: string | undefined,
): MovedPair[] {
  const was = new Map<string, string>();
  for (const pair of before.split('.')) if (/^[0-9a-f]{16}$/.test(pair)) was.set(pair.slice(0, 8), pair.slice(8));
  const nameOf = (short: string | null) =>
    short === null ? null : (names.get(short) ?? 'a coach no longer in the pool');
  const moved: MovedPair[] = [];
  const now = new Set<string>();
  for (const p of proposals) {
    const e = shortId(p.coachee.id);
    now.add(e);
    const c = shortId(p.coach.id);
    if (was.get(e) !== c)
      moved.push({
        coachee: p.coachee.name,
        before: nameOf(was.get(e) ?? null),
        after: p.coach.name,
        yours: e === yours,
      });
  }
  for (const [e, c] of was)
    if (!now.has(e))
      moved.push({
        coachee: names.get(e) ?? 'a coachee no longer in the pool',
        before: nameOf(c),
        after: null,
        yours: e === yours,
      });
  return moved.sort((a, b) => Number(b.yours) - Number(a.yours) || a.coachee.localeCompare(b.coachee));
}

/** What the review adds to a proposed round: each coachee's options, and what the last re-solve moved. */
export interface RoundReview {
  options: Map<string, CoacheeOptions>;
  moved?: MovedPair[];
}

/** A coach's option as the swap list says it ("Coach2 Smith: 71.3, 1 place free"). */
function optionLabel(name: string, option: CoacheeOptions['others'][number] | null | undefined): string {
  if (!option) return name;
  if (option.ruledOut) return `${name}: not allowed (${pairReasonText(option.ruledOut)})`;
  return `${name}: ${option.score!.toFixed(1)}, ${option.freePlaces === 1 ? '1 place' : `${option.freePlaces} places`} free`;
}

/** Warnings on pinned pairs that score well below the coachee's best allowed coach. */
export function lowPinWarnings(proposals: ProposalItem[], options: Map<string, CoacheeOptions>): string[] {
  const warnings: string[] = [];
  for (const p of proposals.filter((x) => x.pinned)) {
    const best = options.get(p.coachee.id)?.others.find((o) => o.score !== null);
    if (best && best.score! - p.score >= LOW_PIN_GAP) {
      warnings.push(
        `${p.coachee.name} is pinned to ${p.coach.name} (score ${p.score.toFixed(1)}), ${(best.score! - p.score).toFixed(1)} points below ${best.name} (${best.score!.toFixed(1)}${best.freePlaces > 0 ? '' : ', no free place'}).`,
      );
    }
  }
  return warnings;
}

/** A round: live progress while it solves; then the proposals with pin, swap and remove, the unmatched and publish. */
export function roundPage(
  frame: ConsoleFrame,
  program: ProgramView,
  round: RoundView,
  proposals: ProposalItem[],
  coaches: EnrollmentListItem[],
  message?: { alert?: string; notice?: string },
  review: RoundReview = { options: new Map() },
): string {
  const solving = round.status === 'queued' || round.status === 'running';
  const editable = round.status === 'proposed';
  const warnings = editable ? lowPinWarnings(proposals, review.options) : [];
  const names = new Map<string, string>([
    ...coaches.map((c) => [c.id, c.name] as const),
    ...proposals.map((p) => [p.coachee.id, p.coachee.name] as const),
    ...round.unmatchedCoachees.map((u) => [u.coacheeId, u.name] as const),
  ]);
  const terms = [...new Set(proposals.flatMap((p) => p.breakdown.terms.map((t) => t.term)))];
  const csrf = csrfField(frame.csrf!);
  const revision = html`<input type="hidden" name="revision" value="${round.revision}">`;
  return consolePage(
    `${program.name}: round`,
    {
      ...frame,
      program: { id: program.id, name: program.name, current: 'rounds' },
      refreshSeconds: solving ? 2 : undefined,
    },
    html`<h1>Round of ${when(round.createdAt)}</h1>
${errorSummary(message?.alert)}${message?.notice ? html`<div class="notice" role="status">${message.notice}</div>` : ''}
<div${solving ? html` data-poll="/console/rounds/${round.id}/status"` : ''} aria-live="polite">
${solving ? html`<label for="round-progress">Progress</label><progress id="round-progress" max="1" value="${round.progress}">${Math.round(round.progress * 100)}%</progress>` : ''}
<p data-status><strong>${roundLabel(round)}</strong></p>
</div>
${solving ? html`<p class="muted">This page updates by itself.</p>` : ''}
${
  review.moved && !solving
    ? html`<section aria-labelledby="moved-title"><h2 id="moved-title">What the re-solve changed</h2>${
        review.moved.filter((m) => !m.yours).length === 0
          ? html`<p>No other pair moved.</p>`
          : html`<p>${review.moved.filter((m) => !m.yours).length} other ${review.moved.filter((m) => !m.yours).length === 1 ? 'coachee’s pair' : 'coachees’ pairs'} moved:</p>`
      }<ul class="moved">${review.moved.map(
        (m) =>
          html`<li>${m.coachee}: ${m.before ?? 'unmatched'} → ${m.after ?? 'unmatched'}${m.yours ? ' (your change)' : ''}</li>`,
      )}</ul></section>`
    : ''
}
${warnings.length > 0 ? html`<div class="alert" role="alert"><strong>Check these pinned pairs:</strong><ul>${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : ''}
${
  editable
    ? html`<p>Publishing emails every coach an offer (with a link to accept or decline). <a class="button" href="/console/rounds/${round.id}/publish">Publish ${proposals.length} offers…</a></p>`
    : ''
}
${round.status === 'published' ? html`<p>Published ${when(round.publishedAt)}. Follow the offers on the <a href="/console/programs/${program.id}/pairings">pairing board</a>.</p>` : ''}
${
  proposals.length > 0 && !solving
    ? html`<h2>${round.status === 'published' ? 'Published pairs' : 'Proposed pairs'}</h2>
<p class="legend muted" aria-hidden="true">Score parts:${terms.map((t, i) => html`<span class="t${i % 6}"></span>${t}`)}</p>
<div class="table-wrap"><table class="stack proposals"><thead><tr><th scope="col">Coachee</th><th scope="col">Coach</th><th scope="col">Score</th><th scope="col">Why</th>${editable ? html`<th scope="col">Change</th>` : ''}</tr></thead>
<tbody>${proposals.map(
        (
          p,
        ) => html`<tr><td data-label="Coachee">${p.coachee.name}</td><td data-label="Coach">${p.coach.name}${p.pinned ? html` <strong>(pinned)</strong>` : ''}</td>
<td data-label="Score">${scoreBar(p.breakdown, terms)}<span>${p.score.toFixed(1)}</span></td>
<td data-label="Why"><ul>${p.breakdown.reasons.map((r) => html`<li>${r}</li>`)}</ul>${editable ? html`<a href="/console/rounds/${round.id}/coachees/${p.coachee.id}">Other coaches for ${p.coachee.name}</a>` : ''}</td>
${
  editable
    ? html`<td class="actions" data-label="Change">
<form method="post" action="/console/rounds/${round.id}/pins">${csrf}${revision}<input type="hidden" name="coacheeId" value="${p.coachee.id}">
<label for="swap-${p.id}">Coach for ${p.coachee.name}</label>
<select id="swap-${p.id}" name="coachId">${coaches.map((c) => {
        const opts = review.options.get(p.coachee.id);
        const option = c.id === p.coach.id ? opts?.current : opts?.others.find((o) => o.coachId === c.id);
        return html`<option value="${c.id}"${c.id === p.coach.id ? new SafeHtml(' selected') : ''}>${optionLabel(c.name, option)}</option>`;
      })}</select>
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
    ? html`<h2>Unmatched coachees</h2><ul>${round.unmatchedCoachees.map(
        (u) =>
          html`<li>${u.name}: ${unmatchedReason(u.reason)}${editable ? html` (<a href="/console/rounds/${round.id}/coachees/${u.coacheeId}">see every coach for ${u.name}</a>)` : ''}</li>`,
      )}</ul>`
    : ''
}
${
  editable && round.exclusions.length > 0 && !solving
    ? html`<h2>Removed pairs</h2><p class="muted">Undoing a removal allows the pair again and solves the round again (the pair comes back where it is the best choice).</p><ul class="removed">${round.exclusions.map(
        (x) =>
          html`<li>${names.get(x.coacheeId) ?? 'A coachee no longer in the pool'} with ${names.get(x.coachId) ?? 'a coach no longer in the pool'} <form method="post" action="/console/rounds/${round.id}/restorations" class="inline">${csrf}${revision}<input type="hidden" name="coacheeId" value="${x.coacheeId}"><input type="hidden" name="coachId" value="${x.coachId}"><button type="submit" class="small secondary">Undo the removal</button></form></li>`,
      )}</ul>`
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

/** A coachee's options in a proposed round: every coach with the score, places left and why it is lower. */
export function alternativesPage(
  frame: ConsoleFrame,
  program: ProgramView,
  round: RoundView,
  options: CoacheeOptions,
): string {
  const editable = round.status === 'proposed';
  const csrf = csrfField(frame.csrf!);
  const allowed = options.others.filter((o) => o.score !== null);
  const ruledOut = options.others.filter((o) => o.score === null);
  const current = options.current;
  return consolePage(
    `${program.name}: coaches for ${options.name}`,
    { ...frame, program: { id: program.id, name: program.name, current: 'rounds' } },
    html`<h1>Coaches for ${options.name}</h1>
${editable ? '' : html`<div class="notice" role="status">This round is no longer open for review (${roundLabel(round)}): the figures are for information, as scored now.</div>`}
<p>${current ? html`Proposed: <strong>${current.name}</strong>, score ${current.score!.toFixed(1)}.` : 'This round proposes no coach for them.'} ${allowed.length} other ${allowed.length === 1 ? 'coach is' : 'coaches are'} allowed, ${ruledOut.length} ruled out by the program’s rules.</p>
${
  allowed.length === 0
    ? html`<p>No other coach is allowed for ${options.name}.</p>`
    : html`<div class="table-wrap"><table class="stack alternatives"><caption>Other coaches, best first</caption>
<thead><tr><th scope="col">Coach</th><th scope="col">Score</th><th scope="col">Free places</th><th scope="col">Why lower</th>${editable ? html`<th scope="col">Change</th>` : ''}</tr></thead>
<tbody>${allowed.map(
        (o) =>
          html`<tr><td data-label="Coach">${o.name}</td><td data-label="Score">${o.score!.toFixed(1)}</td><td data-label="Free places">${o.freePlaces}</td><td data-label="Why lower">${whyLower(o, current, pairReasonText)}</td>${
            editable
              ? html`<td data-label="Change"><form method="post" action="/console/rounds/${round.id}/pins">${csrf}<input type="hidden" name="revision" value="${round.revision}"><input type="hidden" name="coacheeId" value="${options.coacheeId}"><input type="hidden" name="coachId" value="${o.coachId}"><button type="submit" class="small" aria-label="Pin this coach: ${o.name} for ${options.name}">Pin this coach</button></form></td>`
              : ''
          }</tr>`,
      )}</tbody></table></div>`
}
${ruledOut.length > 0 ? html`<h2>Ruled out</h2><ul>${ruledOut.map((o) => html`<li>${o.name}: ${pairReasonText(o.ruledOut!)}</li>`)}</ul>` : ''}
<p><a href="/console/rounds/${round.id}">Back to the round</a></p>`,
  );
}

/** The publish step: what publishing sends, before anything is sent. Works without JavaScript. */
export function publishPage(
  frame: ConsoleFrame,
  program: ProgramView,
  round: RoundView,
  proposals: ProposalItem[],
): string {
  const coaches = new Set(proposals.map((p) => p.coach.id)).size;
  const emails = proposals.length;
  return consolePage(
    `${program.name}: publish the round`,
    { ...frame, program: { id: program.id, name: program.name, current: 'rounds' } },
    html`<h1>Publish this round?</h1>
${
  round.status !== 'proposed'
    ? html`<p>This round cannot be published now: ${roundLabel(round)}.</p>`
    : html`<p>Publishing sends <strong>${emails} offer ${emails === 1 ? 'email' : 'emails'}</strong> to ${coaches} ${coaches === 1 ? 'coach' : 'coaches'}, one for each proposed pair, each with a link to accept or decline. It cannot be undone.</p>
${round.unmatchedCoachees.length > 0 ? html`<p>${round.unmatchedCoachees.length} unmatched ${round.unmatchedCoachees.length === 1 ? 'coachee goes' : 'coachees go'} on the waiting list.</p>` : ''}
<form method="post" action="/console/rounds/${round.id}/publish">${csrfField(frame.csrf!)}<button type="submit">Send ${emails} offer ${emails === 1 ? 'email' : 'emails'}</button> <a href="/console/rounds/${round.id}">Not now, back to the round</a></form>`
}`,
  );
}
