import type { EntityManager } from '@mikro-orm/postgresql';
import { PairingEvent, PairingStatus, pairingStatusSql, pairingTransition, rawQuery } from '@tandem/domain';
import { recordWebhookEvents, type WebhookEventType } from '../webhooks/webhook-events';

/** Which pairings a change is for, besides the state guard. */
export type PairingTarget =
  | { id: string }
  | { ids: readonly string[] }
  /** A condition on `pairing pr` (and the tables of `from`), with its bindings: a round's or a program's pairings. */
  | { where: string; bindings: readonly unknown[] };

export interface PairingChangeOptions {
  /** The time of the change: `updated_at`, and `activated_at` or `ended_at` where the new state has one. */
  now: Date;
  /** Ending for a reason: kept unless the pairing was marked at risk for another one already. */
  atRiskReason?: string;
  /** Ending because the coachee took the re-match link. */
  rematchAccepted?: boolean;
  /** More tables for the condition and `returning` (`enrollment ce, person cp`). */
  from?: string;
  /** What to answer per changed pairing (on `pr` and `from`); `pr.id as id` by default. */
  returning?: string;
}

/** The states after which a pairing is over: `ended_at` says when. */
const CLOSING: readonly PairingStatus[] = [
  PairingStatus.Declined,
  PairingStatus.Expired,
  PairingStatus.Completed,
  PairingStatus.Ended,
];

/**
 * The one way a pairing's state changes: the event's transition from the table (`PAIRING_TRANSITIONS`), applied as
 * one conditional `UPDATE ... WHERE status IN (the states the table allows it from)` in the caller's transaction.
 * A pairing in any other state is left as it is: a retried job or a concurrent request finds nothing to move, so a
 * race is a no-op rather than a corruption. Answers the changed pairings (`returning`), so callers see what moved.
 */
export async function transitionPairings<R = { id: string }>(
  em: EntityManager,
  event: PairingEvent,
  target: PairingTarget,
  options: PairingChangeOptions,
): Promise<R[]> {
  const { from, to } = pairingTransition(event);
  if (from.length === 0) throw new Error(`the event ${event} creates a pairing; it changes none`);
  const sets = [`status = '${to}'`, 'updated_at = ?'];
  const bindings: unknown[] = [options.now];
  if (to === PairingStatus.Active) {
    sets.push('activated_at = ?');
    bindings.push(options.now);
  }
  if (CLOSING.includes(to)) {
    sets.push('ended_at = ?');
    bindings.push(options.now);
  }
  if (options.rematchAccepted) {
    sets.push('rematch_accepted_at = ?');
    bindings.push(options.now);
  }
  if (options.atRiskReason !== undefined) {
    sets.push('at_risk_reason = coalesce(pr.at_risk_reason, ?)', 'at_risk_at = coalesce(pr.at_risk_at, ?)');
    bindings.push(options.atRiskReason, options.now);
  }
  let condition: string;
  if ('id' in target) {
    condition = 'pr.id = ?';
    bindings.push(target.id);
  } else if ('ids' in target) {
    if (target.ids.length === 0) return [];
    condition = 'pr.id = any(?::uuid[])';
    bindings.push(target.ids);
  } else {
    condition = `(${target.where})`;
    bindings.push(...target.bindings);
  }
  const rows = await rawQuery<R & { webhook_pairing_id?: string }>(
    em,
    `update pairing pr set ${sets.join(', ')}${options.from ? ` from ${options.from}` : ''}
      where pr.status in ${pairingStatusSql(...from)} and ${condition}
     returning ${options.returning ?? 'pr.id as id'}, pr.id as webhook_pairing_id`,
    bindings,
  );
  const ids = rows.map((row) => row.webhook_pairing_id!);
  for (const row of rows) delete row.webhook_pairing_id;
  const webhookEvent = PAIRING_EVENTS[to];
  if (webhookEvent && ids.length > 0) {
    await recordWebhookEvents(
      em,
      webhookEvent,
      `select organization_id, jsonb_build_object('pairingId', id, 'programId', program_id, 'coachEnrollmentId', coach_id, 'coacheeEnrollmentId', coachee_id, 'status', status::text) as data
         from pairing where id = any(?::uuid[])`,
      [ids],
      options.now,
    );
  }
  return rows;
}

/** The webhook event each state a pairing moves into reports (the others report through their own events). */
const PAIRING_EVENTS: Partial<Record<PairingStatus, WebhookEventType>> = {
  [PairingStatus.Active]: 'pairing.active',
  [PairingStatus.Completed]: 'pairing.completed',
  [PairingStatus.Ended]: 'pairing.ended',
};

/** `transitionPairings` for one pairing: whether it moved (false when it was not in a state the event moves from). */
export async function transitionPairing(
  em: EntityManager,
  event: PairingEvent,
  pairingId: string,
  options: Omit<PairingChangeOptions, 'from' | 'returning'>,
): Promise<boolean> {
  const moved = await transitionPairings(em, event, { id: pairingId }, options);
  return moved.length > 0;
}
