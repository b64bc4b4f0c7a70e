import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: the endpoints an organization registered (signing secret encrypted), one delivery row per event and
 * endpoint (written in the transaction of the change it reports, so no event is lost), and one row per attempt.
 */
export class Migration20261203140000Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "webhook_format" as enum ('standard', 'slack', 'teams');`);
    this.addSql(`create type "webhook_delivery_status" as enum ('pending', 'delivered', 'failed');`);
    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "organization_id" uuid not null, "url" text not null, "format" "webhook_format" not null default 'standard', "events" text[] not null, "secret_encrypted" text not null, "description" text null, "enabled" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "webhook_endpoint_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_endpoint_organization_id_index" on "webhook_endpoint" ("organization_id");`);
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "payload" jsonb not null, "status" "webhook_delivery_status" not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "give_up_at" timestamptz not null, "delivered_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "webhook_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "webhook_delivery_status_next_attempt_at_index" on "webhook_delivery" ("status", "next_attempt_at");`,
    );
    this.addSql(
      `create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_event_id_unique" unique ("endpoint_id", "event_id");`,
    );
    this.addSql(
      `create table "webhook_attempt" ("id" uuid not null, "delivery_id" uuid not null, "attempt" int not null, "at" timestamptz not null, "status_code" int null, "response" text null, "duration_ms" int not null, constraint "webhook_attempt_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_attempt_unique" unique ("delivery_id", "attempt");`,
    );
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_attempt" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
    this.addSql(`drop type "webhook_delivery_status";`);
    this.addSql(`drop type "webhook_format";`);
  }
}
