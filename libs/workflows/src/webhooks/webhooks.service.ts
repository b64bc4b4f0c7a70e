import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  isUuid,
  NotFoundError,
  rawQuery,
  WebhookDeliveryStatus,
  WebhookFormat,
} from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';
import { z } from 'zod';
import type { Actor } from '../programs/programs.service';
import { parseCommand } from '../validation';
import { webhookUrlProblem } from './webhook-address';
import { recordWebhookEvents, WEBHOOK_EVENTS, WEBHOOK_RETRY_HOURS } from './webhook-events';
import { encryptWebhookSecret, newWebhookSecret } from './webhook-secret';

/** An endpoint as the API and the console show it: never its secret. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  format: WebhookFormat;
  events: string[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
  deliveries: { pending: number; delivered: number; failed: number };
}

/** A delivery and its attempts, newest first. */
export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  payload: Record<string, unknown>;
  responses: { attempt: number; at: string; statusCode: number | null; response: string | null; durationMs: number }[];
}

const eventsSchema = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length);

/** The request bodies; the address rule depends on the install (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
export function webhookEndpointSchemas(allowPrivate: boolean) {
  const url = z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value, allowPrivate);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
  return {
    create: z
      .object({
        url,
        events: eventsSchema,
        format: z.enum(WebhookFormat).default(WebhookFormat.Standard),
        description: z.string().trim().max(200).optional(),
      })
      .strict(),
    update: z
      .object({
        url: url.optional(),
        events: eventsSchema.optional(),
        format: z.enum(WebhookFormat).optional(),
        description: z.string().trim().max(200).nullable().optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
  };
}

const deliveriesQuery = z
  .object({
    status: z.enum(WebhookDeliveryStatus).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

/** An endpoint id from a path: anything but a UUID names no endpoint (404, and no query). */
function endpointIdOf(id: string): string {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id.slice(0, 40));
  return id;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * Admins' webhooks: endpoints an organization registers (an address it chose, events it chose, a signing secret shown
 * once), their deliveries with every answer, a replay and a test event. Addresses on loopback or private networks are
 * refused unless the install allows them (WEBHOOK_ALLOW_PRIVATE_NETWORKS), here and again at every request.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    this.schemas = webhookEndpointSchemas(config.webhookAllowPrivateNetworks);
  }

  private readonly schemas: ReturnType<typeof webhookEndpointSchemas>;

  /** The organization's endpoints (or, with `id`, that one alone). */
  async list(organizationId: string, id?: string): Promise<WebhookEndpointView[]> {
    const rows = await rawQuery<{
      id: string;
      url: string;
      format: WebhookFormat;
      events: string[];
      description: string | null;
      enabled: boolean;
      created_at: Date;
      pending: number;
      delivered: number;
      failed: number;
    }>(
      this.em.fork(),
      `select e.id, e.url, e.format, e.events, e.description, e.enabled, e.created_at,
              count(*) filter (where d.status = 'pending')::int as pending, count(*) filter (where d.status = 'delivered')::int as delivered,
              count(*) filter (where d.status = 'failed')::int as failed
         from webhook_endpoint e left join webhook_delivery d on d.endpoint_id = e.id
        where e.organization_id = ?${id ? ' and e.id = ?' : ''} group by e.id order by e.created_at, e.id`,
      id ? [organizationId, id] : [organizationId],
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      format: r.format,
      events: r.events,
      description: r.description,
      enabled: r.enabled,
      createdAt: iso(r.created_at)!,
      deliveries: { pending: r.pending, delivered: r.delivered, failed: r.failed },
    }));
  }

  async get(organizationId: string, id: string): Promise<WebhookEndpointView> {
    const [found] = isUuid(id) ? await this.list(organizationId, id) : [];
    if (!found) throw new NotFoundError('webhook endpoint', id);
    return found;
  }

  /** Registers an endpoint; answers it with its signing secret, which is shown this once. */
  async create(actor: Actor, input: unknown): Promise<WebhookEndpointView & { secret: string }> {
    const command = parseCommand(this.schemas.create, input);
    const secret = newWebhookSecret();
    const id = await this.em.fork().transactional(async (tem) => {
      const [row] = await rawQuery<{ id: string }>(
        tem,
        `insert into webhook_endpoint (id, organization_id, url, format, events, secret_encrypted, description) values (gen_random_uuid(), ?, ?, ?, ?::text[], ?, ?) returning id`,
        [
          actor.organizationId,
          command.url,
          command.format,
          command.events,
          encryptWebhookSecret(this.config.appSecret, secret),
          command.description ?? null,
        ],
      );
      await this.audit(tem, actor, 'webhook.created', row.id, { format: command.format, events: command.events });
      return row.id;
    });
    return { ...(await this.get(actor.organizationId, id)), secret };
  }

  async update(actor: Actor, id: string, input: unknown): Promise<WebhookEndpointView> {
    endpointIdOf(id);
    const command = parseCommand(this.schemas.update, input);
    await this.em.fork().transactional(async (tem) => {
      const [row] = await rawQuery<{ id: string }>(
        tem,
        `update webhook_endpoint set url = coalesce(?, url), events = coalesce(?::text[], events), format = coalesce(?::webhook_format, format),
                description = case when ? then ? else description end, enabled = coalesce(?, enabled), updated_at = now()
          where id = ? and organization_id = ? returning id`,
        [
          command.url ?? null,
          command.events ?? null,
          command.format ?? null,
          command.description !== undefined,
          command.description ?? null,
          command.enabled ?? null,
          id,
          actor.organizationId,
        ],
      );
      if (!row) throw new NotFoundError('webhook endpoint', id);
      await this.audit(tem, actor, 'webhook.updated', id, { fields: Object.keys(command) });
    });
    return this.get(actor.organizationId, id);
  }

  /** Removes an endpoint and its delivery records. */
  async remove(actor: Actor, id: string): Promise<void> {
    endpointIdOf(id);
    await this.em.fork().transactional(async (tem) => {
      const [row] = await rawQuery<{ id: string }>(
        tem,
        `delete from webhook_endpoint where id = ? and organization_id = ? returning id`,
        [id, actor.organizationId],
      );
      if (!row) throw new NotFoundError('webhook endpoint', id);
      await this.audit(tem, actor, 'webhook.removed', id, {});
    });
  }

  /** A page of an endpoint's deliveries (or, with `deliveryId`, that one alone). */
  async deliveries(
    organizationId: string,
    endpointId: string,
    query: unknown,
    deliveryId?: string,
  ): Promise<{ items: WebhookDeliveryView[]; total: number; limit: number; offset: number }> {
    endpointIdOf(endpointId);
    const q = parseCommand(deliveriesQuery, query);
    const em = this.em.fork();
    const where = `d.endpoint_id = ? and e.organization_id = ?${q.status ? ' and d.status = ?' : ''}${deliveryId ? ' and d.id = ?' : ''}`;
    const bindings = [endpointId, organizationId, ...(q.status ? [q.status] : []), ...(deliveryId ? [deliveryId] : [])];
    const [{ total }] = await rawQuery<{ total: number }>(
      em,
      `select count(*)::int as total from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where ${where}`,
      bindings,
    );
    const rows = await rawQuery<{
      id: string;
      event_id: string;
      event_type: string;
      status: WebhookDeliveryStatus;
      attempts: number;
      created_at: Date;
      next_attempt_at: Date;
      delivered_at: Date | null;
      payload: Record<string, unknown>;
    }>(
      em,
      `select d.id, d.event_id, d.event_type, d.status, d.attempts, d.created_at, d.next_attempt_at, d.delivered_at, d.payload
         from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where ${where}
        order by d.created_at desc, d.id limit ? offset ?`,
      [...bindings, q.limit, q.offset],
    );
    const attempts = await rawQuery<{
      delivery_id: string;
      attempt: number;
      at: Date;
      status_code: number | null;
      response: string | null;
      duration_ms: number;
    }>(
      em,
      `select delivery_id, attempt, at, status_code, response, duration_ms from webhook_attempt where delivery_id = any(?::uuid[]) order by attempt desc`,
      [rows.map((r) => r.id)],
    );
    return {
      total,
      limit: q.limit,
      offset: q.offset,
      items: rows.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        eventType: r.event_type,
        status: r.status,
        attempts: r.attempts,
        createdAt: iso(r.created_at)!,
        nextAttemptAt: r.status === WebhookDeliveryStatus.Pending ? iso(r.next_attempt_at) : null,
        deliveredAt: iso(r.delivered_at),
        payload: r.payload,
        responses: attempts
          .filter((a) => a.delivery_id === r.id)
          .map((a) => ({
            attempt: a.attempt,
            at: iso(a.at)!,
            statusCode: a.status_code,
            response: a.response,
            durationMs: a.duration_ms,
          })),
      })),
    };
  }

  /**
   * Sends a delivery again, at once, with the same `webhook-id` (a receiver that processed it may drop it): its
   * attempts go on, retried for another day if it fails.
   */
  async replay(actor: Actor, endpointId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    endpointIdOf(endpointId);
    if (!isUuid(deliveryId)) throw new NotFoundError('delivery', deliveryId.slice(0, 40));
    const now = this.clock.now();
    const row = await this.em.fork().transactional(async (tem) => {
      const [found] = await rawQuery<{ id: string; attempts: number }>(
        tem,
        `update webhook_delivery d set status = 'pending', next_attempt_at = ?, give_up_at = ?::timestamptz + interval '${WEBHOOK_RETRY_HOURS} hours'
           from webhook_endpoint e where d.id = ? and d.endpoint_id = ? and e.id = d.endpoint_id and e.organization_id = ? and d.status <> 'pending'
          returning d.id, d.attempts`,
        [now, now, deliveryId, endpointId, actor.organizationId],
      );
      if (!found) {
        const [exists] = await rawQuery<{ status: string }>(
          tem,
          `select d.status from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id where d.id = ? and d.endpoint_id = ? and e.organization_id = ?`,
          [deliveryId, endpointId, actor.organizationId],
        );
        if (!exists) throw new NotFoundError('delivery', deliveryId);
        return undefined;
      }
      await this.audit(tem, actor, 'webhook.replayed', endpointId, { deliveryId });
      return found;
    });
    if (row)
      await this.producer.afterCommit('a webhook replay', () =>
        this.producer.enqueue(JobName.WebhooksDeliver, { deliveryId, attempt: row.attempts + 1 }),
      );
    return (await this.deliveryById(actor.organizationId, endpointId, deliveryId))!;
  }

  /** Sends a `webhook.test` event to this endpoint alone (whatever events it chose). */
  async sendTest(actor: Actor, endpointId: string): Promise<WebhookDeliveryView> {
    await this.get(actor.organizationId, endpointId);
    const [deliveryId] = await this.em
      .fork()
      .transactional((tem) =>
        recordWebhookEvents(
          tem,
          'webhook.test',
          `select organization_id, jsonb_build_object('endpointId', id) as data from webhook_endpoint where id = ?`,
          [endpointId],
          this.clock.now(),
          endpointId,
        ),
      );
    if (!deliveryId)
      throw new ConflictError('webhook_disabled', 'this endpoint is switched off; switch it on to send a test event');
    return (await this.deliveryById(actor.organizationId, endpointId, deliveryId))!;
  }

  private async deliveryById(
    organizationId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryView | undefined> {
    return (await this.deliveries(organizationId, endpointId, {}, deliveryId)).items[0];
  }

  private async audit(
    em: EntityManager,
    actor: Actor,
    action: string,
    endpointId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await rawQuery(
      em,
      `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (gen_random_uuid(), ?, ?, ?, 'webhook', ?, ?::jsonb)`,
      [actor.organizationId, actor.actor, action, endpointId, JSON.stringify(data)],
    );
  }
}
