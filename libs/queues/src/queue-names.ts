import type { QueueNameValue } from '@tandem/config';

/** One queue per workflow (docs/design.md, Queues and jobs). */
export enum QueueName {
  Intake = 'intake',
  Matching = 'matching',
  Pairing = 'pairing',
  Cadence = 'cadence',
  Feedback = 'feedback',
  Email = 'email',
  Webhooks = 'webhooks',
  Maintenance = 'maintenance',
}

/** Job names are `<queue>.<verb-object>`; never write them as literals at a call site. */
export enum JobName {
  IntakeImportBatch = 'intake.import-batch',
  IntakeSendInvitations = 'intake.send-invitations',
  IntakeRemindInvitation = 'intake.remind-invitation',
  MatchingRunRound = 'matching.run-round',
  MatchingRematchCoachee = 'matching.rematch-coachee',
  MatchingMatchWaiting = 'matching.match-waiting',
  PairingExpireOffers = 'pairing.expire-offers',
  PairingRemindOffers = 'pairing.remind-offers',
  CadenceScheduleSessions = 'cadence.schedule-sessions',
  CadenceRemind = 'cadence.remind',
  CadenceCloseSession = 'cadence.close-session',
  FeedbackRemind = 'feedback.remind',
  FeedbackAggregate = 'feedback.aggregate',
  FeedbackCompletePairing = 'feedback.complete-pairing',
  FeedbackCheckInactivity = 'feedback.check-inactivity',
  EmailSend = 'email.send',
  WebhooksDeliver = 'webhooks.deliver',
  MaintenanceReconcile = 'maintenance.reconcile',
  MaintenancePing = 'maintenance.ping',
}

/** Payloads carry ids only: Redis keeps them in clear text. */
export interface JobPayloads {
  [JobName.IntakeImportBatch]: { importId: string };
  /** Writes the invitation emails of a program's invitations not yet sent; `dueAt` (epoch ms) names the invite that asked. */
  [JobName.IntakeSendInvitations]: { programId: string; dueAt: number };
  /** The `reminder`-th scheduled reminder (1, 2, ...) of one unanswered invitation, so each is a job of its own. */
  /**
   * The `reminder`-th scheduled reminder of an invitation, due at `dueAt` (epoch ms): a changed schedule makes a job of its
   * own, and the one for the former time finds its time gone and does nothing.
   */
  [JobName.IntakeRemindInvitation]: { invitationId: string; reminder: number; dueAt: number };
  /** `revision` names one solve: an admin's override bumps it, and the older job then finds nothing to do. */
  [JobName.MatchingRunRound]: { roundId: string; revision: number };
  /**
   * `attempt` counts the coachee's declined or expired offers, so each re-match is a job of its own; a re-match the
   * coachee asked for after an at-risk pairing uses minus the number of such ended pairings, so the two never share an id.
   */
  [JobName.MatchingRematchCoachee]: { coacheeId: string; attempt: number };
  /** Offers a program's free places to its waiting list; `dueAt` (epoch ms) is when a place freed up, one job each. */
  [JobName.MatchingMatchWaiting]: { programId: string; dueAt: number };
  /** Expires every pending offer of the program due by `dueAt` (epoch ms): one job per batch of offers. */
  [JobName.PairingExpireOffers]: { programId: string; dueAt: number };
  /** Reminds every pending offer of the program whose reminder is due by `dueAt`. */
  [JobName.PairingRemindOffers]: { programId: string; dueAt: number };
  [JobName.CadenceScheduleSessions]: { pairingId: string };
  /** Reminds both people of one session; `sequence` is the session's after its last move, so a moved session gets a job of its own. */
  [JobName.CadenceRemind]: { sessionId: string; sequence: number };
  /** Closes one session (feedback requests to both) once it has ended; `sequence` as for reminders, so a moved session closes later. */
  [JobName.CadenceCloseSession]: { sessionId: string; sequence: number };
  /** The one reminder of an unanswered feedback form. */
  [JobName.FeedbackRemind]: { feedbackId: string };
  /** Recomputes the coach estimates of the program's organization (person-level, every program); `feedbackId` names the submission that asked for it, so each gets a job. */
  [JobName.FeedbackAggregate]: { programId: string; feedbackId: string };
  /** Completes a pairing whose sessions are all closed (closing survey to the coachee); due once, so one job per pairing. */
  [JobName.FeedbackCompletePairing]: { pairingId: string };
  /** Nudges an inactive pairing or closes it after the grace period; `dueAt` (epoch ms) is the check's time, one job each. */
  [JobName.FeedbackCheckInactivity]: { pairingId: string; dueAt: number };
  [JobName.EmailSend]: { messageId: string };
  /** One attempt of one webhook delivery; `attempt` is the delivery's attempt number, so each retry is a job of its own. */
  [JobName.WebhooksDeliver]: { deliveryId: string; attempt: number };
  [JobName.MaintenanceReconcile]: Record<string, never>;
  /** Does nothing: proves a worker consumes the queues (`cli worker:ping`) and measures the job path itself (bench:queue). */
  [JobName.MaintenancePing]: { pingId: string };
}

