import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

/** How a webhook's body is written: Tandem's own event (Standard Webhooks), or a Slack or Teams incoming-webhook message. */
export enum WebhookFormat {
  Standard = 'standard',
  Slack = 'slack',
  Teams = 'teams',
}

export enum WebhookDeliveryStatus {
  Pending = 'pending',
  Delivered = 'delivered',
  Failed = 'failed',
}

/** An address an organization registered for its events. */
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade', index: true })
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  url!: string;

  @Enum({ items: () => WebhookFormat, nativeEnumName: 'webhook_format', default: WebhookFormat.Standard })
  format: Opt<WebhookFormat> = WebhookFormat.Standard;

  /** The event types it receives. */
  @Property({ type: 'text[]' })
  events!: string[];

  /** The signing secret, encrypted under APP_SECRET (AES-256-GCM): a signature needs the secret itself. */
  @Property({ type: 'text' })
  secretEncrypted!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'boolean', default: true })
  enabled: Opt<boolean> = true;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}

/** One event for one endpoint: its body, fixed when the event happened, and where its delivery stands. */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['endpoint', 'eventId'] })
@Index({ properties: ['endpoint', 'createdAt'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  /** The event's id: the `webhook-id` header, the same on every attempt, so a receiver can drop a repeat. */
  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  /** Ids, states and times only: never a name, an email or a feedback answer. */
  @Property({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Enum({
    items: () => WebhookDeliveryStatus,
    nativeEnumName: 'webhook_delivery_status',
    default: WebhookDeliveryStatus.Pending,
  })
  status: Opt<WebhookDeliveryStatus> = WebhookDeliveryStatus.Pending;

  /** Attempts made (an attempt is claimed before its request is sent). */
  @Property({ type: 'integer', default: 0 })
  attempts: Opt<number> = 0;

  @Property({ type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Attempts stop after this (a day after the event, or after a replay). */
  @Property({ type: 'timestamptz' })
  giveUpAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}

/** One request of a delivery and what came back. */
@Entity({ tableName: 'webhook_attempt' })
@Unique({ properties: ['delivery', 'attempt'] })
export class WebhookAttempt {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade' })
  delivery!: Ref<WebhookDelivery>;

  @Property({ type: 'integer' })
  attempt!: number;

  @Property({ type: 'timestamptz' })
  at!: Date;

  /** The HTTP status, or null when no answer came (refused, timed out). */
  @Property({ type: 'integer', nullable: true })
  statusCode?: number | null;

  /** The first 500 characters of the answer's body, or what went wrong. */
  @Property({ type: 'text', nullable: true })
  response?: string | null;

  @Property({ type: 'integer' })
  durationMs!: number;
}
