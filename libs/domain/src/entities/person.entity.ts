import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

/** Someone in an organization who can coach or be coached; email is unique per organization (stored lower-case). */
@Entity({ tableName: 'person' })
@Unique({ properties: ['organization', 'email'] })
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

  /** The language Tandem writes to them in (BCP 47 base language, `en` or `de`); null chooses it (docs/languages.md). */
  @Property({ type: 'text', nullable: true })
  locale?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
