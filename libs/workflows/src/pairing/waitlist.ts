import type { EntityManager } from '@mikro-orm/postgresql';
import { LIVE_PAIRING_STATUSES, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName, type JobProducer } from '@tandem/queues';

/** A program whose waiting list is due to be matched, from a place that freed up at `dueAt` (epoch ms). */
export interface WaitlistDue {
  programId: string;
  dueAt: number;
}

/**
 * The waiting list of a program (a coachee enrollment aliased `e`): active coachees without an offered or active
 * pairing whom a published round or a re-match left unmatched (`unmatched_reason` says why).
 */
export const WAITING_SQL = `(e.role = 'coachee' and e.status = 'active' and e.unmatched_reason is not null
  and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)}))`;

/**
 * A place freed up in these programs: marks their waiting lists due, inside the caller's transaction (the marker only
 * moves forward, so the reconciler re-derives a lost job from it). Programs that are not running are left alone.
 * Callers mark before they update enrollments, so the lock order (program, then enrollment) is the one intake uses.
 * Answers the jobs for the caller to queue after commit.
 */
export async function markWaitlistDue(em: EntityManager, programIds: string[], now: Date): Promise<WaitlistDue[]> {
  if (programIds.length === 0) return [];
  const rows = await rawQuery<{ id: string; due: string }>(
    em,
    // Rows locked in id order, so two transactions freeing places in the same programs never deadlock on them.
    `update program set waitlist_due_at = greatest(coalesce(waitlist_due_at, '-infinity'), ?::timestamptz)
      where id in (select id from program where id = any(?::uuid[]) and status = 'active' order by id for update)
      returning id, waitlist_due_at as due`,
    [now, [...new Set(programIds)]],
  );
  return rows.map((r) => ({ programId: r.id, dueAt: new Date(r.due).getTime() }));
}

/**
 * A coach's place freed up (one of their pairings ended, completed or was declined): every running program where the
 * same person coaches has a place more, since free places count across programs.
 */
export async function coachPlaceFreed(
  em: EntityManager,
  coachEnrollmentIds: string | string[],
  now: Date,
): Promise<WaitlistDue[]> {
  const programs = await rawQuery<{ program_id: string }>(
    em,
    `select distinct o.program_id from enrollment c join enrollment o on o.person_id = c.person_id and o.role = 'coach' and o.status = 'active'
      where c.id = any(?::uuid[])`,
    [typeof coachEnrollmentIds === 'string' ? [coachEnrollmentIds] : coachEnrollmentIds],
  );
  return markWaitlistDue(
    em,
    programs.map((p) => p.program_id),
    now,
  );
}

/** Queues the waiting-list jobs; for `afterCommit`. */
export async function queueWaitlist(producer: JobProducer, dues: WaitlistDue[]): Promise<void> {
  await producer.enqueueMany(JobName.MatchingMatchWaiting, dues);
}
