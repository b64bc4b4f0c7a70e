import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

/** An organization's OpenID Connect provider for console sign-in; at most one per organization. */
@Entity({ tableName: 'organization_sso' })
export class OrganizationSso {
  @ManyToOne(() => Organization, { ref: true, primary: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  /** The provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  @Property({ type: 'text' })
  issuer!: string;

  @Property({ type: 'text' })
  clientId!: string;

  /** The client secret, sealed under APP_SECRET (`sealSecret`): the token request needs it in clear. */
  @Property({ type: 'text' })
  clientSecretEncrypted!: string;

  /** Lower-cased email domains whose people may sign in this way; each belongs to one organization at most. */
  @Property({ type: 'text[]' })
  allowedDomains!: string[];

  /** The scopes asked for, separated by spaces (`openid email profile`, plus `groups` where a provider needs it). */
  @Property({ type: 'text', default: 'openid email profile' })
  scope: Opt<string> = 'openid email profile';

  /** The claim that makes a person an admin (`groups`), or null: then only invited admins sign in. */
  @Property({ type: 'text', nullable: true })
  adminClaim?: string | null;

  /** The value the admin claim must hold (equal, or one of its values when it is a list). */
  @Property({ type: 'text', nullable: true })
  adminClaimValue?: string | null;

  /** Whether the organization's admins may still sign in by emailed link. */
  @Property({ type: 'boolean', default: true })
  magicLinkFallback: Opt<boolean> = true;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}

/**
 * One sign-in through an organization's provider, from the redirect to the callback. Its `state`, `nonce` and PKCE
 * code verifier are HMACs of its id (never stored); the browser holds the id in a signed cookie. It is used at most
 * once and expires, so a replayed callback finds nothing.
 */
@Entity({ tableName: 'sso_sign_in' })
export class SsoSignIn {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  @Index()
  organization!: Ref<Organization>;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
