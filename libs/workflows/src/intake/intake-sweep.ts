import { rawQuery } from '@tandem/domain';
import { JobName } from '@tandem/queues';
import { type Sweep, SWEEP_BATCH, SWEEP_GRACE_SECONDS } from '../sweep';

/** Imports still queued or running (a lost `intake.import-batch`). */
export const sweepIntake: Sweep = async ({ em, producer }) => {
  const imports = await rawQuery<{ id: string }>(
    em,
    `select id from import_batch where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) order by created_at limit ?`,
    [SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  const revived = await producer.requeue(
    JobName.IntakeImportBatch,
    imports.map((i) => ({ importId: i.id })),
  );
  return { counts: { imports: imports.length }, revived };
};
