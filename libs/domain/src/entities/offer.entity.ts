import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Pairing } from './pairing.entity';

export enum OfferDecision {
  Accepted = 'accepted',
  Declined = 'declined',
  Expired = 'expired',
}

/**
 * A coach's offer. The link token is HMAC(APP_SECRET, offer id), never stored; only its SHA-256 hash is, so neither
 * the database nor the outbox holds a usable link.
 */
@Entity({ tableName: 'offer' })
@Index({
  name: 'offer_pending_expiry_idx',
  expression: `create index "offer_pending_expiry_idx" on "offer" ("expires_at") where "decision" is null`,
})
export class Offer {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Pairing, { ref: true, deleteRule: 'cascade', unique: true })
  pairing!: Ref<Pairing>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Enum({ items: () => OfferDecision, nativeEnumName: 'offer_decision', nullable: true })
  decision?: OfferDecision | null;

  @Property({ type: 'text', nullable: true })
  declineReason?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date | null;

  /** When the reminder before expiry was written to the outbox. */
  @Property({ type: 'timestamptz', nullable: true })
  remindedAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
