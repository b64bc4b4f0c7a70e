import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from './base';

/**
 * What a browser session and a one-time sign-in link have in common, for admins and participants alike: a random or
 * derived token of which only the SHA-256 hash is stored, and when it stops working. Each table adds whose it is.
 */
@Entity({ abstract: true })
export abstract class SessionToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

/** A one-time sign-in link: it expires and is used at most once. */
@Entity({ abstract: true })
export abstract class SignInToken extends SessionToken {
  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;
}
