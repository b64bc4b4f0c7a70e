import { Migration } from '@mikro-orm/migrations';

/** Coaching sessions, a coach's preferred weekday and hour, and the .ics an outbox message carries. */
export class Migration20261126130000Cadence extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "session_status" as enum ('scheduled', 'held', 'missed', 'cancelled');`);
    this.addSql(
      `create table "coaching_session" ("id" uuid not null, "pairing_id" uuid not null, "index" smallint not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "status" "session_status" not null default 'scheduled', "sequence" int not null default 0, "remind_at" timestamptz not null, "reminded_at" timestamptz null, "coach_token_hash" text not null, "coachee_token_hash" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "coaching_session_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "coaching_session" add constraint "coaching_session_coach_token_hash_unique" unique ("coach_token_hash");`,
    );
    this.addSql(
      `alter table "coaching_session" add constraint "coaching_session_coachee_token_hash_unique" unique ("coachee_token_hash");`,
    );
    this.addSql(
      `alter table "coaching_session" add constraint "coaching_session_pairing_id_index_unique" unique ("pairing_id", "index");`,
    );
    this.addSql(
      `create index "coaching_session_remind_due_idx" on "coaching_session" ("remind_at") where "status" = 'scheduled' and "reminded_at" is null;`,
    );
    this.addSql(
      `alter table "coaching_session" add constraint "coaching_session_pairing_id_foreign" foreign key ("pairing_id") references "pairing" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "enrollment" add column "preferred_day" smallint null, add column "preferred_hour" smallint null;`,
    );
    this.addSql(`alter table "outbox_message" add column "ics" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outbox_message" drop column "ics";`);
    this.addSql(`alter table "enrollment" drop column "preferred_day", drop column "preferred_hour";`);
    this.addSql(`drop table if exists "coaching_session" cascade;`);
    this.addSql(`drop type if exists "session_status";`);
  }
}
