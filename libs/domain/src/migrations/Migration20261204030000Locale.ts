import { Migration } from '@mikro-orm/migrations';

/** Languages: a person's own locale (null: chosen from their spoken languages or the organization's default) and the organization's default. */
export class Migration20261204030000Locale extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person" add column "locale" text null;`);
    this.addSql(`alter table "organization" add column "default_locale" text not null default 'en';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "person" drop column if exists "locale";`);
    this.addSql(`alter table "organization" drop column if exists "default_locale";`);
  }
}
