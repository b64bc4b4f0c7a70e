import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Pairing } from './pairing.entity';

/**
 * The coachee's closing survey after a pairing's last session: a self-rated level (0-5) per focus skill, compared with
 * the intake. `intake` keeps the coachee's intake need per focus skill as it was at close (a later import may change
 * the enrollment). One per pairing; the link token is HMAC(APP_SECRET, 'survey':id), only its hash is kept.
 */
@Entity({ tableName: 'closing_survey' })
export class ClosingSurvey {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Pairing, { ref: true, deleteRule: 'cascade', unique: true })
  pairing!: Ref<Pairing>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** Focus skill key to the intake development need (0-5); the intake level is 5 minus the need. */
  @Property({ type: 'jsonb' })
  intake!: Record<string, number>;

  @Property({ type: 'timestamptz' })
  requestedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  submittedAt?: Date | null;

  /** Focus skill key to the self-rated level at close (0-5). */
  @Property({ type: 'jsonb', nullable: true })
  levels?: Record<string, number> | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
