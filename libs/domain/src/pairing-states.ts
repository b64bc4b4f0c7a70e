import { PairingStatus } from './entities/pairing.entity';

/** What moves a pairing from one state to the next (the `event` column of the pairing states in docs/design.md). */
export enum PairingEvent {
  /** A round's solve stores its proposals. */
  Propose = 'propose',
  /** An automatic re-match writes the pairing and its offer at once. */
  Rematch = 'rematch',
  /** The round is published: an offer per proposal. */
  Publish = 'publish',
  /** A newer round is launched, or at publish the coachee is paired already. */
  Withdraw = 'withdraw',
  /** The coach accepts the offer. */
  Accept = 'accept',
  /** The coach declines the offer. */
  Decline = 'decline',
  /** The offer's time-to-live passes without a decision. */
  Expire = 'expire',
  /** Every session not cancelled has closed. */
  Complete = 'complete',
  /** The coachee takes the re-match link, inactivity, or no session was held. */
  End = 'end',
}

/** One allowed change of a pairing's state; `from: null` is the pairing's creation. */
export interface PairingTransition {
  from: PairingStatus | null;
  to: PairingStatus;
  event: PairingEvent;
}

/** Every allowed change of a pairing's state. A change that is not here is refused. */
export const PAIRING_TRANSITIONS: readonly PairingTransition[] = [
  { from: null, to: PairingStatus.Proposed, event: PairingEvent.Propose },
  { from: null, to: PairingStatus.Offered, event: PairingEvent.Rematch },
  { from: PairingStatus.Proposed, to: PairingStatus.Offered, event: PairingEvent.Publish },
  { from: PairingStatus.Proposed, to: PairingStatus.Withdrawn, event: PairingEvent.Withdraw },
  { from: PairingStatus.Offered, to: PairingStatus.Active, event: PairingEvent.Accept },
  { from: PairingStatus.Offered, to: PairingStatus.Declined, event: PairingEvent.Decline },
  { from: PairingStatus.Offered, to: PairingStatus.Expired, event: PairingEvent.Expire },
  { from: PairingStatus.Active, to: PairingStatus.Completed, event: PairingEvent.Complete },
  { from: PairingStatus.Active, to: PairingStatus.Ended, event: PairingEvent.End },
];

/** The states a pairing never leaves. */
export const FINAL_PAIRING_STATUSES: readonly PairingStatus[] = Object.values(PairingStatus).filter(
  (s) => !PAIRING_TRANSITIONS.some((t) => t.from === s),
);

/** A live pairing (at most one per coachee: the partial unique index `pairing_live_coachee_unique`). */
export const LIVE_PAIRING_STATUSES: readonly PairingStatus[] = [PairingStatus.Offered, PairingStatus.Active];

/** An offer that ended without a pairing: each one numbers the coachee's next re-match. */
export const UNTAKEN_PAIRING_STATUSES: readonly PairingStatus[] = [PairingStatus.Declined, PairingStatus.Expired];

/**
 * The change an event makes: the states it moves a pairing from (empty for a creation) and the state it moves it to.
 * Every event has exactly one target state (the unit test checks it).
 */
export function pairingTransition(event: PairingEvent): { from: PairingStatus[]; to: PairingStatus; creates: boolean } {
  const rows = PAIRING_TRANSITIONS.filter((t) => t.event === event);
  if (rows.length === 0) throw new Error(`no pairing transition for the event ${event}`);
  return {
    from: rows.flatMap((t) => (t.from === null ? [] : [t.from])),
    to: rows[0].to,
    creates: rows.some((t) => t.from === null),
  };
}

/** Whether a pairing may go from one state to another (`null`: it is being created). */
export function canMovePairing(from: PairingStatus | null, to: PairingStatus): boolean {
  return PAIRING_TRANSITIONS.some((t) => t.from === from && t.to === to);
}

/**
 * Pairing states as an SQL list for `status in (...)`, from the enum (never a literal typed into a query):
 * `pairingStatusSql(PairingStatus.Offered, PairingStatus.Active)` is `('offered', 'active')`.
 */
export function pairingStatusSql(...statuses: readonly PairingStatus[]): string {
  const known = new Set<string>(Object.values(PairingStatus));
  for (const s of statuses) if (!known.has(s)) throw new Error(`not a pairing status: ${s}`);
  return `(${statuses.map((s) => `'${s}'`).join(', ')})`;
}