export type JobPayload<N extends JobName> = JobPayloads[N];

/** Which queue runs each job. */
export const QUEUE_OF = {
  [JobName.IntakeImportBatch]: QueueName.Intake,
  [JobName.IntakeSendInvitations]: QueueName.Intake,
  [JobName.IntakeRemindInvitation]: QueueName.Intake,
  [JobName.MatchingRunRound]: QueueName.Matching,
  [JobName.MatchingRematchCoachee]: QueueName.Matching,
  [JobName.MatchingMatchWaiting]: QueueName.Matching,
  [JobName.PairingExpireOffers]: QueueName.Pairing,
  [JobName.PairingRemindOffers]: QueueName.Pairing,
  [JobName.CadenceScheduleSessions]: QueueName.Cadence,
  [JobName.CadenceRemind]: QueueName.Cadence,
  [JobName.CadenceCloseSession]: QueueName.Cadence,
  [JobName.FeedbackRemind]: QueueName.Feedback,
  [JobName.FeedbackAggregate]: QueueName.Feedback,
  [JobName.FeedbackCompletePairing]: QueueName.Feedback,
  [JobName.FeedbackCheckInactivity]: QueueName.Feedback,
  [JobName.EmailSend]: QueueName.Email,
  [JobName.WebhooksDeliver]: QueueName.Webhooks,
  [JobName.MaintenanceReconcile]: QueueName.Maintenance,
  [JobName.MaintenancePing]: QueueName.Maintenance,
} as const satisfies { readonly [N in JobName]: QueueName };

/**
 * A deterministic job id per subject, so that adding the same work twice while it is still known to BullMQ is a
 * no-op. (BullMQ forgets removed jobs, so handlers guard in the database as well.)
 */
export const JOB_ID: { readonly [N in JobName]: (payload: JobPayloads[N]) => string } = {
  [JobName.IntakeImportBatch]: (p) => `import-batch.${p.importId}`,
  [JobName.IntakeSendInvitations]: (p) => `send-invitations.${p.programId}.${p.dueAt}`,
  [JobName.IntakeRemindInvitation]: (p) => `remind-invitation.${p.invitationId}.${p.reminder}.${p.dueAt}`,
  [JobName.MatchingRunRound]: (p) => `run-round.${p.roundId}.${p.revision}`,
  [JobName.MatchingRematchCoachee]: (p) => `rematch.${p.coacheeId}.${p.attempt}`,
  [JobName.MatchingMatchWaiting]: (p) => `match-waiting.${p.programId}.${p.dueAt}`,
  [JobName.PairingExpireOffers]: (p) => `expire-offers.${p.programId}.${p.dueAt}`,
  [JobName.PairingRemindOffers]: (p) => `remind-offers.${p.programId}.${p.dueAt}`,
  [JobName.CadenceScheduleSessions]: (p) => `schedule-sessions.${p.pairingId}`,
  [JobName.CadenceRemind]: (p) => `remind.${p.sessionId}.${p.sequence}`,
  [JobName.CadenceCloseSession]: (p) => `close-session.${p.sessionId}.${p.sequence}`,
  [JobName.FeedbackRemind]: (p) => `feedback-remind.${p.feedbackId}`,
  [JobName.FeedbackAggregate]: (p) => `aggregate.${p.programId}.${p.feedbackId}`,
  [JobName.FeedbackCompletePairing]: (p) => `complete-pairing.${p.pairingId}`,
  [JobName.FeedbackCheckInactivity]: (p) => `inactivity.${p.pairingId}.${p.dueAt}`,
  [JobName.EmailSend]: (p) => `email-send.${p.messageId}`,
  [JobName.WebhooksDeliver]: (p) => `webhook.${p.deliveryId}.${p.attempt}`,
  [JobName.MaintenanceReconcile]: () => 'reconcile',
  [JobName.MaintenancePing]: (p) => `ping.${p.pingId}`,
};

/** The job scheduler that runs the reconciler (one, however many workers boot). */
export const RECONCILE_SCHEDULER_ID = 'maintenance.reconcile';

/** Jobs of one queue, with their payload types. */
export type JobsOfQueue<Q extends QueueName> = { [N in JobName]: (typeof QUEUE_OF)[N] extends Q ? N : never }[JobName];

/** The job names a queue serves. */
export function jobsOf(queue: QueueName): JobName[] {
  return (Object.keys(QUEUE_OF) as JobName[]).filter((name) => QUEUE_OF[name] === queue);
}

// A compile-time check that config's list of queue names and this enum agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _queueNamesAgree: Same<`${QueueName}`, QueueNameValue> = true;
void _queueNamesAgree;
