import { Migration } from '@mikro-orm/migrations';

/** Each import keeps a hash of its records, so an identical import into a program while one is queued or running is refused. */
export class Migration20261203100000ImportSourceHash extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "import_batch" add column "source_hash" text null;`);
    this.addSql(
      `create unique index "import_batch_live_source_unique" on "import_batch" ("program_id", "source_hash") where "status" in ('queued', 'running');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "import_batch_live_source_unique";`);
    this.addSql(`alter table "import_batch" drop column if exists "source_hash";`);
  }
}
