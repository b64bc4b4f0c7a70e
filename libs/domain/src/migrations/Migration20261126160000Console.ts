import { Migration } from '@mikro-orm/migrations';

/** The admin console: admins per organization, one-time sign-in links and sessions (tokens hashed at rest). */
export class Migration20261126160000Console extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "admin_user" ("id" uuid not null, "organization_id" uuid not null, "email" text not null, "created_at" timestamptz not null default now(), constraint "admin_user_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "admin_user_email_index" on "admin_user" ("email");`);
    this.addSql(
      `alter table "admin_user" add constraint "admin_user_organization_id_email_unique" unique ("organization_id", "email");`,
    );
    this.addSql(
      `create table "admin_sign_in" ("id" uuid not null, "admin_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "admin_sign_in_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "admin_sign_in_admin_id_index" on "admin_sign_in" ("admin_id");`);
    this.addSql(`alter table "admin_sign_in" add constraint "admin_sign_in_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create table "admin_session" ("id" uuid not null, "admin_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), constraint "admin_session_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "admin_session_admin_id_index" on "admin_session" ("admin_id");`);
    this.addSql(`alter table "admin_session" add constraint "admin_session_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `alter table "admin_user" add constraint "admin_user_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "admin_sign_in" add constraint "admin_sign_in_admin_id_foreign" foreign key ("admin_id") references "admin_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "admin_session" add constraint "admin_session_admin_id_foreign" foreign key ("admin_id") references "admin_user" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "admin_session" cascade;`);
    this.addSql(`drop table if exists "admin_sign_in" cascade;`);
    this.addSql(`drop table if exists "admin_user" cascade;`);
  }
}
