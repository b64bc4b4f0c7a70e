import { PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { asDate, type Restore, type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';
import { CLOSE_AT_SQL } from './session-plan';

/** Active pairings never planned, session reminders due but not sent, and sessions past their close time. */
export const sweepCadence: Sweep = async ({ em, producer, now }) => {
  const plans = await rawQuery<{ id: string }>(
    em,
    `select p.id from pairing p
      where p.status in ${pairingStatusSql(PairingStatus.Active)} and p.activated_at < ?::timestamptz - make_interval(secs => ?)
        and not exists (select 1 from coaching_session s where s.pairing_id = p.id)
      limit ?`,
    [now, SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  const reminders = await rawQuery<{ id: string; sequence: number }>(
    em,
    `select s.id, s.sequence from coaching_session s join pairing p on p.id = s.pairing_id
      where s.status = 'scheduled' and s.reminded_at is null and s.remind_at <= ? and p.status in ${pairingStatusSql(PairingStatus.Active)}
      order by s.remind_at limit ?`,
    [now, SWEEP_BATCH],
  );
  // Sessions past their close time whose feedback was never requested (the requests and their emails are written in
  // one transaction, so a session with requests needs nothing more).
  const closes = await rawQuery<{ id: string; sequence: number }>(
    em,
    `select s.id, s.sequence from coaching_session s
       join pairing p on p.id = s.pairing_id
       join program prog on prog.id = p.program_id
      where s.status <> 'cancelled' and p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean
        and ${CLOSE_AT_SQL} <= ?
        and not exists (select 1 from feedback f where f.session_id = s.id)
      order by s.ends_at limit ?`,
    [now, SWEEP_BATCH],
  );
  let revived = await producer.requeue(
    JobName.CadenceScheduleSessions,
    plans.map((p) => ({ pairingId: p.id })),
  );
  revived += await producer.requeue(
    JobName.CadenceRemind,
    reminders.map((r) => ({ sessionId: r.id, sequence: r.sequence })),
  );
  revived += await producer.requeue(
    JobName.CadenceCloseSession,
    closes.map((c) => ({ sessionId: c.id, sequence: c.sequence })),
  );
  return {
    counts: { sessionPlans: plans.length, sessionReminders: reminders.length, sessionCloses: closes.length },
    revived,
  };
};

/** Session reminders and closes due later, each delayed until its time. */
export const restoreCadence: Restore = async ({ em, producer, now }) => {
  const reminders = await rawQuery<{ id: string; sequence: number; due_at: Date }>(
    em,
    `select s.id, s.sequence, s.remind_at as due_at from coaching_session s join pairing p on p.id = s.pairing_id
      where s.status = 'scheduled' and s.reminded_at is null and s.remind_at > ? and p.status in ${pairingStatusSql(PairingStatus.Active)}
      order by s.remind_at limit ?`,
    [now, SWEEP_BATCH],
  );
  const closes = await rawQuery<{ id: string; sequence: number; due_at: Date }>(
    em,
    `select s.id, s.sequence, ${CLOSE_AT_SQL} as due_at from coaching_session s
       join pairing p on p.id = s.pairing_id
       join program prog on prog.id = p.program_id
      where s.status <> 'cancelled' and p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean
        and ${CLOSE_AT_SQL} > ?
        and not exists (select 1 from feedback f where f.session_id = s.id)
      order by 3 limit ?`,
    [now, SWEEP_BATCH],
  );
  await producer.enqueueAt(
    JobName.CadenceRemind,
    reminders.map((r) => ({ payload: { sessionId: r.id, sequence: r.sequence }, dueAt: asDate(r.due_at) })),
    now,
  );
  await producer.enqueueAt(
    JobName.CadenceCloseSession,
    closes.map((c) => ({ payload: { sessionId: c.id, sequence: c.sequence }, dueAt: asDate(c.due_at) })),
    now,
  );
  return reminders.length + closes.length;
};
