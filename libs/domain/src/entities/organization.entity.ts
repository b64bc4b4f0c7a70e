import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from './base';

/** The tenant: owns programs, people and API keys. Nothing crosses organizations. */
@Entity({ tableName: 'organization' })
export class Organization {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name!: string;

  /** The language of its participants without a language of their own, and of emails to its admins (docs/languages.md). */
  @Property({ type: 'text', default: 'en' })
  defaultLocale: Opt<string> = 'en';

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
