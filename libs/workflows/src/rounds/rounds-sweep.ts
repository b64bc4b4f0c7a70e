import { LIVE_PAIRING_STATUSES, pairingStatusSql, rawQuery, UNTAKEN_PAIRING_STATUSES } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** Rounds still queued or running, coachees awaiting a re-match after an offer ended, and waiting lists due. */
export const sweepRounds: Sweep = async ({ em, producer, now }) => {
  const rounds = await rawQuery<{ id: string; revision: number }>(
    em,
    `select id, revision from matching_round where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) limit ?`,
    [SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  // A coachee whose last offer ended (declined or expired) with no live pairing and no verdict yet awaits a re-match.
  const rematches = await rawQuery<{ coachee_id: string; attempt: string }>(
    em,
    `select e.id as coachee_id, (select count(*) from pairing d where d.coachee_id = e.id and d.status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)}) as attempt
       from enrollment e
      where e.role = 'coachee' and e.status = 'active' and e.unmatched_reason is null
        and exists (select 1 from pairing d where d.coachee_id = e.id and d.status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)} and d.updated_at < now() - make_interval(secs => ?))
        and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
      limit ?`,
    [SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  // Programs where a place freed up but the waiting list was not matched for it (the job was lost).
  const waitlists = await rawQuery<{ id: string; due: string }>(
    em,
    `select id, waitlist_due_at as due from program
      where status = 'active' and waitlist_due_at < ?::timestamptz - make_interval(secs => ?)
        and (waitlist_done_at is null or waitlist_done_at < waitlist_due_at)
      limit ?`,
    // The due mark is written at the Clock's time, so it is compared with the pass's.
    [now, SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  let revived = await producer.requeue(
    JobName.MatchingRunRound,
    rounds.map((r) => ({ roundId: r.id, revision: r.revision })),
  );
  revived += await producer.requeue(
    JobName.MatchingRematchCoachee,
    rematches.map((r) => ({ coacheeId: r.coachee_id, attempt: Number(r.attempt) })),
  );
  revived += await producer.requeue(
    JobName.MatchingMatchWaiting,
    waitlists.map((w) => ({ programId: w.id, dueAt: new Date(w.due).getTime() })),
  );
  return { counts: { rounds: rounds.length, rematches: rematches.length, waitingLists: waitlists.length }, revived };
};
