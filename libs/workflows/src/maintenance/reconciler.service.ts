import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock, LIVE_PAIRING_STATUSES, PairingStatus, pairingStatusSql, rawQuery, UNTAKEN_PAIRING_STATUSES } from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';
import { COMPLETION_DUE_SQL } from '../completion/completion-due';
import { CLOSE_AT_SQL } from '../cadence/session-plan';
import { DEFAULT_INACTIVITY_GRACE, DEFAULT_INACTIVITY_WINDOW } from '../programs/program-settings';

/** What one reconcile pass queued again. */
export interface ReconcileReport {
  emails: number;
  imports: number;
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
  /** Jobs BullMQ held as failed whose work the database still says is due, retried. */
  revivedJobs: number;
}

/** Work younger than this is left alone: its own producer is probably still about to queue it. */
const GRACE_SECONDS = 30;
const BATCH = 5000;

/**
 * Re-creates jobs from database state, so that losing Redis (or a crash between commit and enqueue) loses nothing.
 * Job ids are deterministic, so queueing work that is already queued is a no-op; handlers guard in the database.
 * Each query reads an index made for it, so a pass costs a few milliseconds when nothing is missing.
 */
@Injectable()
export class ReconcilerService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const em = this.em.fork();
    const now = this.clock.now();
    const messages = await rawQuery<{ id: string }>(
      em,
      `select id from outbox_message
        where (status = 'pending' or (status = 'sending' and locked_until < now()))
          and created_at < now() - make_interval(secs => ?)
        order by created_at limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    const imports = await rawQuery<{ id: string }>(
      em,
      `select id from import_batch where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) order by created_at limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    const rounds = await rawQuery<{ id: string; revision: number }>(
      em,
      `select id, revision from matching_round where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    // Pending offers past expiry, and pending offers whose reminder is due: one sweep job per program.
    const expiries = await rawQuery<{ program_id: string }>(
      em,
      `select distinct p.program_id from offer o join pairing p on p.id = o.pairing_id where o.decision is null and o.expires_at <= ?`,
      [now],
    );
    const reminders = await rawQuery<{ program_id: string }>(
      em,
      `select distinct p.program_id from offer o join pairing p on p.id = o.pairing_id
        where o.decision is null and o.reminded_at is null and o.expires_at > ?
          and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) <= ?`,
      [now, now],
    );
    // A coachee whose last offer ended (declined or expired) with no live pairing and no verdict yet awaits a re-match.
    const rematches = await rawQuery<{ coachee_id: string; attempt: string }>(
      em,
      `select e.id as coachee_id, (select count(*) from pairing d where d.coachee_id = e.id and d.status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)}) as attempt
         from enrollment e
        where e.role = 'coachee' and e.status = 'active' and e.unmatched_reason is null
          and exists (select 1 from pairing d where d.coachee_id = e.id and d.status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)} and d.updated_at < now() - make_interval(secs => ?))
          and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
        limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    // Active pairings whose sessions were never planned, and session reminders that are due but not sent.
    const plans = await rawQuery<{ id: string }>(
      em,
      `select p.id from pairing p
        where p.status in ${pairingStatusSql(PairingStatus.Active)} and p.activated_at < now() - make_interval(secs => ?)
          and not exists (select 1 from coaching_session s where s.pairing_id = p.id)
        limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    const sessionReminders = await rawQuery<{ id: string; sequence: number }>(
      em,
      `select s.id, s.sequence from coaching_session s join pairing p on p.id = s.pairing_id
        where s.status = 'scheduled' and s.reminded_at is null and s.remind_at <= ? and p.status in ${pairingStatusSql(PairingStatus.Active)}
        order by s.remind_at limit ?`,
      [now, BATCH],
    );
    // Sessions past their close time whose feedback was never requested (the requests and their emails are written in
    // one transaction, so a session with requests needs nothing more), and feedback reminders due but not sent.
    const closes = await rawQuery<{ id: string; sequence: number }>(
      em,
      `select s.id, s.sequence from coaching_session s
         join pairing p on p.id = s.pairing_id
         join program prog on prog.id = p.program_id
        where s.status <> 'cancelled' and p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean
          and ${CLOSE_AT_SQL} <= ?
          and not exists (select 1 from feedback f where f.session_id = s.id)
        order by s.ends_at limit ?`,
      [now, BATCH],
    );
    const feedbackReminders = await rawQuery<{ id: string }>(
      em,
      `select f.id from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing p on p.id = s.pairing_id
        where f.submitted_at is null and f.reminded_at is null and f.remind_at <= ? and p.status in ${pairingStatusSql(PairingStatus.Active, PairingStatus.Completed)}
        order by f.remind_at limit ?`,
      [now, BATCH],
    );
    // Organizations with a coachee's answer newer than its coach's estimates (the aggregate job was lost): one job each
    // (it recomputes the whole organization), named by the program and submission of the newest such answer.
    const aggregates = await rawQuery<{ program_id: string; feedback_id: string }>(
      em,
      `select distinct on (pr.organization_id) pr.program_id, f.id as feedback_id
         from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing pr on pr.id = s.pairing_id
         join enrollment ce on ce.id = pr.coach_id
        where f.role = 'coachee' and f.submitted_at is not null and f.submitted_at < now() - make_interval(secs => ?)
          and f.submitted_at > coalesce((select max(e.updated_at) from coach_learning e where e.organization_id = pr.organization_id and e.person_id = ce.person_id), '-infinity')
        order by pr.organization_id, f.submitted_at desc
        limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    // Active pairings whose sessions have all closed but that never completed (the completion job was lost).
    const completions = await rawQuery<{ id: string }>(
      em,
      `select p.id from pairing p join program prog on prog.id = p.program_id
        where p.status in ${pairingStatusSql(PairingStatus.Active)} and p.updated_at < now() - make_interval(secs => ?) and ${COMPLETION_DUE_SQL}
        limit ?`,
      [GRACE_SECONDS, now, BATCH],
    );
    // Coachees who took a re-match after an at-risk pairing but have no live pairing and no verdict yet.
    const riskRematches = await rawQuery<{ coachee_id: string; attempt: string }>(
      em,
      `select e.id as coachee_id, -(select count(*) from pairing d where d.coachee_id = e.id and d.rematch_accepted_at is not null) as attempt
         from enrollment e
        where e.role = 'coachee' and e.status = 'active' and e.unmatched_reason is null
          and exists (select 1 from pairing d where d.coachee_id = e.id and d.rematch_accepted_at < now() - make_interval(secs => ?)
                        and not exists (select 1 from pairing n where n.coachee_id = e.id and n.created_at > d.rematch_accepted_at))
          and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
        limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    // Active pairings whose inactivity nudge or close is due (the window runs from the last held session).
    const inactive = await rawQuery<{ id: string }>(
      em,
      `select p.id from (
         select p.id, p.nudged_at, prog.feedback,
                greatest(p.activated_at, (select max(s.starts_at) from coaching_session s where s.pairing_id = p.id and s.status = 'held')) as since
           from pairing p join program prog on prog.id = p.program_id
          where p.status in ${pairingStatusSql(PairingStatus.Active)} and (prog.feedback ->> 'enabled')::boolean and p.activated_at is not null) p
        where (p.nudged_at >= p.since and p.nudged_at + coalesce(p.feedback ->> 'inactivityGrace', ?)::interval <= ?)
           or ((p.nudged_at is null or p.nudged_at < p.since) and p.since + coalesce(p.feedback ->> 'inactivityWindow', ?)::interval <= ?)
        limit ?`,
      [DEFAULT_INACTIVITY_GRACE, now, DEFAULT_INACTIVITY_WINDOW, now, BATCH],
    );
    // Programs where a place freed up but the waiting list was not matched for it (the job was lost).
    const waitlists = await rawQuery<{ id: string; due: string }>(
      em,
      `select id, waitlist_due_at as due from program
        where status = 'active' and waitlist_due_at < now() - make_interval(secs => ?)
          and (waitlist_done_at is null or waitlist_done_at < waitlist_due_at)
        limit ?`,
      [GRACE_SECONDS, BATCH],
    );
    let revived = 0;
    revived += await this.producer.requeue(JobName.EmailSend, messages.map((m) => ({ messageId: m.id })));
    revived += await this.producer.requeue(JobName.IntakeImportBatch, imports.map((i) => ({ importId: i.id })));
    revived += await this.producer.requeue(JobName.MatchingRunRound, rounds.map((r) => ({ roundId: r.id, revision: r.revision })));
    revived += await this.producer.requeue(JobName.PairingExpireOffers, expiries.map((e) => ({ programId: e.program_id, dueAt: now.getTime() })));
    revived += await this.producer.requeue(JobName.PairingRemindOffers, reminders.map((r) => ({ programId: r.program_id, dueAt: now.getTime() })));
    revived += await this.producer.requeue(JobName.MatchingRematchCoachee, rematches.map((r) => ({ coacheeId: r.coachee_id, attempt: Number(r.attempt) })));
    revived += await this.producer.requeue(JobName.CadenceScheduleSessions, plans.map((p) => ({ pairingId: p.id })));
    revived += await this.producer.requeue(JobName.CadenceRemind, sessionReminders.map((r) => ({ sessionId: r.id, sequence: r.sequence })));
    revived += await this.producer.requeue(JobName.CadenceCloseSession, closes.map((c) => ({ sessionId: c.id, sequence: c.sequence })));
    revived += await this.producer.requeue(JobName.FeedbackRemind, feedbackReminders.map((f) => ({ feedbackId: f.id })));
    revived += await this.producer.requeue(JobName.FeedbackAggregate, aggregates.map((a) => ({ programId: a.program_id, feedbackId: a.feedback_id })));
    revived += await this.producer.requeue(JobName.FeedbackCompletePairing, completions.map((c) => ({ pairingId: c.id })));
    revived += await this.producer.requeue(JobName.MatchingRematchCoachee, riskRematches.map((r) => ({ coacheeId: r.coachee_id, attempt: Number(r.attempt) })));
    revived += await this.producer.requeue(JobName.FeedbackCheckInactivity, inactive.map((p) => ({ pairingId: p.id, dueAt: now.getTime() })));
    revived += await this.producer.requeue(JobName.MatchingMatchWaiting, waitlists.map((w) => ({ programId: w.id, dueAt: new Date(w.due).getTime() })));
    return {
      emails: messages.length,
      imports: imports.length,
      rounds: rounds.length,
      offerExpiries: expiries.length,
      offerReminders: reminders.length,
      rematches: rematches.length,
      sessionPlans: plans.length,
      sessionReminders: sessionReminders.length,
      sessionCloses: closes.length,
      feedbackReminders: feedbackReminders.length,
      effectiveness: aggregates.length,
      completions: completions.length,
      riskRematches: riskRematches.length,
      inactivityChecks: inactive.length,
      waitingLists: waitlists.length,
      revivedJobs: revived,
    };
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
      [now, BATCH],
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
      [now, BATCH],
    );
    const feedbackReminders = await rawQuery<{ id: string; due_at: Date }>(
      em,
      `select f.id, f.remind_at as due_at from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing p on p.id = s.pairing_id
        where f.submitted_at is null and f.reminded_at is null and f.remind_at > ? and p.status in ${pairingStatusSql(PairingStatus.Active, PairingStatus.Completed)}
        order by f.remind_at limit ?`,
      [now, BATCH],
    );
    // One sweep per program at its next due time; that sweep queues the one after (as the offers' own producer does).
    const offerExpiries = await rawQuery<{ program_id: string; due_at: Date }>(
      em,
      `select p.program_id, min(o.expires_at) as due_at from offer o join pairing p on p.id = o.pairing_id
        where o.decision is null and o.expires_at > ? group by p.program_id limit ?`,
      [now, BATCH],
    );
    const offerReminders = await rawQuery<{ program_id: string; due_at: Date }>(
      em,
      `select p.program_id, min(o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2)) as due_at
         from offer o join pairing p on p.id = o.pairing_id
        where o.decision is null and o.reminded_at is null and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) > ?
        group by p.program_id limit ?`,
      [now, BATCH],
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
