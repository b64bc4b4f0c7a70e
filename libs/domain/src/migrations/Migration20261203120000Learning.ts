import { Migration } from '@mikro-orm/migrations';

/**
 * Person-level learning: coach_learning keys what feedback taught by organization, coach person and skill (pooled over
 * every program), and replaces the per-enrollment coach_effectiveness. Nothing is lost: both are derived from the
 * feedback rows, and the reconciler queues `feedback.aggregate` for every organization whose answers are newer than its
 * estimates, which rebuilds coach_learning after this migration.
 */
export class Migration20261203120000Learning extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "coach_learning" ("id" uuid not null, "organization_id" uuid not null, "person_id" uuid not null, "skill" text not null, "estimate" double precision not null, "sd" double precision not null, "certainty" double precision not null, "prior_mean" double precision not null, "answers" int not null, "coachees" int not null, "programs" int not null, "updated_at" timestamptz not null default now(), constraint "coach_learning_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "coach_learning" add constraint "coach_learning_organization_id_person_id_skill_unique" unique ("organization_id", "person_id", "skill");`,
    );
    this.addSql(
      `alter table "coach_learning" add constraint "coach_learning_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "coach_learning" add constraint "coach_learning_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`drop table if exists "coach_effectiveness" cascade;`);
  }

  override async down(): Promise<void> {
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
    this.addSql(`drop table if exists "coach_learning" cascade;`);
  }
}
