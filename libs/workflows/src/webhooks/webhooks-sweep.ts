import { rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { asDate, type Restore, type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** Pending deliveries whose attempt is due and may have lost its job: queued again as their next attempt. */
export const sweepWebhooks: Sweep = async ({ em, producer, now }) => {
  const due = await rawQuery<{ id: string; attempts: number }>(
    em,
    `select id, attempts from webhook_delivery where status = 'pending' and next_attempt_at < ?::timestamptz - make_interval(secs => ?) order by next_attempt_at limit ?`,
    [now, SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  const revived = await producer.requeue(
    JobName.WebhooksDeliver,
    due.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1 })),
  );
  return { counts: { webhooks: due.length }, revived };
};

/** After Redis came back empty: every pending delivery's next attempt, delayed until its time. */
export const restoreWebhooks: Restore = async ({ em, producer, now }) => {
  const pending = await rawQuery<{ id: string; attempts: number; next_attempt_at: Date | string }>(
    em,
    `select id, attempts, next_attempt_at from webhook_delivery where status = 'pending' order by next_attempt_at limit ?`,
    [SWEEP_BATCH],
  );
  await producer.enqueueAt(
    JobName.WebhooksDeliver,
    pending.map((d) => ({ payload: { deliveryId: d.id, attempt: d.attempts + 1 }, dueAt: asDate(d.next_attempt_at) })),
    now,
  );
  return pending.length;
};
