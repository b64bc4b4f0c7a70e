import { Migration } from '@mikro-orm/migrations';

/** Single sign-on: an organization's OpenID Connect provider (client secret sealed), and one row per sign-in under way. */
export class Migration20261204010000Sso extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "organization_sso" ("organization_id" uuid not null, "issuer" text not null, "client_id" text not null, "client_secret_encrypted" text not null, "allowed_domains" text[] not null, "scope" text not null default 'openid email profile', "admin_claim" text null, "admin_claim_value" text null, "magic_link_fallback" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "organization_sso_pkey" primary key ("organization_id"));`,
    );
    this.addSql(
      `create table "sso_sign_in" ("id" uuid not null, "organization_id" uuid not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "sso_sign_in_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sso_sign_in_organization_id_index" on "sso_sign_in" ("organization_id");`);
    this.addSql(
      `alter table "organization_sso" add constraint "organization_sso_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "sso_sign_in" add constraint "sso_sign_in_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sso_sign_in" cascade;`);
    this.addSql(`drop table if exists "organization_sso" cascade;`);
  }
}
