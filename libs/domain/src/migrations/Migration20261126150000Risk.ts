import { Migration } from '@mikro-orm/migrations';

/** At-risk flags, the coachee's re-match link and the inactivity nudge on pairings; the closing survey. */
export class Migration20261126150000Risk extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "pairing" add column "at_risk_reason" text null, add column "at_risk_at" timestamptz null, add column "rematch_offered_at" timestamptz null, add column "rematch_token_hash" text null, add column "rematch_accepted_at" timestamptz null, add column "nudged_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "pairing" add constraint "pairing_rematch_token_hash_unique" unique ("rematch_token_hash");`,
    );
    this.addSql(
      `create table "closing_survey" ("id" uuid not null, "pairing_id" uuid not null, "token_hash" text not null, "intake" jsonb not null, "requested_at" timestamptz not null, "submitted_at" timestamptz null, "levels" jsonb null, "created_at" timestamptz not null default now(), constraint "closing_survey_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "closing_survey" add constraint "closing_survey_pairing_id_unique" unique ("pairing_id");`,
    );
    this.addSql(
      `alter table "closing_survey" add constraint "closing_survey_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `alter table "closing_survey" add constraint "closing_survey_pairing_id_foreign" foreign key ("pairing_id") references "pairing" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "closing_survey" cascade;`);
    this.addSql(`alter table "pairing" drop constraint if exists "pairing_rematch_token_hash_unique";`);
    this.addSql(
      `alter table "pairing" drop column "at_risk_reason", drop column "at_risk_at", drop column "rematch_offered_at", drop column "rematch_token_hash", drop column "rematch_accepted_at", drop column "nudged_at";`,
    );
  }
}
