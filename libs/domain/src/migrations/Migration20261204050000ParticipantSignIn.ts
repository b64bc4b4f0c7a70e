import { Migration } from '@mikro-orm/migrations';

/**
 * The participants' personal page: one-time sign-in links emailed to a person (only the token's hash is kept) and the
 * sessions they open (a random token in a cookie, its hash here). Both go with the person.
 */
export class Migration20261204050000ParticipantSignIn extends Migration {
  override async up(): Promise<void> {
    for (const table of ['participant_sign_in', 'participant_session']) {
      const used = table === 'participant_sign_in' ? `"used_at" timestamptz null, ` : '';
      this.addSql(
        `create table "${table}" ("id" uuid not null, "person_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, ${used}"created_at" timestamptz not null default now(), constraint "${table}_pkey" primary key ("id"));`,
      );
      this.addSql(`create index "${table}_person_id_index" on "${table}" ("person_id");`);
      this.addSql(`alter table "${table}" add constraint "${table}_token_hash_unique" unique ("token_hash");`);
      this.addSql(
        `alter table "${table}" add constraint "${table}_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "participant_session" cascade;`);
    this.addSql(`drop table if exists "participant_sign_in" cascade;`);
  }
}
