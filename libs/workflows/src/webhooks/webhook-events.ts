import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';

/** Every event an endpoint can choose. Bodies carry ids, states and times only: never a name, an email or an answer. */
export const WEBHOOK_EVENTS = [
  'enrollment.created',
  'round.proposed',
  'round.published',
  'offer.accepted',
  'offer.declined',
  'pairing.active',
  'pairing.at_risk',
  'pairing.completed',
  'pairing.ended',
  'session.planned',
  'session.moved',
  'session.cancelled',
  'feedback.submitted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number] | 'webhook.test';

/** What an event says, in words, for the Slack and Teams messages and the console. */
export const WEBHOOK_EVENT_WORDS: Record<WebhookEventType, string> = {
  'enrollment.created': 'A person joined a program',
  'round.proposed': 'A matching round has proposals to review',
  'round.published': 'A matching round was published',
  'offer.accepted': 'A coach accepted an offer',
  'offer.declined': 'A coach declined an offer',
  'pairing.active': 'A pairing started',
  'pairing.at_risk': 'A pairing is at risk',
  'pairing.completed': 'A pairing completed its coaching',
  'pairing.ended': 'A pairing ended',
  'session.planned': 'A coaching session was planned',
  'session.moved': 'A coaching session was moved',
  'session.cancelled': 'A coaching session was cancelled',
  'feedback.submitted': 'Feedback was submitted',
  'webhook.test': 'A test event from Tandem',
};

/** How long a delivery is retried after its event. */
export const WEBHOOK_RETRY_HOURS = 24;

/** The deliveries a transaction wrote, queued once it commits (WebhookDispatcher). Keyed by the transaction's EntityManager. */
const written = new WeakMap<EntityManager, string[]>();

/** Takes (and forgets) the deliveries written in a transaction. */
export function takeWrittenDeliveries(em: EntityManager): string[] {
  const ids = written.get(em) ?? [];
  written.delete(em);
  return ids;
}

/**
 * Records an event for every enabled endpoint of its organization that chose it, in the caller's transaction: a change
 * and the report of it commit together, so no event is lost and none is reported for a change that rolled back.
 * `source` is a query answering one row per event with `organization_id` and `data` (jsonb); the event's id is drawn
 * here, the same for every endpoint. When no endpoint chose the event nothing is written. `toEndpoint` sends it to
 * that enabled endpoint alone, whatever it chose (a test event). Answers the deliveries; once the transaction commits,
 * WebhookDispatcher queues them (the reconciler's sweep, if that is lost).
 */
export async function recordWebhookEvents(
  em: EntityManager,
  type: WebhookEventType,
  source: string,
  bindings: readonly unknown[],
  now: Date,
  toEndpoint?: string,
): Promise<string[]> {
  const rows = await rawQuery<{ id: string }>(
    em,
    `with ev as (select gen_random_uuid() as event_id, s.organization_id, s.data from (${source}) s)
     insert into webhook_delivery (id, endpoint_id, event_id, event_type, payload, next_attempt_at, give_up_at, created_at)
     select gen_random_uuid(), e.id, ev.event_id, ?, jsonb_build_object('type', ?::text, 'timestamp', ?::text, 'data', ev.data),
            ?, ?::timestamptz + interval '${WEBHOOK_RETRY_HOURS} hours', ?
       from ev join webhook_endpoint e on e.organization_id = ev.organization_id and e.enabled and ${toEndpoint ? 'e.id = ?' : '? = any(e.events)'}
     returning id`,
    [...bindings, type, type, now.toISOString(), now, now, now, toEndpoint ?? type],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) written.set(em, [...(written.get(em) ?? []), ...ids]);
  return ids;
}
