import { Migration } from '@mikro-orm/migrations';

/** Feedback requests and answers per session and respondent, and each coach's learned effectiveness per skill. */
export class Migration20261126140000Feedback extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "feedback_role" as enum ('coach', 'coachee');`);
    this.addSql(`create type "feedback_fit" as enum ('good', 'not_sure', 'not_good');`);
    this.addSql(`create type "session_attendance" as enum ('held', 'missed', 'moved');`);
    this.addSql(
      `create table "feedback" ("id" uuid not null, "session_id" uuid not null, "role" "feedback_role" not null, "token_hash" text not null, "requested_at" timestamptz not null, "remind_at" timestamptz not null, "reminded_at" timestamptz null, "submitted_at" timestamptz null, "session_rating" smallint null, "progress" jsonb null, "alliance_goals" smallint null, "alliance_tasks" smallint null, "alliance_bond" smallint null, "fit" "feedback_fit" null, "attendance" "session_attendance" null, "note" text null, "created_at" timestamptz not null default now(), constraint "feedback_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "feedback" add constraint "feedback_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create index "feedback_remind_due_idx" on "feedback" ("remind_at") where "submitted_at" is null and "reminded_at" is null;`,
    );
    this.addSql(
      `alter table "feedback" add constraint "feedback_session_id_role_unique" unique ("session_id", "role");`,
    );
    this.addSql(
      `alter table "feedback" add constraint "feedback_session_id_foreign" foreign key ("session_id") references "coaching_session" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create table "coach_effectiveness" ("id" uuid not null, "program_id" uuid not null, "coach_id" uuid not null, "skill" text not null, "estimate" double precision not null, "answers" int not null, "updated_at" timestamptz not null default now(), constraint "coach_effectiveness_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "coach_effectiveness_program_id_index" on "coach_effectiveness" ("program_id");`);
    this.addSql(
      `alter table "coach_effectiveness" add constraint "coach_effectiveness_coach_id_skill_unique" unique ("coach_id", "skill");`,
    );
    this.addSql(
      `alter table "coach_effectiveness" add constraint "coach_effectiveness_program_id_foreign" foreign key ("program_id") references "program" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "coach_effectiveness" add constraint "coach_effectiveness_coach_id_foreign" foreign key ("coach_id") references "enrollment" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "coach_effectiveness" cascade;`);
    this.addSql(`drop table if exists "feedback" cascade;`);
    this.addSql(`drop type if exists "session_attendance";`);
    this.addSql(`drop type if exists "feedback_fit";`);
    this.addSql(`drop type if exists "feedback_role";`);
  }
}
