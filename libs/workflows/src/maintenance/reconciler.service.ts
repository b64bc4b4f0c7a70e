import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { rawQuery } from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';

/** What one reconcile pass queued again. */
export interface ReconcileReport {
  emails: number;
  imports: number;
}

/** Work younger than this is left alone: its own producer is probably still about to queue it. */
const GRACE_SECONDS = 30;
const BATCH = 5000;

/**
 * Re-creates jobs from database state, so that losing Redis (or a crash between commit and enqueue) loses nothing.
 * Job ids are deterministic, so queueing work that is already queued is a no-op; handlers guard in the database.
 */
@Injectable()
export class ReconcilerService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const em = this.em.fork();
    const messages = await rawQuery<{ id: string }>(
      em,
      `select id from outbox_message
        where (status = 'pending' or (status = 'sending' and locked_until < now()))
          and created_at < now() - make_interval(secs => ?)
        order by created_at limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    const imports = await rawQuery<{ id: string }>(
      em,
      `select id from import_batch where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) order by created_at limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    await this.producer.enqueueMany(JobName.EmailSend, messages.map((m) => ({ messageId: m.id })));
    await this.producer.enqueueMany(JobName.IntakeImportBatch, imports.map((i) => ({ importId: i.id })));
    return { emails: messages.length, imports: imports.length };
  }
}
