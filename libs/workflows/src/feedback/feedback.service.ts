import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  durationMs,
  type FeedbackSettings,
  findByToken,
  hashSecret,
  linkToken,
  newId,
  NotFoundError,
  PairingStatus,
  rawQuery,
  type SkillDefinition,
  withDates,
} from '@tandem/domain';
import { asLocale, linkPlaceholder, type Locale, personLocaleSql, writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import { commitThenSend, sendAfterCommit } from '../after-commit';
import { CompletionService } from '../completion/completion.service';
import { RiskService } from '../risk/risk.service';
import { closeAt } from '../cadence/session-plan';
import { feedbackRequestEmail } from './feedback-emails';
import { type CoachAnswers, type CoacheeAnswers, parseCoachAnswers, parseCoacheeAnswers } from './feedback-form';

type Role = 'coach' | 'coachee';

interface SessionContext {
  session_id: string;
  index: number;
  starts_at: Date;
  ends_at: Date;
  session_status: 'scheduled' | 'held' | 'missed' | 'cancelled';
  sequence: number;
  sessions: number;
  pairing_id: string;
  pairing_status: PairingStatus;
  organization_id: string;
  program_id: string;
  program_name: string;
  program_skills: SkillDefinition[];
  feedback: FeedbackSettings;
  coach_name: string;
  coach_email: string;
  coach_timezone: string;
  coachee_name: string;
  coachee_email: string;
  coachee_timezone: string;
  coachee_needs: Record<string, number>;
  coach_locale: string;
  coachee_locale: string;
}

interface FeedbackRow extends SessionContext {
  id: string;
  role: Role;
  remind_at: Date;
  reminded_at: Date | null;
  submitted_at: Date | null;
  session_rating: number | null;
  progress: Record<string, number> | null;
  alliance_goals: number | null;
  alliance_tasks: number | null;
  alliance_bond: number | null;
  fit: CoacheeAnswers['fit'];
  attendance: CoachAnswers['attendance'] | null;
  note: string | null;
}

const CONTEXT_SELECT = `
  select s.id as session_id, s.index, s.starts_at, s.ends_at, s.status as session_status, s.sequence,
         (select count(*)::int from coaching_session c where c.pairing_id = s.pairing_id) as sessions,
         pr.id as pairing_id, pr.status as pairing_status, pr.organization_id, pr.program_id,
         prog.name as program_name, prog.skills as program_skills, prog.feedback,
         cp.name as coach_name, cp.email as coach_email, cp.timezone as coach_timezone,
         ep.name as coachee_name, ep.email as coachee_email, ep.timezone as coachee_timezone, ee.skills as coachee_needs,
         ${personLocaleSql('cp')} as coach_locale, ${personLocaleSql('ep')} as coachee_locale
    from coaching_session s
    join pairing pr on pr.id = s.pairing_id
    join program prog on prog.id = pr.program_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id`;

const FEEDBACK_SELECT = `
  select f.id, f.role::text as role, f.remind_at, f.reminded_at, f.submitted_at, f.session_rating, f.progress, f.alliance_goals, f.alliance_tasks,
         f.alliance_bond, f.fit::text as fit, f.attendance::text as attendance, f.note, c.*
    from feedback f
    join lateral (${CONTEXT_SELECT} where s.id = f.session_id) c on true`;

/** What a feedback form shows to its respondent. */
export interface FeedbackView {
  role: Role;
  state: 'open' | 'submitted';
  index: number;
  sessions: number;
  otherName: string;
  programName: string;
  startsAt: Date;
  timeZone: string;
  /** The coachee's focus skills (need > 0, or every skill when none is marked), asked about one by one. */
  skills: { key: string; label: string }[];
  /** After the first session, the coachee is also asked whether this is a good fit. */
  askFit: boolean;
  /** The respondent's language: the form's. */
  locale: Locale;
}

/** The outcome of a form post. */
export type FeedbackOutcome = 'submitted' | 'already-submitted';

/**
 * The feedback loop after each session: closing it (both people get a form link), one reminder for an unanswered
 * form, and the forms themselves (GET shows, one POST submits). Answers are confidential: this service never hands
 * one person's answers to anyone else, and admins read only aggregates (FeedbackSummaryService).
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    private readonly risk: RiskService,
    private readonly completion: CompletionService,
  ) {}

  /** The `cadence.close-session` job: once the session's close time has come, both people are asked for feedback (once: a unique index guards it). */
  async closeSession(sessionId: string): Promise<'requested' | 'not-due' | 'skipped' | 'done'> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'feedback follow-up',
      async (tem) => {
        const [row] = await rawQuery<SessionContext>(tem, `${CONTEXT_SELECT} where s.id = ? for update of s`, [
          sessionId,
        ]);
        if (!row) throw new NotFoundError('session', sessionId);
        const context = contextDates(row);
        // A session already closed stays 'done', even after closing it completed the pairing.
        const [requested] = await rawQuery(tem, `select 1 from feedback where session_id = ? limit 1`, [sessionId]);
        if (requested) return { outcome: 'done' as const, messageIds: [], reminders: [], remindAt: new Date(0) };
        if (context.session_status === 'cancelled' || context.pairing_status !== PairingStatus.Active)
          return { outcome: 'skipped' as const, messageIds: [], reminders: [], remindAt: new Date(0) };
        const now = this.clock.now();
        if (closeAt(context.starts_at, context.ends_at) > now)
          return { outcome: 'not-due' as const, messageIds: [], reminders: [], remindAt: new Date(0) };
        if (!context.feedback.enabled) {
          // Nobody is asked for feedback, but closing the pairing's last session still completes it now, not at the sweep.
          const complete = await this.completion.isDue(tem, context.pairing_id, now);
          return {
            outcome: 'skipped' as const,
            messageIds: [],
            reminders: [],
            remindAt: new Date(0),
            complete: complete ? context.pairing_id : undefined,
          };
        }
        const remindAt = new Date(now.getTime() + durationMs(context.feedback.reminderAfter));
        const ids = [newId(), newId()];
        const inserted = await rawQuery<{ id: string; role: Role }>(
          tem,
          `insert into feedback (id, session_id, role, token_hash, requested_at, remind_at)
         select id, ?, r::feedback_role, h, ?, ? from unnest(?::uuid[], ?::text[], ?::text[]) as x(id, r, h)
         on conflict (session_id, role) do nothing
         returning id, role::text as role`,
          [
            sessionId,
            now,
            remindAt,
            ids,
            ['coach', 'coachee'],
            ids.map((id) => hashSecret(linkToken(this.config.appSecret, 'feedback', id))),
          ],
        );
        // Closing the pairing's last open session makes it due to complete (the reconciler catches a race of two closes).
        const complete = await this.completion.isDue(tem, context.pairing_id, now);
        if (inserted.length === 0)
          return {
            outcome: 'done' as const,
            messageIds: [],
            reminders: [],
            remindAt,
            complete: complete ? context.pairing_id : undefined,
          };
        const messageIds = await writeOutbox(
          tem,
          inserted.map((f) => this.requestDraft(context, f.id, f.role, false)),
        );
        return {
          outcome: 'requested' as const,
          messageIds,
          reminders: inserted.map((f) => f.id),
          remindAt,
          complete: complete ? context.pairing_id : undefined,
        };
      },
      async (result) => {
        await this.producer.enqueueAt(
          JobName.FeedbackRemind,
          result.reminders.map((feedbackId) => ({ payload: { feedbackId }, dueAt: result.remindAt })),
          this.clock.now(),
        );
        if ('complete' in result && result.complete)
          await this.producer.enqueue(JobName.FeedbackCompletePairing, { pairingId: result.complete });
      },
    );
    return result.outcome;
  }

  /** The `feedback.remind` job: the one reminder of an unanswered form (a conditional update guards it). */
  async remind(feedbackId: string): Promise<'sent' | 'not-due' | 'done'> {
    const result = await commitThenSend(this.em, this.producer, 'feedback follow-up', async (tem) => {
      const [raw] = await rawQuery<FeedbackRow>(tem, `${FEEDBACK_SELECT} where f.id = ? for update of f`, [feedbackId]);
      if (!raw) throw new NotFoundError('feedback', feedbackId);
      const row = feedbackDates(raw);
      // The last session's forms are still reminded after the pairing completed.
      if (
        row.submitted_at ||
        row.reminded_at ||
        ![PairingStatus.Active, PairingStatus.Completed].includes(row.pairing_status)
      )
        return { outcome: 'done' as const, messageIds: [] };
      const now = this.clock.now();
      if (row.remind_at > now) return { outcome: 'not-due' as const, messageIds: [] };
      await rawQuery(tem, `update feedback set reminded_at = ? where id = ?`, [now, feedbackId]);
      return {
        outcome: 'sent' as const,
        messageIds: await writeOutbox(tem, [this.requestDraft(row, row.id, row.role, true)]),
      };
    });
    return result.outcome;
  }

  /** Reads a form by its link token; changes nothing (mail scanners fetch links). */
  async view(token: string): Promise<FeedbackView> {
    const row = await this.find(this.em.fork(), token, false);
    const coach = row.role === 'coach';
    return {
      role: row.role,
      state: row.submitted_at ? 'submitted' : 'open',
      index: row.index,
      sessions: row.sessions,
      otherName: coach ? row.coachee_name : row.coach_name,
      programName: row.program_name,
      startsAt: row.starts_at,
      timeZone: coach ? row.coach_timezone : row.coachee_timezone,
      skills: coach ? [] : focusSkills(row),
      askFit: !coach && row.index === 1,
      locale: asLocale(coach ? row.coach_locale : row.coachee_locale),
    };
  }

  /**
   * Submits a form once. Posting the same answers again answers 'already-submitted'; different answers are a
   * conflict (a submission is final). The coach's held or missed sets the session's status.
   */
  async submit(token: string, body: unknown): Promise<FeedbackOutcome> {
    const em = this.em.fork();
    let completePairing: string | undefined;
    const result = await em.transactional(async (tem) => {
      const row = await this.find(tem, token, true);
      const answers =
        row.role === 'coach'
          ? parseCoachAnswers(body)
          : parseCoacheeAnswers(body, { skills: focusSkills(row).map((s) => s.key), askFit: row.index === 1 });
      if (row.submitted_at) {
        if (sameAnswers(storedAnswers(row), answers)) return { outcome: 'already-submitted' as const };
        throw new ConflictError(
          'feedback_submitted',
          'This feedback was submitted already; answers cannot be changed.',
        );
      }
      const now = this.clock.now();
      if (row.role === 'coach') {
        const coach = answers as CoachAnswers;
        await rawQuery(tem, `update feedback set attendance = ?, note = ?, fit = ?, submitted_at = ? where id = ?`, [
          coach.attendance,
          coach.note,
          coach.fit,
          now,
          row.id,
        ]);
        if (coach.attendance !== 'moved') {
          await rawQuery(
            tem,
            `update coaching_session set status = ?, updated_at = ? where id = ? and status = 'scheduled'`,
            [coach.attendance, now, row.session_id],
          );
        }
        // A pairing whose sessions all closed waits for a held one to complete: this answer may be it.
        if (coach.attendance === 'held' && (await this.completion.isDue(tem, row.pairing_id, now)))
          completePairing = row.pairing_id;
      } else {
        const coachee = answers as CoacheeAnswers;
        await rawQuery(
          tem,
          `update feedback set session_rating = ?, progress = ?::jsonb, alliance_goals = ?, alliance_tasks = ?, alliance_bond = ?, fit = ?, submitted_at = ? where id = ?`,
          [
            coachee.sessionRating,
            JSON.stringify(coachee.progress),
            coachee.allianceGoals,
            coachee.allianceTasks,
            coachee.allianceBond,
            coachee.fit,
            now,
            row.id,
          ],
        );
      }
      // The at-risk rules read the answers just written; their emails commit with them.
      const riskMessages = await this.risk.assess(tem, row.pairing_id, now);
      // The audit trail says that someone answered, never what.
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (gen_random_uuid(), ?, ?, 'feedback.submitted', 'feedback', ?)`,
        [row.organization_id, row.role, row.id],
      );
      await recordWebhookEvents(
        tem,
        'feedback.submitted',
        `select pr.organization_id, jsonb_build_object('feedbackId', f.id, 'sessionId', s.id, 'pairingId', pr.id, 'programId', pr.program_id, 'role', f.role::text) as data
           from feedback f join coaching_session s on s.id = f.session_id join pairing pr on pr.id = s.pairing_id where f.id = ?`,
        [row.id],
        now,
      );
      return {
        outcome: 'submitted' as const,
        riskMessages,
        aggregate: row.role === 'coachee' ? { programId: row.program_id, feedbackId: row.id } : undefined,
      };
    });
    if (result.outcome === 'submitted') {
      await sendAfterCommit(this.producer, 'feedback follow-up', result.riskMessages, async () => {
        if (result.aggregate) await this.producer.enqueue(JobName.FeedbackAggregate, result.aggregate);
        if (completePairing)
          await this.producer.enqueue(JobName.FeedbackCompletePairing, { pairingId: completePairing });
      });
    }
    return result.outcome;
  }

  private requestDraft(context: SessionContext, feedbackId: string, role: Role, reminder: boolean) {
    const coach = role === 'coach';
    return {
      organizationId: context.organization_id,
      idempotencyKey: `${reminder ? 'feedback-reminder' : 'feedback-request'}:${context.session_id}:${role}`,
      to: coach ? context.coach_email : context.coachee_email,
      ...feedbackRequestEmail({
        role,
        recipientName: coach ? context.coach_name : context.coachee_name,
        otherName: coach ? context.coachee_name : context.coach_name,
        index: context.index,
        startsAt: context.starts_at,
        timeZone: coach ? context.coach_timezone : context.coachee_timezone,
        link: linkPlaceholder('feedback', feedbackId),
        reminder,
        locale: asLocale(coach ? context.coach_locale : context.coachee_locale),
      }),
    };
  }

  private async find(em: EntityManager, token: string, lock: boolean): Promise<FeedbackRow> {
    const row = await findByToken<FeedbackRow>(em, token, {
      what: 'feedback',
      sql: `${FEEDBACK_SELECT} where f.token_hash = ?${lock ? ' for update of f' : ''}`,
    });
    return feedbackDates(row);
  }
}

/** The coachee's focus skills: those with a development need, or all of the program's when none is marked. */
function focusSkills(row: SessionContext): { key: string; label: string }[] {
  const all = row.program_skills.map((s) => ({ key: s.key, label: s.label }));
  const focus = all.filter((s) => (row.coachee_needs?.[s.key] ?? 0) > 0);
  return focus.length > 0 ? focus : all;
}

function storedAnswers(row: FeedbackRow): CoachAnswers | CoacheeAnswers {
  if (row.role === 'coach')
    return { attendance: row.attendance!, note: row.note, fit: row.fit === 'not_good' ? 'not_good' : null };
  return {
    sessionRating: row.session_rating!,
    progress: row.progress ?? {},
    allianceGoals: row.alliance_goals!,
    allianceTasks: row.alliance_tasks!,
    allianceBond: row.alliance_bond!,
    fit: row.fit,
  };
}

function sameAnswers(a: CoachAnswers | CoacheeAnswers, b: CoachAnswers | CoacheeAnswers): boolean {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** A session's context with its times as Dates. */
const contextDates = <T extends SessionContext>(row: T): T => withDates(row, 'starts_at', 'ends_at');

/** A feedback row with its timestamps as Dates. */
const feedbackDates = (row: FeedbackRow): FeedbackRow =>
  withDates(row, 'starts_at', 'ends_at', 'remind_at', 'reminded_at', 'submitted_at');
