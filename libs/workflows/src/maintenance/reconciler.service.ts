import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock, rawQuery } from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';
import { restoreCadence, sweepCadence } from '../cadence/cadence-sweep';
import { sweepCompletion } from '../completion/completion-sweep';
import { restoreFeedback, sweepFeedback } from '../feedback/feedback-sweep';
import { sweepIntake } from '../intake/intake-sweep';
import { restoreInvitations, sweepInvitations } from '../invitations/invitations-sweep';
import { restoreOffers, sweepOffers } from '../pairing/offers-sweep';
import { sweepRisk } from '../risk/risk-sweep';
import { sweepRounds } from '../rounds/rounds-sweep';
import { restoreWebhooks, sweepWebhooks } from '../webhooks/webhooks-sweep';
import type { HeldLease } from './lease.service';
import { type Restore, type Sweep, SWEEP_BATCH, type SweepCounts, SWEEP_GRACE_SECONDS } from '../sweep';

/** What one reconcile pass queued again. */
export interface ReconcileReport extends SweepCounts {
  /** Jobs BullMQ held as failed whose work the database still says is due, retried. */
  revivedJobs: number;
}

/** Outbox messages never sent: pending, or claimed by a sender whose lease ran out. */
const sweepOutbox: Sweep = async ({ em, producer }) => {
  const messages = await rawQuery<{ id: string }>(
    em,
    `select id from outbox_message
      where (status = 'pending' or (status = 'sending' and locked_until < now()))
        and created_at < now() - make_interval(secs => ?)
      order by created_at limit ?`,
    [SWEEP_GRACE_SECONDS, SWEEP_BATCH],
  );
  const revived = await producer.requeue(
    JobName.EmailSend,
    messages.map((m) => ({ messageId: m.id })),
  );
  return { counts: { emails: messages.length }, revived };
};

/** Every feature's sweep, in the order a pass runs them. */
const SWEEPS: readonly Sweep[] = [
  sweepOutbox,
  sweepIntake,
  sweepInvitations,
  sweepRounds,
  sweepOffers,
  sweepCadence,
  sweepFeedback,
  sweepCompletion,
  sweepRisk,
  sweepWebhooks,
];

/** Every feature's restore of delayed jobs (inactivity checks, days or weeks away, are left to the periodic pass). */
const RESTORES: readonly Restore[] = [
  restoreCadence,
  restoreFeedback,
  restoreOffers,
  restoreWebhooks,
  restoreInvitations,
];

/**
 * Re-creates jobs from database state, so that losing Redis (or a crash between commit and enqueue) loses nothing.
 * Each feature owns its sweep (`<feature>/<feature>-sweep.ts`, beside its jobs); a pass runs them in turn. Job ids are
 * deterministic, so queueing work that is already queued is a no-op; handlers guard in the database. Each query reads
 * an index made for it, so a pass costs a few milliseconds when nothing is missing.
 */
@Injectable()
export class ReconcilerService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
  ) {}

  /**
   * One pass. Under a lease (the worker's periodic pass, see LeaseService) it stops between sweeps once the lease may
   * have been lost, leaving the rest to the holder that took it over.
   */
  async reconcile(lease?: HeldLease): Promise<ReconcileReport> {
    const context = { em: this.em.fork(), producer: this.producer, now: this.clock.now() };
    const report: ReconcileReport = {
      emails: 0,
      imports: 0,
      invitations: 0,
      invitationReminders: 0,
      rounds: 0,
      offerExpiries: 0,
      offerReminders: 0,
      rematches: 0,
      sessionPlans: 0,
      sessionReminders: 0,
      sessionCloses: 0,
      feedbackReminders: 0,
      effectiveness: 0,
      completions: 0,
      riskRematches: 0,
      inactivityChecks: 0,
      waitingLists: 0,
      webhooks: 0,
      revivedJobs: 0,
    };
    for (const sweep of SWEEPS) {
      if (lease?.lost) break;
      const { counts, revived } = await sweep(context);
      Object.assign(report, counts);
      report.revivedJobs += revived;
    }
    return report;
  }

  /**
   * After Redis came back empty (or at a worker's first boot on it): re-creates the delayed jobs of work due later,
   * each with the delay left until its due time, so none waits for its due time plus a reconcile interval. Work already
   * due is the next reconcile pass's (the re-created scheduler runs one at once). Covers session reminders and closes,
   * feedback reminders, and each program's next offer reminder and expiry; inactivity checks (days or weeks away) are
   * left to the periodic pass. Job ids are deterministic, so jobs that survived are not doubled. Answers how many jobs
   * it asked for.
   */
  async restoreDelayed(lease?: HeldLease): Promise<number> {
    const context = { em: this.em.fork(), producer: this.producer, now: this.clock.now() };
    let restored = 0;
    for (const restore of RESTORES) {
      if (lease?.lost) break;
      restored += await restore(context);
    }
    return restored;
  }
}
