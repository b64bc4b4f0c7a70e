import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';
import { Program } from './program.entity';

export enum ImportStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

export enum ImportFormat {
  Csv = 'csv',
  Json = 'json',
}

/** One problem in an import; `row` counts data rows from 1 (the CSV header is row 0). */
export interface ImportRowError {
  row: number;
  column: string;
  message: string;
}

/** A CSV or JSON batch of enrollments. The source stays in Postgres, never in a job payload. */
@Entity({ tableName: 'import_batch' })
@Index({ properties: ['program', 'createdAt'] })
@Index({
  name: 'import_batch_live_source_unique',
  expression: `create unique index "import_batch_live_source_unique" on "import_batch" ("program_id", "source_hash") where "status" in ('queued', 'running')`,
})
export class ImportBatch {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  @Enum({ items: () => ImportStatus, nativeEnumName: 'import_status' })
  status: Opt<ImportStatus> = ImportStatus.Queued;

  @Enum({ items: () => ImportFormat, nativeEnumName: 'import_format' })
  format!: ImportFormat;

  /** The validated records as JSON, for the worker; cleared once the import has finished so personal data is not kept twice. */
  @Property({ type: 'text', nullable: true, lazy: true })
  source?: string | null;

  /** SHA-256 of the validated records: an identical import into a program that is still queued or running is refused. */
  @Property({ type: 'text', nullable: true })
  sourceHash?: string | null;

  @Property({ type: 'integer' })
  rows: Opt<number> = 0;

  @Property({ type: 'integer' })
  processed: Opt<number> = 0;

  @Property({ type: 'integer' })
  created: Opt<number> = 0;

  @Property({ type: 'integer' })
  updated: Opt<number> = 0;

  @Property({ type: 'integer' })
  unchanged: Opt<number> = 0;

  /** Rows naming an alumni enrollment: counted as unchanged or updated, their status left alone. */
  @Property({ type: 'integer' })
  alumni: Opt<number> = 0;

  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  errors: Opt<ImportRowError[]> = [];

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}
