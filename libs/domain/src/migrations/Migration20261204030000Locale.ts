import { Migration } from '@mikro-orm/migrations';

/**
 * Languages: a person's own locale (null: chosen from their spoken languages or the organization's default), the
 * organization's default, and the language each outbox message was written in.
 */
export class Migration20261204030000Locale extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "person" add column "locale" text null;`);
    this.addSql(`alter table "organization" add column "default_locale" text not null default 'en';`);
    this.addSql(`alter table "outbox_message" add column "locale" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "person" drop column if exists "locale";`);
    this.addSql(`alter table "organization" drop column if exists "default_locale";`);
    this.addSql(`alter table "outbox_message" drop column if exists "locale";`);
  }
}
