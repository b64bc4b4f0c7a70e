import { Entity, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from './base';

/**
 * A job that ran out of attempts or hit a permanent error, recorded against its subject (the id its payload names),
 * so that work Redis has given up on stays visible in the database. One row per job id; a job that fails for good
 * again (re-queued by the reconciler, say) bumps `occurrences`.
 */
@Entity({ tableName: 'job_failure' })
@Unique({ properties: ['queue', 'jobId'] })
@Index({ properties: ['subjectType', 'subjectId'] })
@Index({ properties: ['lastFailedAt'] })
export class JobFailure {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  queue!: string;

  @Property({ type: 'text' })
  jobName!: string;

  @Property({ type: 'text' })
  jobId!: string;

  /** The payload's id field without its `Id` suffix (`message`, `import`, `round`...). */
  @Property({ type: 'text', nullable: true })
  subjectType?: string | null;

  @Property({ type: 'text', nullable: true })
  subjectId?: string | null;

  @Property({ type: 'integer' })
  attempts!: number;

  @Property({ type: 'integer', default: 1 })
  occurrences: Opt<number> = 1;

  /** The last error message, with emails and secrets taken out. */
  @Property({ type: 'text' })
  error!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  firstFailedAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  lastFailedAt: Opt<Date> = new Date();
}
