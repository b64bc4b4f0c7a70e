import { PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { asDate, type Restore, type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** Feedback reminders due but not sent, and coachee answers the coaches' estimates have not learned from. */
export const sweepFeedback: Sweep = async ({ em, producer, now }) => {
  const reminders = await rawQuery<{ id: string }>(
    em,
    `select f.id from feedback f
       join coaching_session s on s.id = f.session_id
       join pairing p on p.id = s.pairing_id
      where f.submitted_at is null and f.reminded_at is null and f.remind_at <= ? and p.status in ${pairingStatusSql(PairingStatus.Active, PairingStatus.Completed)}
      order by f.remind_at limit ?`,
    [now, SWEEP_BATCH],
  );
  // Organizations with a coachee's answer newer than its coach's estimates (the aggregate job was lost): one job each
  // (it recomputes the whole organization), named by the program and submission of the newest such answer.
  const aggregates = await rawQuery<{ program_id: string; feedback_id: string }>(
    em,
    `select distinct on (pr.organization_id) pr.program_id, f.id as feedback_id
       from feedback f
       join coaching_session s on s.id = f.session_id
       join pairing pr on pr.id = s.pairing_id
       join enrollment ce on ce.id = pr.coach_id
      where f.role = 'coachee' and f.submitted_at is not null and f.submitted_at < ?::timestamptz - make_interval(secs => ?)
        and f.submitted_at > coalesce((select max(e.updated_at) from coach_learning e where e.organization_id = pr.organization_id and e.person_id = ce.person_id), '-infinity')
      order by pr.organization_id, f.submitted_at desc
      limit ?`,
    [now, SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  let revived = await producer.requeue(
    JobName.FeedbackRemind,
    reminders.map((f) => ({ feedbackId: f.id })),
  );
  revived += await producer.requeue(
    JobName.FeedbackAggregate,
    aggregates.map((a) => ({ programId: a.program_id, feedbackId: a.feedback_id })),
  );
  return { counts: { feedbackReminders: reminders.length, effectiveness: aggregates.length }, revived };
};

/** Feedback reminders due later, each delayed until its time. */
export const restoreFeedback: Restore = async ({ em, producer, now }) => {
  const reminders = await rawQuery<{ id: string; due_at: Date }>(
    em,
    `select f.id, f.remind_at as due_at from feedback f
       join coaching_session s on s.id = f.session_id
       join pairing p on p.id = s.pairing_id
      where f.submitted_at is null and f.reminded_at is null and f.remind_at > ? and p.status in ${pairingStatusSql(PairingStatus.Active, PairingStatus.Completed)}
      order by f.remind_at limit ?`,
    [now, SWEEP_BATCH],
  );
  await producer.enqueueAt(
    JobName.FeedbackRemind,
    reminders.map((f) => ({ payload: { feedbackId: f.id }, dueAt: asDate(f.due_at) })),
    now,
  );
  return reminders.length;
};
