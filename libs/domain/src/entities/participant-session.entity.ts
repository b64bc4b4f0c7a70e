import { Entity, Index, ManyToOne, type Ref } from '@mikro-orm/core';
import { Person } from './person.entity';
import { SessionToken, SignInToken } from './session-token.entity';

/** A one-time link that signs a participant in to their personal page; only the token's hash is stored. */
@Entity({ tableName: 'participant_sign_in' })
export class ParticipantSignIn extends SignInToken {
  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  @Index()
  person!: Ref<Person>;
}

/** A browser signed in to a personal page: the cookie holds a random token, the database only its SHA-256 hash. */
@Entity({ tableName: 'participant_session' })
export class ParticipantSession extends SessionToken {
  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  @Index()
  person!: Ref<Person>;
}
