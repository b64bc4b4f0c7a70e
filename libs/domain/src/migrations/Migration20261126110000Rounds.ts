import { Migration } from '@mikro-orm/migrations';

/** Matching rounds, pairings and coach offers; a program's admin email and an enrollment's unmatched reason. */
export class Migration20261126110000Rounds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create type "round_status" as enum ('queued', 'running', 'proposed', 'published', 'superseded', 'failed');`,
    );
    this.addSql(
      `create type "pairing_status" as enum ('proposed', 'offered', 'active', 'declined', 'expired', 'withdrawn', 'ended', 'completed');`,
    );
    this.addSql(`create type "offer_decision" as enum ('accepted', 'declined', 'expired');`);
    this.addSql(
      `create table "matching_round" ("id" uuid not null, "organization_id" uuid not null, "program_id" uuid not null, "status" "round_status" not null default 'queued', "progress" double precision not null default 0, "phase" text null, "objective" text not null, "pins" jsonb not null default '[]', "exclusions" jsonb not null default '[]', "stats" jsonb null, "unmatched" jsonb not null default '[]', "error" text null, "revision" int not null default 1, "created_at" timestamptz not null default now(), "finished_at" timestamptz null, "published_at" timestamptz null, constraint "matching_round_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "matching_round_program_id_created_at_index" on "matching_round" ("program_id", "created_at");`,
    );
    this.addSql(
      `create unique index "matching_round_one_running" on "matching_round" ("program_id") where "status" in ('queued', 'running');`,
    );
    this.addSql(
      `create table "pairing" ("id" uuid not null, "organization_id" uuid not null, "program_id" uuid not null, "round_id" uuid null, "coach_id" uuid not null, "coachee_id" uuid not null, "status" "pairing_status" not null default 'proposed', "score" double precision not null, "breakdown" jsonb not null, "pinned" boolean not null default false, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "activated_at" timestamptz null, "ended_at" timestamptz null, constraint "pairing_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "pairing_round_id_index" on "pairing" ("round_id");`);
    this.addSql(`create index "pairing_coachee_id_index" on "pairing" ("coachee_id");`);
    this.addSql(`create index "pairing_program_id_status_index" on "pairing" ("program_id", "status");`);
    this.addSql(`create index "pairing_coach_id_status_index" on "pairing" ("coach_id", "status");`);
    this.addSql(
      `create unique index "pairing_live_coachee_unique" on "pairing" ("coachee_id") where "status" in ('offered', 'active');`,
    );
    this.addSql(
      `create unique index "pairing_round_coachee_unique" on "pairing" ("round_id", "coachee_id") where "status" = 'proposed';`,
    );
    this.addSql(
      `create table "offer" ("id" uuid not null, "pairing_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "decision" "offer_decision" null, "decline_reason" text null, "decided_at" timestamptz null, "reminded_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "offer_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "offer" add constraint "offer_pairing_id_unique" unique ("pairing_id");`);
    this.addSql(`alter table "offer" add constraint "offer_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "offer_pending_expiry_idx" on "offer" ("expires_at") where "decision" is null;`);
    this.addSql(
      `alter table "matching_round" add constraint "matching_round_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "matching_round" add constraint "matching_round_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_round_id_foreign" foreign key ("round_id") references "matching_round" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_coach_id_foreign" foreign key ("coach_id") references "enrollment" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_coachee_id_foreign" foreign key ("coachee_id") references "enrollment" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "offer" add constraint "offer_pairing_id_foreign" foreign key ("pairing_id") references "pairing" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "program" add column "admin_email" text null;`);
    this.addSql(`alter table "enrollment" add column "unmatched_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "enrollment" drop column "unmatched_reason";`);
    this.addSql(`alter table "program" drop column "admin_email";`);
    for (const table of ['offer', 'pairing', 'matching_round']) this.addSql(`drop table if exists "${table}" cascade;`);
    for (const type of ['offer_decision', 'pairing_status', 'round_status'])
      this.addSql(`drop type if exists "${type}";`);
  }
}
