import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

/**
 * A bearer token an identity provider presents to `/scim/v2`; only its SHA-256 hash is stored, the token itself is
 * shown once. Separate from API keys: a SCIM token opens the SCIM routes of its organization and nothing else.
 */
@Entity({ tableName: 'scim_token' })
export class ScimToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade', index: true })
  organization!: Ref<Organization>;

  /** What the admin calls it (the identity provider's name, say). */
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** The first characters of the token, so an admin can tell tokens apart without the secret. */
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  /** The last request it authorized (at most once a minute is written). */
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
