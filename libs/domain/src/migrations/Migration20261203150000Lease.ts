import { Migration } from '@mikro-orm/migrations';

/** Named leases: one worker at a time runs the reconciler's pass. */
export class Migration20261203150000Lease extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "lease" ("name" text not null, "holder" text not null, "expires_at" timestamptz not null, "acquired_at" timestamptz not null default now(), "generation" bigint not null default 1, constraint "lease_pkey" primary key ("name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "lease" cascade;`);
  }
}
