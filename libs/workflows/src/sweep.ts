import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobProducer } from '@tandem/queues';

/** Work younger than this is left alone: its own producer is probably still about to queue it. */
export const SWEEP_GRACE_SECONDS = 30;
/** The most subjects of one kind that one pass queues again. */
export const SWEEP_BATCH = 5000;

/** What one reconcile pass found due and queued again, by kind of work. */
export interface SweepCounts {
  emails: number;
  imports: number;
  /** Invitations whose email was not yet written. */
  invitations: number;
  /** Scheduled questionnaire reminders due but not sent. */
  invitationReminders: number;
  rounds: number;
  offerExpiries: number;
  offerReminders: number;
  rematches: number;
  sessionPlans: number;
  sessionReminders: number;
  sessionCloses: number;
  feedbackReminders: number;
  effectiveness: number;
  completions: number;
  riskRematches: number;
  inactivityChecks: number;
  waitingLists: number;
  /** Webhook deliveries whose attempt was due. */
  webhooks: number;
}

/** What a sweep reads with: one entity manager for the pass, the producer, and the pass's time. */
export interface SweepContext {
  em: EntityManager;
  producer: JobProducer;
  now: Date;
}

/** What a sweep found due (its own kinds of work) and how many jobs BullMQ held as failed it retried. */
export interface SweepResult {
  counts: Partial<SweepCounts>;
  revived: number;
}

/**
 * A feature's part of the reconciler: reads, with one indexed query per kind of work, what the database says is due
 * but may have lost its job, and queues it again (`JobProducer.requeue`: deterministic job ids make a job that exists
 * a no-op). Each feature keeps its sweep beside its jobs; the reconciler runs them all in turn.
 */
export type Sweep = (ctx: SweepContext) => Promise<SweepResult>;

/**
 * A feature's part of restoring delayed jobs after Redis came back empty: re-creates the delayed jobs of its work due
 * later, each delayed until its due time (`JobProducer.enqueueAt`). Answers how many jobs it asked for.
 */
export type Restore = (ctx: SweepContext) => Promise<number>;

/** A timestamp as the driver hands it back (text), as a Date. */
export const asDate = (value: Date | string): Date => new Date(value);
