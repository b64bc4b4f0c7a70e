import { Migration } from '@mikro-orm/migrations';

/** Invitations and the questionnaire: a program's registration settings, invitations, and open registration requests. */
export class Migration20261204040000Invitations extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "program_registration" ("program_id" uuid not null, "deadline" timestamptz null, "reminder_days" jsonb null, "closed_at" timestamptz null, "open_registration" boolean not null default false, "allowed_domains" text[] not null default '{}', "link_token_hash" text not null, "updated_at" timestamptz not null default now(), constraint "program_registration_pkey" primary key ("program_id"));`,
    );
    this.addSql(
      `alter table "program_registration" add constraint "program_registration_link_token_hash_unique" unique ("link_token_hash");`,
    );
    this.addSql(
      `alter table "program_registration" add constraint "program_registration_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "invitation" ("id" uuid not null, "program_id" uuid not null, "email" text not null, "name" text not null, "role" "enrollment_role" not null, "locale" text null, "token_hash" text not null, "source" text not null, "prefill" jsonb null, "answers" jsonb null, "enrollment_id" uuid null, "invited_at" timestamptz null, "opened_at" timestamptz null, "reminders_sent" smallint not null default 0, "remind_at" timestamptz null, "extra_reminders" smallint not null default 0, "last_reminded_at" timestamptz null, "submitted_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "invitation_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "invitation_remind_at_index" on "invitation" ("remind_at");`);
    this.addSql(
      `alter table "invitation" add constraint "invitation_program_id_email_unique" unique ("program_id", "email");`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "registration_request" ("id" uuid not null, "program_id" uuid not null, "email" text not null, "token_hash" text not null, "sends" smallint not null default 0, "confirmed_at" timestamptz null, "last_sent_at" timestamptz not null default now(), "created_at" timestamptz not null default now(), constraint "registration_request_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "registration_request" add constraint "registration_request_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `alter table "registration_request" add constraint "registration_request_program_id_email_unique" unique ("program_id", "email");`,
    );
    this.addSql(
      `alter table "registration_request" add constraint "registration_request_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "registration_request" cascade;`);
    this.addSql(`drop table if exists "invitation" cascade;`);
    this.addSql(`drop table if exists "program_registration" cascade;`);
  }
}
