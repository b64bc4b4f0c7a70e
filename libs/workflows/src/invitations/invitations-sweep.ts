import { rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { asDate, type Restore, type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** The deadline in force of the program of an invitation `i` (joined `program_registration r`), or null. */
const CLOSES_AT = `case when r.closed_at is null then r.deadline when r.deadline is null then r.closed_at else least(r.deadline, r.closed_at) end`;

/**
 * Invitations whose email was never written (a lost `intake.send-invitations`: one job per program) and scheduled
 * reminders due but not sent (a lost `intake.remind-invitation`), while registration is open.
 */
export const sweepInvitations: Sweep = async ({ em, producer, now }) => {
  const programs = await rawQuery<{ program_id: string; due_at: Date }>(
    em,
    `select i.program_id, min(i.created_at) as due_at
       from invitation i left join program_registration r on r.program_id = i.program_id
      where i.invited_at is null and i.submitted_at is null and i.created_at < ?::timestamptz - make_interval(secs => ?)
        and (${CLOSES_AT} is null or ${CLOSES_AT} > ?)
      group by i.program_id limit ?`,
    [now, SWEEP_GRACE_SECONDS, now, SWEEP_BATCH],
  );
  const reminders = await rawQuery<{ id: string; reminders_sent: number; remind_at: Date }>(
    em,
    `select i.id, i.reminders_sent, i.remind_at from invitation i left join program_registration r on r.program_id = i.program_id
      where i.remind_at <= ? and i.submitted_at is null and (${CLOSES_AT} is null or ${CLOSES_AT} > ?)
      order by i.remind_at limit ?`,
    [now, now, SWEEP_BATCH],
  );
  let revived = await producer.requeue(
    JobName.IntakeSendInvitations,
    programs.map((p) => ({ programId: p.program_id, dueAt: asDate(p.due_at).getTime() })),
  );
  revived += await producer.requeue(
    JobName.IntakeRemindInvitation,
    reminders.map((r) => ({
      invitationId: r.id,
      reminder: r.reminders_sent + 1,
      dueAt: asDate(r.remind_at).getTime(),
    })),
  );
  return { counts: { invitations: programs.length, invitationReminders: reminders.length }, revived };
};

/** Scheduled reminders due later, each delayed until its time. */
export const restoreInvitations: Restore = async ({ em, producer, now }) => {
  const reminders = await rawQuery<{ id: string; reminders_sent: number; remind_at: Date }>(
    em,
    `select i.id, i.reminders_sent, i.remind_at from invitation i left join program_registration r on r.program_id = i.program_id
      where i.remind_at > ? and i.submitted_at is null and (${CLOSES_AT} is null or ${CLOSES_AT} > i.remind_at)
      order by i.remind_at limit ?`,
    [now, SWEEP_BATCH],
  );
  await producer.enqueueAt(
    JobName.IntakeRemindInvitation,
    reminders.map((r) => ({
      payload: { invitationId: r.id, reminder: r.reminders_sent + 1, dueAt: asDate(r.remind_at).getTime() },
      dueAt: asDate(r.remind_at),
    })),
    now,
  );
  return reminders.length;
};
