import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

export enum OutboxStatus {
  /** Waiting for the email worker. */
  Pending = 'pending',
  /** Claimed by a worker that is talking to SMTP now. */
  Sending = 'sending',
  Sent = 'sent',
  /** No SMTP_URL: kept in the outbox for the dev mail viewer. */
  Held = 'held',
  Failed = 'failed',
}

/** An email to send, written in the same transaction as the change that causes it. */
@Entity({ tableName: 'outbox_message' })
@Index({ properties: ['organization', 'createdAt'] })
@Index({
  name: 'outbox_message_pending_idx',
  expression: `create index "outbox_message_pending_idx" on "outbox_message" ("created_at") where "status" in ('pending', 'sending')`,
})
export class OutboxMessage {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  /** Names the step that caused the message (`welcome:<enrollmentId>`), so a retry can never write it twice. */
  @Property({ type: 'text', unique: true })
  idempotencyKey!: string;

  @Property({ type: 'text' })
  to!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text', nullable: true })
  html?: string | null;

  /** The language the message is written in (its HTML part's `lang`, its `Content-Language`); null for none. */
  @Property({ type: 'text', nullable: true })
  locale?: string | null;

  /** A calendar (RFC 5545) sent along as a text/calendar attachment. */
  @Property({ type: 'text', nullable: true })
  ics?: string | null;

  @Enum({ items: () => OutboxStatus, nativeEnumName: 'outbox_status' })
  status: Opt<OutboxStatus> = OutboxStatus.Pending;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  /** A claim older than this is considered abandoned by a crashed worker. */
  @Property({ type: 'timestamptz', nullable: true })
  lockedUntil?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  sentAt?: Date | null;
}
