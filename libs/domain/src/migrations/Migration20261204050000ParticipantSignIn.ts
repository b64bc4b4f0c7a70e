import { Migration } from '@mikro-orm/migrations';

/**
 * The participants' personal page: one-time sign-in links emailed to a person (only the token's hash is kept) and the
 * sessions they open (a random token in a cookie, its hash here). Both go with the person.
 */
export class Migration20261204050000ParticipantSignIn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "participant_sign_in" (
      "id" uuid not null primary key,
      "person_id" uuid not null references "person" ("id") on delete cascade,
      "token_hash" text not null unique,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null,
      "created_at" timestamptz not null default now());`);
    this.addSql(`create index "participant_sign_in_person_idx" on "participant_sign_in" ("person_id");`);
    this.addSql(`create table "participant_session" (
      "id" uuid not null primary key,
      "person_id" uuid not null references "person" ("id") on delete cascade,
      "token_hash" text not null unique,
      "expires_at" timestamptz not null,
      "created_at" timestamptz not null default now());`);
    this.addSql(`create index "participant_session_person_idx" on "participant_session" ("person_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "participant_session";`);
    this.addSql(`drop table if exists "participant_sign_in";`);
  }
}
