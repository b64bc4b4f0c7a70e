import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Person } from './person.entity';

/** A one-time link that signs a participant in to their personal page; only the token's hash is stored. */
@Entity({ tableName: 'participant_sign_in' })
export class ParticipantSignIn {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  @Index()
  person!: Ref<Person>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

/** A browser signed in to a personal page: the cookie holds a random token, the database only its SHA-256 hash. */
@Entity({ tableName: 'participant_session' })
export class ParticipantSession {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  @Index()
  person!: Ref<Person>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
