import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock, PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';
import { sweepCadence } from '../cadence/cadence-sweep';
import { CLOSE_AT_SQL } from '../cadence/session-plan';
import { sweepCompletion } from '../completion/completion-sweep';
import { sweepFeedback } from '../feedback/feedback-sweep';
import { sweepIntake } from '../intake/intake-sweep';
import { sweepOffers } from '../pairing/offers-sweep';
import { sweepRisk } from '../risk/risk-sweep';
import { sweepRounds } from '../rounds/rounds-sweep';
import { type Sweep, SWEEP_BATCH, type SweepCounts, SWEEP_GRACE_SECONDS } from '../sweep';

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
  const revived = await producer.requeue(JobName.EmailSend, messages.map((m) => ({ messageId: m.id })));
  return { counts: { emails: messages.length }, revived };
};

/** Every feature's sweep, in the order a pass runs them. */
const SWEEPS: readonly Sweep[] = [sweepOutbox, sweepIntake, sweepRounds, sweepOffers, sweepCadence, sweepFeedback, sweepCompletion, sweepRisk];

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

  async reconcile(): Promise<ReconcileReport> {
    const context = { em: this.em.fork(), producer: this.producer, now: this.clock.now() };
    const report: ReconcileReport = {
      emails: 0,
      imports: 0,
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
      revivedJobs: 0,
    };
    for (const sweep of SWEEPS) {
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
  async restoreDelayed(): Promise<number> {
    const em = this.em.fork();
    const now = this.clock.now();
    const reminders = await rawQuery<{ id: string; sequence: number; due_at: Date }>(
      em,
      `select s.id, s.sequence, s.remind_at as due_at from coaching_session s join pairing p on p.id = s.pairing_id
        where s.status = 'scheduled' and s.reminded_at is null and s.remind_at > ? and p.status in ${pairingStatusSql(PairingStatus.Active)}
        order by s.remind_at limit ?`,
      [now, SWEEP_BATCH],
    );
    const closes = await rawQuery<{ id: string; sequence: number; due_at: Date }>(
      em,
      `select s.id, s.sequence, ${CLOSE_AT_SQL} as due_at from coaching_session s
         join pairing p on p.id = s.pairing_id
         join program prog on prog.id = p.program_id
        where s.status <> 'cancelled' and p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean
          and ${CLOSE_AT_SQL} > ?
          and not exists (select 1 from feedback f where f.session_id = s.id)
        order by 3 limit ?`,
      [now, SWEEP_BATCH],
    );
    const feedbackReminders = await rawQuery<{ id: string; due_at: Date }>(
      em,
      `select f.id, f.remind_at as due_at from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing p on p.id = s.pairing_id
        where f.submitted_at is null and f.reminded_at is null and f.remind_at > ? and p.status in ${pairingStatusSql(PairingStatus.Active, PairingStatus.Completed)}
        order by f.remind_at limit ?`,
      [now, SWEEP_BATCH],
    );
    // One sweep per program at its next due time; that sweep queues the one after (as the offers' own producer does).
    const offerExpiries = await rawQuery<{ program_id: string; due_at: Date }>(
      em,
      `select p.program_id, min(o.expires_at) as due_at from offer o join pairing p on p.id = o.pairing_id
        where o.decision is null and o.expires_at > ? group by p.program_id limit ?`,
      [now, SWEEP_BATCH],
    );
    const offerReminders = await rawQuery<{ program_id: string; due_at: Date }>(
      em,
      `select p.program_id, min(o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2)) as due_at
         from offer o join pairing p on p.id = o.pairing_id
        where o.decision is null and o.reminded_at is null and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) > ?
        group by p.program_id limit ?`,
      [now, SWEEP_BATCH],
    );
    const at = (value: Date) => new Date(value);
    await this.producer.enqueueAt(JobName.CadenceRemind, reminders.map((r) => ({ payload: { sessionId: r.id, sequence: r.sequence }, dueAt: at(r.due_at) })));
    await this.producer.enqueueAt(JobName.CadenceCloseSession, closes.map((c) => ({ payload: { sessionId: c.id, sequence: c.sequence }, dueAt: at(c.due_at) })));
    await this.producer.enqueueAt(JobName.FeedbackRemind, feedbackReminders.map((f) => ({ payload: { feedbackId: f.id }, dueAt: at(f.due_at) })));
    await this.producer.enqueueAt(JobName.PairingExpireOffers, offerExpiries.map((e) => ({ payload: { programId: e.program_id, dueAt: at(e.due_at).getTime() }, dueAt: at(e.due_at) })));
    await this.producer.enqueueAt(JobName.PairingRemindOffers, offerReminders.map((r) => ({ payload: { programId: r.program_id, dueAt: at(r.due_at).getTime() }, dueAt: at(r.due_at) })));
    return reminders.length + closes.length + feedbackReminders.length + offerExpiries.length + offerReminders.length;
  }
}
