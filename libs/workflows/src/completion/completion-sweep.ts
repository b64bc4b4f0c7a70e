import { PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';
import { COMPLETION_DUE_SQL } from './completion-due';

/** Active pairings whose sessions have all closed but that never completed (the completion job was lost). */
export const sweepCompletion: Sweep = async ({ em, producer, now }) => {
  const completions = await rawQuery<{ id: string }>(
    em,
    `select p.id from pairing p join program prog on prog.id = p.program_id
      where p.status in ${pairingStatusSql(PairingStatus.Active)} and p.updated_at < ?::timestamptz - make_interval(secs => ?) and ${COMPLETION_DUE_SQL}
      limit ?`,
    [now, SWEEP_GRACE_SECONDS, now, SWEEP_BATCH],
  );
  const revived = await producer.requeue(
    JobName.FeedbackCompletePairing,
    completions.map((c) => ({ pairingId: c.id })),
  );
  return { counts: { completions: completions.length }, revived };
};
