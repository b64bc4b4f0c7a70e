import { Migration } from '@mikro-orm/migrations';

/** SCIM provisioning: the identity providers' bearer tokens, and what SCIM keeps on a person. */
export class Migration20261204020000Scim extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "scim_token" ("id" uuid not null, "organization_id" uuid not null, "name" text not null, "token_hash" text not null, "prefix" text not null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "scim_token_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "scim_token_organization_id_index" on "scim_token" ("organization_id");`);
    this.addSql(`alter table "scim_token" add constraint "scim_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `alter table "scim_token" add constraint "scim_token_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "person" add column "active" boolean not null default true, add column "scim_provisioned_at" timestamptz null, add column "scim_external_id" text null, add column "scim_user_name" text null, add column "scim_deleted_at" timestamptz null;`,
    );
    this.addSql(
      `create unique index "person_scim_external_id_unique" on "person" ("organization_id", "scim_external_id") where "scim_external_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "person_scim_external_id_unique";`);
    this.addSql(
      `alter table "person" drop column "active", drop column "scim_provisioned_at", drop column "scim_external_id", drop column "scim_user_name", drop column "scim_deleted_at";`,
    );
    this.addSql(`drop table if exists "scim_token" cascade;`);
  }
}
