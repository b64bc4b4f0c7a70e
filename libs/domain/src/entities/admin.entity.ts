import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';
import { SessionToken, SignInToken } from './session-token.entity';

/** A person who runs an organization's programs in the admin console; one per organization and email. */
@Entity({ tableName: 'admin_user' })
@Unique({ properties: ['organization', 'email'] })
export class AdminUser {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  /** Lower-cased. */
  @Property({ type: 'text' })
  @Index()
  email!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

/**
 * A one-time sign-in link. Like an offer link its token is HMAC(APP_SECRET, `signin:<id>`): never stored, only its
 * SHA-256 hash; it expires and is used at most once.
 */
@Entity({ tableName: 'admin_sign_in' })
export class AdminSignIn extends SignInToken {
  @ManyToOne(() => AdminUser, { ref: true, deleteRule: 'cascade' })
  @Index()
  admin!: Ref<AdminUser>;
}

/** A signed-in browser: the cookie holds a random token, the database only its SHA-256 hash. */
@Entity({ tableName: 'admin_session' })
export class AdminSession extends SessionToken {
  @ManyToOne(() => AdminUser, { ref: true, deleteRule: 'cascade' })
  @Index()
  admin!: Ref<AdminUser>;
}
