import { LIVE_PAIRING_STATUSES, PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { DEFAULT_INACTIVITY_GRACE, DEFAULT_INACTIVITY_WINDOW } from '../programs/program-settings';
import { type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** Coachees who took a re-match link but were not re-matched, and active pairings whose inactivity step is due. */
export const sweepRisk: Sweep = async ({ em, producer, now }) => {
  // Coachees who took a re-match after an at-risk pairing but have no live pairing and no verdict yet.
  const rematches = await rawQuery<{ coachee_id: string; attempt: string }>(
    em,
    `select e.id as coachee_id, -(select count(*) from pairing d where d.coachee_id = e.id and d.rematch_accepted_at is not null) as attempt
       from enrollment e
      where e.role = 'coachee' and e.status = 'active' and e.unmatched_reason is null
        and exists (select 1 from pairing d where d.coachee_id = e.id and d.rematch_accepted_at < ?::timestamptz - make_interval(secs => ?)
                      and not exists (select 1 from pairing n where n.coachee_id = e.id and n.created_at > d.rematch_accepted_at))
        and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
      limit ?`,
    [now, SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  // Active pairings whose inactivity nudge or close is due (the window runs from the last held session).
  const inactive = await rawQuery<{ id: string }>(
    em,
    `select p.id from (
       select p.id, p.nudged_at, prog.feedback,
              greatest(p.activated_at, (select max(s.starts_at) from coaching_session s where s.pairing_id = p.id and s.status = 'held')) as since
         from pairing p join program prog on prog.id = p.program_id
        where p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean and p.activated_at is not null) p
      where (p.nudged_at >= p.since and p.nudged_at + coalesce(p.feedback ->> 'inactivityGrace', ?)::interval <= ?)
         or ((p.nudged_at is null or p.nudged_at < p.since) and p.since + coalesce(p.feedback ->> 'inactivityWindow', ?)::interval <= ?)
      limit ?`,
    [DEFAULT_INACTIVITY_GRACE, now, DEFAULT_INACTIVITY_WINDOW, now, SWEEP_BATCH],
  );
  let revived = await producer.requeue(
    JobName.MatchingRematchCoachee,
    rematches.map((r) => ({ coacheeId: r.coachee_id, attempt: Number(r.attempt) })),
  );
  revived += await producer.requeue(
    JobName.FeedbackCheckInactivity,
    inactive.map((p) => ({ pairingId: p.id, dueAt: now.getTime() })),
  );
  return { counts: { riskRematches: rematches.length, inactivityChecks: inactive.length }, revived };
};
