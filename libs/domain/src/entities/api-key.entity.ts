import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

export enum ApiKeyRole {
  Admin = 'admin',
  Operator = 'operator',
}

/** An API key; only its SHA-256 hash is stored, the key itself is shown once. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  @Index()
  organization!: Ref<Organization>;

  @Enum({ items: () => ApiKeyRole, nativeEnumName: 'api_key_role' })
  role!: ApiKeyRole;

  @Property({ type: 'text', unique: true })
  keyHash!: string;

  /** The first characters of the key, so an operator can tell keys apart without the secret. */
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
