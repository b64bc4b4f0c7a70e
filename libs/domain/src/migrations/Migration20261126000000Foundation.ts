import { Migration } from '@mikro-orm/migrations';

/** Organizations, API keys, people, programs, enrollments, imports, the outbox and the audit log. */
export class Migration20261126000000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "api_key_role" as enum ('admin', 'operator');`);
    this.addSql(`create type "outbox_status" as enum ('pending', 'sending', 'sent', 'held', 'failed');`);
    this.addSql(`create type "program_status" as enum ('draft', 'active', 'archived');`);
    this.addSql(`create type "import_status" as enum ('queued', 'running', 'succeeded', 'failed');`);
    this.addSql(`create type "import_format" as enum ('csv', 'json');`);
    this.addSql(`create type "enrollment_role" as enum ('coach', 'coachee');`);
    this.addSql(`create type "enrollment_status" as enum ('active', 'withdrawn');`);
    this.addSql(
      `create table "organization" ("id" uuid not null, "name" text not null, "created_at" timestamptz not null default now(), constraint "organization_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "audit_event" ("id" uuid not null, "organization_id" uuid not null, "actor" text not null, "action" text not null, "subject_type" text not null, "subject_id" uuid not null, "data" jsonb null, "created_at" timestamptz not null default now(), constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "audit_event_subject_type_subject_id_index" on "audit_event" ("subject_type", "subject_id");`,
    );
    this.addSql(
      `create index "audit_event_organization_id_created_at_index" on "audit_event" ("organization_id", "created_at");`,
    );
    this.addSql(
      `create table "api_key" ("id" uuid not null, "organization_id" uuid not null, "role" "api_key_role" not null, "key_hash" text not null, "prefix" text not null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "api_key_organization_id_index" on "api_key" ("organization_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);
    this.addSql(
      `create table "outbox_message" ("id" uuid not null, "organization_id" uuid not null, "idempotency_key" text not null, "to" text not null, "subject" text not null, "text" text not null, "html" text null, "status" "outbox_status" not null default 'pending', "attempts" int not null default 0, "locked_until" timestamptz null, "last_error" text null, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, constraint "outbox_message_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_idempotency_key_unique" unique ("idempotency_key");`,
    );
    this.addSql(
      `create index "outbox_message_pending_idx" on "outbox_message" ("created_at") where "status" in ('pending', 'sending');`,
    );
    this.addSql(
      `create index "outbox_message_organization_id_created_at_index" on "outbox_message" ("organization_id", "created_at");`,
    );
    this.addSql(
      `create table "person" ("id" uuid not null, "organization_id" uuid not null, "email" text not null, "name" text not null, "department" text null, "manager_email" text null, "level" smallint null, "timezone" text not null, "languages" text[] not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "person_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "person" add constraint "person_organization_id_email_unique" unique ("organization_id", "email");`,
    );
    this.addSql(
      `create table "program" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "status" "program_status" not null default 'active', "skills" jsonb not null, "policy" jsonb not null, "cadence" jsonb not null, "offer_ttl" text not null, "feedback" jsonb not null, "auto_publish" boolean not null default false, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "program_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "program_organization_id_index" on "program" ("organization_id");`);
    this.addSql(
      `create table "import_batch" ("id" uuid not null, "organization_id" uuid not null, "program_id" uuid not null, "status" "import_status" not null default 'queued', "format" "import_format" not null, "source" text null, "rows" int not null default 0, "processed" int not null default 0, "created" int not null default 0, "updated" int not null default 0, "unchanged" int not null default 0, "errors" jsonb not null default '[]', "created_at" timestamptz not null default now(), "started_at" timestamptz null, "finished_at" timestamptz null, constraint "import_batch_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "import_batch_program_id_created_at_index" on "import_batch" ("program_id", "created_at");`,
    );
    this.addSql(
      `create table "enrollment" ("id" uuid not null, "program_id" uuid not null, "person_id" uuid not null, "role" "enrollment_role" not null, "status" "enrollment_status" not null default 'active', "capacity" smallint null, "skills" jsonb not null, "goals" text null, "bio" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "enrollment_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "enrollment_person_id_index" on "enrollment" ("person_id");`);
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_program_id_person_id_role_unique" unique ("program_id", "person_id", "role");`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "person" add constraint "person_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "program" add constraint "program_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "import_batch" add constraint "import_batch_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "import_batch" add constraint "import_batch_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'enrollment',
      'import_batch',
      'program',
      'person',
      'outbox_message',
      'api_key',
      'audit_event',
      'organization',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    for (const type of [
      'api_key_role',
      'outbox_status',
      'program_status',
      'import_status',
      'import_format',
      'enrollment_role',
      'enrollment_status',
    ]) {
      this.addSql(`drop type if exists "${type}";`);
    }
  }
}
