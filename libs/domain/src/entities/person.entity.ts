import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

/** Someone in an organization who can coach or be coached; email is unique per organization (stored lower-case). */
@Entity({ tableName: 'person' })
@Unique({ properties: ['organization', 'email'] })
@Index({
  name: 'person_scim_external_id_unique',
  expression: `create unique index "person_scim_external_id_unique" on "person" ("organization_id", "scim_external_id") where "scim_external_id" is not null`,
})
export class Person {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  department?: string | null;

  /** The manager's email (lower-case); the manager need not be a participant. Used for reporting-line rules. */
  @Property({ type: 'text', nullable: true })
  managerEmail?: string | null;

  @Property({ type: 'smallint', nullable: true })
  level?: number | null;

  @Property({ type: 'text' })
  timezone!: string;

  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  languages: Opt<string[]> = [];

  /**
   * Whether the person may take part: an identity provider's deactivation (SCIM `active: false`, or a DELETE) sets it
   * false and takes their enrollments out of the pool; their history stays.
   */
  @Property({ type: 'boolean', default: true })
  active: Opt<boolean> = true;

  /** When an identity provider first created or claimed the person through SCIM (null: never provisioned). */
  @Property({ type: 'timestamptz', nullable: true })
  scimProvisionedAt?: Date | null;

  /** The identity provider's own id for the person (SCIM `externalId`), unique per organization. */
  @Property({ type: 'text', nullable: true })
  scimExternalId?: string | null;

  /** The SCIM `userName` when it is not the email (an Entra UPN, say); null means the email. */
  @Property({ type: 'text', nullable: true })
  scimUserName?: string | null;

  /** When the identity provider deleted the user: SCIM answers 404 for them from then on; the row and its history stay. */
  @Property({ type: 'timestamptz', nullable: true })
  scimDeletedAt?: Date | null;
  /** The language Tandem writes to them in (BCP 47 base language, `en` or `de`); null chooses it (docs/languages.md). */
  @Property({ type: 'text', nullable: true })
  locale?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
