import { Migration } from '@mikro-orm/migrations';

/**
 * Who may be matched: enrollments gain the `alumni` state (a coachee whose coaching completed or ended leaves the pool),
 * programs a waiting-list marker (a place freed at `waitlist_due_at`; the waiting list was matched up to
 * `waitlist_done_at`), imports a count of the alumni rows they left alone. The enum is rebuilt rather than extended, so
 * the coachees who already graduated can be marked in the same transaction.
 */
export class Migration20261203130000Pool extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "enrollment_status" rename to "enrollment_status_old";`);
    this.addSql(`create type "enrollment_status" as enum ('active', 'withdrawn', 'alumni');`);
    this.addSql(`alter table "enrollment" alter column "status" drop default;`);
    this.addSql(
      `alter table "enrollment" alter column "status" type "enrollment_status" using "status"::text::"enrollment_status";`,
    );
    this.addSql(`alter table "enrollment" alter column "status" set default 'active';`);
    this.addSql(`drop type "enrollment_status_old";`);
    // Coachees whose last pairing completed, or ended without a re-match they asked for, graduated already.
    this.addSql(`update "enrollment" e set "status" = 'alumni', "updated_at" = now()
      where e."role" = 'coachee' and e."status" = 'active'
        and not exists (select 1 from "pairing" l where l."coachee_id" = e."id" and l."status" in ('offered', 'active'))
        and exists (select 1 from "pairing" d where d."coachee_id" = e."id"
                      and (d."status" = 'completed' or (d."status" = 'ended' and d."rematch_accepted_at" is null)));`);
    this.addSql(
      `alter table "program" add column "waitlist_due_at" timestamptz null, add column "waitlist_done_at" timestamptz null;`,
    );
    this.addSql(`alter table "import_batch" add column "alumni" integer not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "import_batch" drop column "alumni";`);
    this.addSql(`alter table "program" drop column "waitlist_due_at", drop column "waitlist_done_at";`);
    this.addSql(`update "enrollment" set "status" = 'withdrawn' where "status" = 'alumni';`);
    this.addSql(`alter type "enrollment_status" rename to "enrollment_status_new";`);
    this.addSql(`create type "enrollment_status" as enum ('active', 'withdrawn');`);
    this.addSql(`alter table "enrollment" alter column "status" drop default;`);
    this.addSql(
      `alter table "enrollment" alter column "status" type "enrollment_status" using "status"::text::"enrollment_status";`,
    );
    this.addSql(`alter table "enrollment" alter column "status" set default 'active';`);
    this.addSql(`drop type "enrollment_status_new";`);
  }
}
