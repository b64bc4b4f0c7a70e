import { rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { asDate, type Restore, type Sweep, SWEEP_BATCH } from '../sweep';

/** Pending offers past expiry, and pending offers whose reminder is due: one sweep job per program. */
export const sweepOffers: Sweep = async ({ em, producer, now }) => {
  const expiries = await rawQuery<{ program_id: string }>(
    em,
    `select distinct p.program_id from offer o join pairing p on p.id = o.pairing_id where o.decision is null and o.expires_at <= ?`,
    [now],
  );
  const reminders = await rawQuery<{ program_id: string }>(
    em,
    `select distinct p.program_id from offer o join pairing p on p.id = o.pairing_id
      where o.decision is null and o.reminded_at is null and o.expires_at > ?
        and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) <= ?`,
    [now, now],
  );
  let revived = await producer.requeue(
    JobName.PairingExpireOffers,
    expiries.map((e) => ({ programId: e.program_id, dueAt: now.getTime() })),
  );
  revived += await producer.requeue(
    JobName.PairingRemindOffers,
    reminders.map((r) => ({ programId: r.program_id, dueAt: now.getTime() })),
  );
  return { counts: { offerExpiries: expiries.length, offerReminders: reminders.length }, revived };
};

/** Each program's next offer expiry and reminder: one sweep per program at its next due time, which queues the next. */
export const restoreOffers: Restore = async ({ em, producer, now }) => {
  const expiries = await rawQuery<{ program_id: string; due_at: Date }>(
    em,
    `select p.program_id, min(o.expires_at) as due_at from offer o join pairing p on p.id = o.pairing_id
      where o.decision is null and o.expires_at > ? group by p.program_id limit ?`,
    [now, SWEEP_BATCH],
  );
  const reminders = await rawQuery<{ program_id: string; due_at: Date }>(
    em,
    `select p.program_id, min(o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2)) as due_at
       from offer o join pairing p on p.id = o.pairing_id
      where o.decision is null and o.reminded_at is null and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) > ?
      group by p.program_id limit ?`,
    [now, SWEEP_BATCH],
  );
  await producer.enqueueAt(
    JobName.PairingExpireOffers,
    expiries.map((e) => ({
      payload: { programId: e.program_id, dueAt: asDate(e.due_at).getTime() },
      dueAt: asDate(e.due_at),
    })),
    now,
  );
  await producer.enqueueAt(
    JobName.PairingRemindOffers,
    reminders.map((r) => ({
      payload: { programId: r.program_id, dueAt: asDate(r.due_at).getTime() },
      dueAt: asDate(r.due_at),
    })),
    now,
  );
  return expiries.length + reminders.length;
};
