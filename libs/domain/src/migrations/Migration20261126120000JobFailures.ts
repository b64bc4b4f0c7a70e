import { Migration } from '@mikro-orm/migrations';

/** Jobs that failed for good, recorded against their subject. */
export class Migration20261126120000JobFailures extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "job_failure" ("id" uuid not null, "queue" text not null, "job_name" text not null, "job_id" text not null, "subject_type" text null, "subject_id" text null, "attempts" int not null, "occurrences" int not null default 1, "error" text not null, "first_failed_at" timestamptz not null default now(), "last_failed_at" timestamptz not null default now(), constraint "job_failure_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "job_failure_last_failed_at_index" on "job_failure" ("last_failed_at");`);
    this.addSql(
      `create index "job_failure_subject_type_subject_id_index" on "job_failure" ("subject_type", "subject_id");`,
    );
    this.addSql(
      `alter table "job_failure" add constraint "job_failure_queue_job_id_unique" unique ("queue", "job_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_failure" cascade;`);
  }
}
