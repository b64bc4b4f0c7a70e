import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  findByToken,
  hashSecret,
  linkToken,
  newId,
  NotFoundError,
  PairingStatus,
  pairingStatusSql,
  Program,
  rawQuery,
  type SkillDefinition,
  ValidationError,
} from '@tandem/domain';
import {
  asLocale,
  invitationEmail,
  invitationReminderEmail,
  isLocale,
  type Locale,
  linkPlaceholder,
  type OutboxDraft,
  personLocaleSql,
  writeOutbox,
} from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { z } from 'zod';
import { sendAfterCommit } from '../after-commit';
import { writeEnrollment } from '../intake/intake.service';
import type { ParticipantRecord } from '../intake/participant-record';
import { queueWaitlist } from '../pairing/waitlist';
import type { Actor } from '../programs/programs.service';
import { ProgramsService } from '../programs/programs.service';
import { parseCommand } from '../validation';
import {
  enrollmentSkills,
  type FieldProblem,
  parseQuestionnaire,
  type QuestionnaireAnswers,
} from './questionnaire-form';
import { parseRoster, type RosterEntry } from './roster';

/** The reminder days of a program that set none. */
export const DEFAULT_REMINDER_DAYS = [3, 7];
const DAY_MS = 86_400_000;
/** Invitations written per transaction of the send job. */
const SEND_BATCH = 1000;

/** A program's registration settings as the API shows them. */
export interface RegistrationSettings {
  deadline: Date | null;
  reminderDays: number[];
  closedAt: Date | null;
  /** The deadline in force: the earlier of the deadline and the close. */
  closesAt: Date | null;
  closed: boolean;
  openRegistration: boolean;
  /** The domains set for the program; empty: the organization's single sign-on domains (`effectiveDomains`). */
  allowedDomains: string[];
  effectiveDomains: string[];
  /** The public registration link (it takes addresses only while `openRegistration` is on and registration is open). */
  registrationUrl: string;
}

/** The questionnaire funnel of a program: how many were invited, opened the page, answered, were reminded. */
export interface Funnel {
  invited: number;
  /** Invitations whose email is still to be written (the send job has them). */
  sending: number;
  opened: number;
  submitted: number;
  reminded: number;
  unanswered: number;
}

/** One invitation as listed to admins. */
export interface InvitationListItem {
  id: string;
  email: string;
  name: string;
  role: string;
  source: string;
  state: 'sending' | 'invited' | 'submitted';
  opened: boolean;
  reminders: number;
  invitedAt: Date | null;
  submittedAt: Date | null;
}

/** What the questionnaire page shows (read by GET, which changes nothing a person sees). */
export interface QuestionnaireView {
  /** `open`: not answered; `submitted`: answered, still changeable; `matched`: answered and matched; `closed`: past the deadline unanswered. */
  state: 'open' | 'submitted' | 'matched' | 'closed';
  role: 'coach' | 'coachee';
  programName: string;
  skills: SkillDefinition[];
  /** The form's values: the last answers, or what is known already (the roster, a full participant file, the person). */
  values: Record<string, unknown>;
  deadline: Date | null;
  locale: Locale;
}

interface InvitationRow {
  id: string;
  program_id: string;
  organization_id: string;
  email: string;
  name: string;
  role: 'coach' | 'coachee';
  locale: string;
  /** The language the invitation itself named (the roster's), kept for the person a submission writes. */
  own_locale: string | null;
  prefill: Partial<ParticipantRecord> | null;
  answers: QuestionnaireAnswers | null;
  submitted_at: Date | null;
  program_name: string;
  program_skills: SkillDefinition[];
  closes_at: Date | null;
  matched: boolean;
  person_timezone: string | null;
  person_languages: string[] | null;
}

/** The recipient's language: the invitation's, else the person's (if known), else the organization's default. */
const INVITEE_LOCALE = `coalesce(i.locale, (select ${personLocaleSql('p')} from person p where p.organization_id = prog.organization_id and p.email = i.email),
  (select o.default_locale from organization o where o.id = prog.organization_id))`;

/** The deadline in force of a program (null: none), as SQL over `program_registration` aliased `r`. */
export const CLOSES_AT = `case when r.closed_at is null then r.deadline when r.deadline is null then r.closed_at else least(r.deadline, r.closed_at) end`;

/** Whether the person of an invitation is matched (a pairing in a state other than declined, expired or withdrawn). */
const MATCHED = `exists (select 1 from enrollment e join person p on p.id = e.person_id join pairing pr on (pr.coachee_id = e.id or pr.coach_id = e.id)
   where e.program_id = i.program_id and p.organization_id = prog.organization_id and p.email = i.email and e.role = i.role
     and pr.status not in ${pairingStatusSql(PairingStatus.Declined, PairingStatus.Expired, PairingStatus.Withdrawn)})`;

/** An admin's extra reminder skips whoever was reminded this recently (by any reminder). */
export const EXTRA_REMINDER_GAP_MS = 3600_000;

const INVITATION_SELECT = `select i.id, i.program_id, prog.organization_id, i.email, i.name, i.role::text as role, ${INVITEE_LOCALE} as locale, i.locale as own_locale,
       i.prefill, i.answers, i.submitted_at, prog.name as program_name, prog.skills as program_skills, ${CLOSES_AT} as closes_at,
       ${MATCHED} as matched,
       (select p.timezone from person p where p.organization_id = prog.organization_id and p.email = i.email) as person_timezone,
       (select p.languages from person p where p.organization_id = prog.organization_id and p.email = i.email) as person_languages
  from invitation i join program prog on prog.id = i.program_id left join program_registration r on r.program_id = i.program_id`;

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com');

/** PUT /programs/{id}/registration: any subset of the settings. */
export const registrationSettingsSchema = z
  .object({
    deadline: z.iso
      .datetime({ offset: true })
      // PostgreSQL stores years 1 to 294276 only; a deadline is a date within a program's life.
      .refine((v) => {
        const year = new Date(v).getUTCFullYear();
        return year >= 2000 && year <= 2999;
      }, 'must be a date between the years 2000 and 2999')
      .nullable(),
    reminderDays: z
      .array(z.number().int().min(1).max(90))
      .max(5)
      .refine((days) => days.every((d, i) => i === 0 || d > days[i - 1]), 'must be increasing days, such as [3, 7]'),
    openRegistration: z.boolean(),
    allowedDomains: z.array(domain).max(50),
  })
  .partial()
  .strict();

export type RegistrationSettingsInput = z.infer<typeof registrationSettingsSchema>;

/**
 * Invitations and the questionnaire (the intake workflow's participants' side): an admin invites people (a roster, the
 * full participant file, or one person), `intake.send-invitations` writes each one invitation email, `intake.remind-invitation`
 * reminds the unanswered on the program's reminder days until the deadline, and a submitted questionnaire makes or
 * updates the enrollment through intake's own write (one welcome, never two; audited). Answers can be changed until
 * the person is matched.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * Invites the people of a roster (CSV or JSON) to a program's questionnaire: checked whole first (422 with every
   * error, nothing written); an address invited already is left as it is. Answers how many were invited now.
   */
  async invite(
    actor: Actor,
    programId: string,
    format: 'csv' | 'json',
    body: unknown,
    source: 'roster' | 'console' = 'roster',
  ): Promise<{ invited: number; alreadyInvited: number }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const { entries, errors } = parseRoster(format, body, program.skills);
    if (errors.length > 0)
      throw new ValidationError(`the list has ${errors.length} error(s); nobody was invited`, errors, 'roster_invalid');
    const now = this.clock.now();
    const result = await em.transactional(async (tem) => {
      await this.ensureRegistration(tem, program.id);
      const [settings] = await rawQuery<{ closes_at: Date | null }>(
        tem,
        `select ${CLOSES_AT} as closes_at from program_registration r where r.program_id = ?`,
        [program.id],
      );
      if (settings.closes_at && new Date(settings.closes_at) <= now)
        throw new ConflictError('registration_closed', 'registration for this program has closed; nobody was invited');
      const conflicts = await otherRoleConflicts(
        tem,
        program.id,
        actor.organizationId,
        entries,
        format === 'csv' ? 2 : 1,
      );
      if (conflicts.length > 0)
        throw new ValidationError('some people are in this program in the other role', conflicts, 'roster_invalid');
      const invited = await insertInvitations(tem, this.config.appSecret, program.id, entries, source);
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, ?, 'invitations.created', 'program', ?, ?::jsonb)`,
        [newId(), actor.organizationId, actor.actor, program.id, JSON.stringify({ invited, source })],
      );
      return invited;
    });
    if (result > 0)
      await this.producer.afterCommit(`invitations of ${program.id}`, () =>
        this.producer.enqueue(JobName.IntakeSendInvitations, { programId: program.id, dueAt: now.getTime() }),
      );
    return { invited: result, alreadyInvited: entries.length - result };
  }

  /**
   * The `intake.send-invitations` job: writes one invitation email per invitation of the program not yet sent (the
   * outbox key `invitation:<id>` and `invited_at` guard it), in batches, and schedules each first reminder. Answers
   * how many it sent. Registration closed: nothing is sent.
   */
  async sendInvitations(programId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await this.em.fork().transactional(async (tem) => {
        const rows = await rawQuery<{
          id: string;
          organization_id: string;
          email: string;
          name: string;
          role: 'coach' | 'coachee';
          locale: string;
          program_name: string;
          closes_at: Date | null;
          timezone: string | null;
          reminder_days: number[] | null;
        }>(
          tem,
          `select i.id, prog.organization_id, i.email, i.name, i.role::text as role, ${INVITEE_LOCALE} as locale, prog.name as program_name,
                  ${CLOSES_AT} as closes_at, r.reminder_days,
                  coalesce(i.prefill->>'timezone', (select p.timezone from person p where p.organization_id = prog.organization_id and p.email = i.email)) as timezone
             from invitation i join program prog on prog.id = i.program_id left join program_registration r on r.program_id = i.program_id
            where i.program_id = ? and i.invited_at is null and i.submitted_at is null
              and (${CLOSES_AT} is null or ${CLOSES_AT} > ?)
            order by i.created_at limit ? for update of i skip locked`,
          [programId, now, SEND_BATCH],
        );
        if (rows.length === 0) return { messageIds: [], reminders: [], count: 0 };
        const drafts: OutboxDraft[] = rows.map((row) => ({
          organizationId: row.organization_id,
          idempotencyKey: `invitation:${row.id}`,
          to: row.email,
          ...invitationEmail({
            name: row.name,
            programName: row.program_name,
            role: row.role,
            link: linkPlaceholder('questionnaire', row.id),
            deadline: row.closes_at ? new Date(row.closes_at) : null,
            timeZone: row.timezone ?? 'UTC',
            locale: asLocale(row.locale),
          }),
        }));
        const messageIds = await writeOutbox(tem, drafts);
        const firstDay = (row: (typeof rows)[number]) => (row.reminder_days ?? DEFAULT_REMINDER_DAYS)[0];
        const remindAt = rows.map((row) =>
          firstDay(row) === undefined ? null : new Date(now.getTime() + firstDay(row) * DAY_MS),
        );
        await rawQuery(
          tem,
          `update invitation i set invited_at = ?, remind_at = x.remind_at, updated_at = now()
             from unnest(?::uuid[], ?::timestamptz[]) as x(id, remind_at) where i.id = x.id`,
          [now, rows.map((r) => r.id), remindAt],
        );
        const reminders: { payload: { invitationId: string; reminder: number; dueAt: number }; dueAt: Date }[] = [];
        rows.forEach((row, i) => {
          const dueAt = remindAt[i];
          if (dueAt) reminders.push({ payload: { invitationId: row.id, reminder: 1, dueAt: dueAt.getTime() }, dueAt });
        });
        return { messageIds, reminders, count: rows.length };
      });
      await sendAfterCommit(this.producer, 'invitation emails', batch.messageIds, () =>
        this.producer.enqueueAt(JobName.IntakeRemindInvitation, batch.reminders, this.clock.now()),
      );
      total += batch.count;
      if (batch.count < SEND_BATCH) return total;
    }
  }

  /**
   * The `intake.remind-invitation` job: the `reminder`-th scheduled reminder of one invitation, once (a conditional
   * update of `reminders_sent` and the outbox key guard it); none once answered, and none after the deadline.
   */
  async remind(invitationId: string, reminder: number, dueAt: number): Promise<'sent' | 'not-due' | 'done' | 'closed'> {
    const now = this.clock.now();
    const result = await this.em.fork().transactional(async (tem) => {
      const [row] = await rawQuery<{
        organization_id: string;
        email: string;
        name: string;
        locale: string;
        program_name: string;
        invited_at: Date | null;
        submitted_at: Date | null;
        reminders_sent: number;
        remind_at: Date | null;
        closes_at: Date | null;
        reminder_days: number[] | null;
        timezone: string | null;
      }>(
        tem,
        `select prog.organization_id, i.email, i.name, ${INVITEE_LOCALE} as locale, prog.name as program_name, i.invited_at, i.submitted_at,
                i.reminders_sent, i.remind_at, ${CLOSES_AT} as closes_at, r.reminder_days,
                coalesce(i.prefill->>'timezone', (select p.timezone from person p where p.organization_id = prog.organization_id and p.email = i.email)) as timezone
           from invitation i join program prog on prog.id = i.program_id left join program_registration r on r.program_id = i.program_id
          where i.id = ? for update of i`,
        [invitationId],
      );
      if (!row) throw new NotFoundError('invitation', invitationId);
      // Answered, sent already, or rescheduled since this job was queued (the job of the new time sends it).
      if (
        row.submitted_at ||
        !row.invited_at ||
        !row.remind_at ||
        row.reminders_sent !== reminder - 1 ||
        new Date(row.remind_at).getTime() !== dueAt
      )
        return { outcome: 'done' as const, messageIds: [], next: null };
      const closesAt = row.closes_at ? new Date(row.closes_at) : null;
      if (closesAt && closesAt <= now) {
        await rawQuery(tem, `update invitation set remind_at = null, updated_at = now() where id = ?`, [invitationId]);
        return { outcome: 'closed' as const, messageIds: [], next: null };
      }
      if (new Date(row.remind_at) > now) return { outcome: 'not-due' as const, messageIds: [], next: null };
      const days = row.reminder_days ?? DEFAULT_REMINDER_DAYS;
      const nextDay = days[reminder];
      const next = nextDay === undefined ? null : new Date(new Date(row.invited_at).getTime() + nextDay * DAY_MS);
      await rawQuery(
        tem,
        `update invitation set reminders_sent = ?, last_reminded_at = ?, remind_at = ?, updated_at = now() where id = ?`,
        [reminder, now, next, invitationId],
      );
      const messageIds = await writeOutbox(tem, [
        {
          organizationId: row.organization_id,
          idempotencyKey: `invitation-reminder:${invitationId}:${reminder}`,
          to: row.email,
          ...invitationReminderEmail({
            name: row.name,
            programName: row.program_name,
            link: linkPlaceholder('questionnaire', invitationId),
            deadline: closesAt,
            timeZone: row.timezone ?? 'UTC',
            locale: asLocale(row.locale),
          }),
        },
      ]);
      return { outcome: 'sent' as const, messageIds, next };
    });
    await sendAfterCommit(this.producer, 'invitation reminder', result.messageIds, async () => {
      if (result.next)
        await this.producer.enqueueAt(
          JobName.IntakeRemindInvitation,
          [{ payload: { invitationId, reminder: reminder + 1, dueAt: result.next.getTime() }, dueAt: result.next }],
          this.clock.now(),
        );
    });
    return result.outcome;
  }

  /**
   * One more reminder, now, to everyone of the program invited and not yet answered (an admin's request; audited),
   * except whoever was reminded within the last hour (`EXTRA_REMINDER_GAP`): a form sent twice, or a retried request,
   * reminds nobody twice. Registration closed: 409. Answers how many were reminded.
   */
  async remindUnanswered(actor: Actor, programId: string): Promise<{ reminded: number }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const now = this.clock.now();
    const result = await em.transactional(async (tem) => {
      const [settings] = await rawQuery<{ closes_at: Date | null }>(
        tem,
        `select ${CLOSES_AT} as closes_at from program_registration r where r.program_id = ?`,
        [program.id],
      );
      if (settings?.closes_at && new Date(settings.closes_at) <= now)
        throw new ConflictError('registration_closed', 'registration for this program has closed; nobody was reminded');
      const rows = await rawQuery<{
        id: string;
        email: string;
        name: string;
        locale: string;
        extra: number;
        closes_at: Date | null;
        timezone: string | null;
      }>(
        tem,
        `update invitation i set extra_reminders = i.extra_reminders + 1, last_reminded_at = ?, updated_at = now()
           from program prog left join program_registration r on r.program_id = prog.id
          where prog.id = i.program_id and i.program_id = ? and i.invited_at is not null and i.submitted_at is null
            and (i.last_reminded_at is null or i.last_reminded_at <= ?)
         returning i.id, i.email, i.name, ${INVITEE_LOCALE} as locale, i.extra_reminders as extra, ${CLOSES_AT} as closes_at,
                   coalesce(i.prefill->>'timezone', (select p.timezone from person p where p.organization_id = prog.organization_id and p.email = i.email)) as timezone`,
        [now, program.id, new Date(now.getTime() - EXTRA_REMINDER_GAP_MS)],
      );
      const messageIds = await writeOutbox(
        tem,
        rows.map((row) => ({
          organizationId: actor.organizationId,
          idempotencyKey: `invitation-extra:${row.id}:${row.extra}`,
          to: row.email,
          ...invitationReminderEmail({
            name: row.name,
            programName: program.name,
            link: linkPlaceholder('questionnaire', row.id),
            deadline: row.closes_at ? new Date(row.closes_at) : null,
            timeZone: row.timezone ?? 'UTC',
            locale: asLocale(row.locale),
          }),
        })),
      );
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, ?, 'invitations.reminded', 'program', ?, ?::jsonb)`,
        [newId(), actor.organizationId, actor.actor, program.id, JSON.stringify({ reminded: rows.length })],
      );
      return { messageIds, reminded: rows.length };
    });
    await sendAfterCommit(this.producer, 'invitation reminders', result.messageIds);
    return { reminded: result.reminded };
  }

  /** The program's questionnaire funnel and its invitations (the first `limit`, by email). */
  async funnel(
    organizationId: string,
    programId: string,
    limit = 500,
  ): Promise<{ funnel: Funnel; settings: RegistrationSettings; items: InvitationListItem[] }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, programId);
    const [counts] = await rawQuery<Funnel>(
      em,
      `select count(*) filter (where invited_at is not null)::int as invited,
              count(*) filter (where invited_at is null and submitted_at is null)::int as sending,
              count(*) filter (where opened_at is not null)::int as opened,
              count(*) filter (where submitted_at is not null)::int as submitted,
              count(*) filter (where reminders_sent + extra_reminders > 0)::int as reminded,
              count(*) filter (where invited_at is not null and submitted_at is null)::int as unanswered
         from invitation where program_id = ?`,
      [program.id],
    );
    const items = await rawQuery<InvitationListItem>(
      em,
      `select id, email, name, role::text as role, source,
              case when submitted_at is not null then 'submitted' when invited_at is null then 'sending' else 'invited' end as state,
              opened_at is not null as opened, (reminders_sent + extra_reminders)::int as reminders,
              invited_at as "invitedAt", submitted_at as "submittedAt"
         from invitation where program_id = ? order by email limit ?`,
      [program.id, Math.min(Math.max(limit, 1), 1000)],
    );
    return { funnel: counts, settings: await this.readSettings(em, program), items };
  }

  /** The program's registration settings (the defaults until set). */
  async settings(organizationId: string, programId: string): Promise<RegistrationSettings> {
    const em = this.em.fork();
    return this.readSettings(em, await this.programs.find(em, organizationId, programId));
  }

  /** Changes the registration settings (any subset; 422 with every field's problem, nothing changed); audited. */
  async updateSettings(actor: Actor, programId: string, body: unknown): Promise<RegistrationSettings> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const input = parseCommand(registrationSettingsSchema, body);
    const rescheduled = await em.transactional(async (tem) => {
      await this.ensureRegistration(tem, program.id);
      await rawQuery(
        tem,
        `update program_registration set
            deadline = case when ?::boolean then ?::timestamptz else deadline end,
            reminder_days = coalesce(?::jsonb, reminder_days),
            open_registration = coalesce(?::boolean, open_registration),
            allowed_domains = coalesce(?::text[], allowed_domains),
            updated_at = now()
          where program_id = ?`,
        [
          input.deadline !== undefined,
          input.deadline ?? null,
          input.reminderDays ? JSON.stringify(input.reminderDays) : null,
          input.openRegistration ?? null,
          input.allowedDomains ? [...new Set(input.allowedDomains)] : null,
          program.id,
        ],
      );
      // A changed schedule or deadline applies to the reminders still to come, counted from each invitation (a
      // deadline moved later brings back the reminders the former one cut short); each gets a job at its time, and
      // the job of a former time finds it gone and does nothing. A closed registration reminds nobody.
      const moved =
        input.reminderDays || input.deadline !== undefined
          ? await rawQuery<{ id: string; reminders_sent: number; remind_at: Date | null }>(
              tem,
              // A reminder whose day has passed is due at once (its own time, so a job of its own).
              `update invitation i set remind_at = case when (d.days ->> i.reminders_sent) is null then null
                       else greatest(i.invited_at + make_interval(days => (d.days ->> i.reminders_sent)::int), ?::timestamptz) end
                 from (select coalesce(reminder_days, ?::jsonb) as days from program_registration
                        where program_id = ? and closed_at is null) d
                where i.program_id = ? and i.invited_at is not null and i.submitted_at is null
               returning i.id, i.reminders_sent, i.remind_at`,
              [this.clock.now(), JSON.stringify(DEFAULT_REMINDER_DAYS), program.id, program.id],
            )
          : [];
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, ?, 'registration.updated', 'program', ?, ?::jsonb)`,
        [newId(), actor.organizationId, actor.actor, program.id, JSON.stringify(input)],
      );
      return moved.filter((m) => m.remind_at !== null);
    });
    await this.producer.afterCommit('rescheduled invitation reminders', () =>
      this.producer.enqueueAt(
        JobName.IntakeRemindInvitation,
        rescheduled.map((m) => {
          const dueAt = new Date(m.remind_at!);
          return { payload: { invitationId: m.id, reminder: m.reminders_sent + 1, dueAt: dueAt.getTime() }, dueAt };
        }),
        this.clock.now(),
      ),
    );
    return this.readSettings(em, program);
  }

  /** Closes registration now: no more reminders, no first answers, the public link refuses; audited. */
  async close(actor: Actor, programId: string): Promise<RegistrationSettings> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    await em.transactional(async (tem) => {
      await this.ensureRegistration(tem, program.id);
      await rawQuery(
        tem,
        `update program_registration set closed_at = coalesce(closed_at, ?), open_registration = false, updated_at = now() where program_id = ?`,
        [this.clock.now(), program.id],
      );
      await rawQuery(
        tem,
        `update invitation set remind_at = null, updated_at = now() where program_id = ? and remind_at is not null`,
        [program.id],
      );
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, ?, 'registration.closed', 'program', ?)`,
        [newId(), actor.organizationId, actor.actor, program.id],
      );
    });
    return this.readSettings(em, program);
  }

  /**
   * Reads a questionnaire by its link token. Changes nothing a person sees: the first fetch stamps `opened_at`, which
   * only the funnel counts (a mail scanner's fetch counts as opened; the page and the person's state stay as they are).
   */
  async open(token: string): Promise<QuestionnaireView> {
    const em = this.em.fork();
    const view = await this.view(token);
    await rawQuery(em, `update invitation set opened_at = ? where token_hash = ? and opened_at is null`, [
      this.clock.now(),
      hashSecret(token),
    ]);
    return view;
  }

  /** Reads a questionnaire by its link token; changes nothing. */
  async view(token: string): Promise<QuestionnaireView> {
    const row = await this.find(this.em.fork(), token, false);
    return this.toView(row);
  }

  /**
   * Submits (or changes) a questionnaire: 422 with every field's problem (nothing written); 409 once the person is
   * matched, or when registration closed before a first answer. The enrollment is written by intake's rules.
   */
  async submit(token: string, body: unknown): Promise<'submitted' | 'updated'> {
    const em = this.em.fork();
    const result = await em.transactional(async (tem) => {
      const row = await this.find(tem, token, true);
      if (row.matched)
        throw new ConflictError('questionnaire_matched', 'you are matched already; answers can no longer be changed');
      if (!row.submitted_at && row.closes_at && new Date(row.closes_at) <= this.clock.now())
        throw new ConflictError('registration_closed', 'registration has closed');
      const parsed = parseQuestionnaire(body, row.role, row.program_skills);
      if (!parsed.answers)
        throw new ValidationError(
          `the questionnaire has ${parsed.problems.length} problem(s); nothing was saved`,
          parsed.problems satisfies FieldProblem[],
          'questionnaire_invalid',
        );
      const answers = parsed.answers;
      const program = await tem.findOneOrFail(Program, { id: row.program_id });
      const [person] = await rawQuery<{
        department: string | null;
        manager_email: string | null;
        level: number | null;
      }>(tem, `select department, manager_email, level from person where organization_id = ? and email = ?`, [
        row.organization_id,
        row.email,
      ]);
      const record: ParticipantRecord = {
        role: row.role,
        email: row.email,
        name: answers.name,
        // What the questionnaire does not ask stays as the organization knows it (a full file's values, or the person's).
        department: person?.department ?? row.prefill?.department ?? null,
        managerEmail: person?.manager_email ?? row.prefill?.managerEmail ?? null,
        level: person?.level ?? row.prefill?.level ?? null,
        timezone: answers.timezone,
        languages: answers.languages,
        // The roster's language for the invitation becomes the person's; without one, the person's stays as it is.
        locale: isLocale(row.own_locale) ? row.own_locale : null,
        capacity: row.role === 'coach' ? answers.capacity : null,
        skills: enrollmentSkills(row.role, answers),
        goals: answers.goals,
        bio: answers.bio,
        preferredDay: row.role === 'coach' ? answers.availability.days[0] : null,
        preferredHour: row.role === 'coach' ? answers.availability.from : null,
      };
      const written = await writeEnrollment(
        tem,
        { organizationId: row.organization_id, actor: `questionnaire:${row.id}` },
        program,
        record,
        this.clock.now(),
      );
      await rawQuery(
        tem,
        `update invitation set answers = ?::jsonb, submitted_at = coalesce(submitted_at, ?), enrollment_id = ?, remind_at = null, updated_at = now() where id = ?`,
        [JSON.stringify(answers), this.clock.now(), written.enrollmentId, row.id],
      );
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, ?, ?, 'invitation', ?)`,
        [
          newId(),
          row.organization_id,
          `questionnaire:${row.id}`,
          row.submitted_at ? 'questionnaire.updated' : 'questionnaire.submitted',
          row.id,
        ],
      );
      return { outcome: row.submitted_at ? ('updated' as const) : ('submitted' as const), written };
    });
    await sendAfterCommit(this.producer, 'questionnaire follow-up', result.written.messageIds, () =>
      queueWaitlist(this.producer, result.written.waitlist),
    );
    return result.outcome;
  }

  /** The questionnaire's link token of an invitation (for a confirmed registration's redirect). */
  questionnaireToken(invitationId: string): string {
    return linkToken(this.config.appSecret, 'questionnaire', invitationId);
  }

  /** Makes the program's registration row (defaults, and the public link's token hash) if it has none. */
  async ensureRegistration(em: EntityManager, programId: string): Promise<void> {
    await rawQuery(
      em,
      `insert into program_registration (program_id, link_token_hash) values (?, ?) on conflict (program_id) do nothing`,
      [programId, hashSecret(linkToken(this.config.appSecret, 'registration', programId))],
    );
  }

  private async readSettings(em: EntityManager, program: Program): Promise<RegistrationSettings> {
    // The row holds the defaults and the public link's hash: made on first read, so the link shown always answers
    // (that registration is off, until it is switched on). Nothing a participant sees changes.
    await this.ensureRegistration(em, program.id);
    const [row] = await rawQuery<{
      deadline: Date | null;
      reminder_days: number[] | null;
      closed_at: Date | null;
      closes_at: Date | null;
      open_registration: boolean;
      allowed_domains: string[];
      sso_domains: string[] | null;
    }>(
      em,
      `select r.deadline, r.reminder_days, r.closed_at, ${CLOSES_AT} as closes_at, r.open_registration, r.allowed_domains,
              (select s.allowed_domains from organization_sso s where s.organization_id = ?) as sso_domains
         from (select ?::uuid as program_id) x left join program_registration r on r.program_id = x.program_id`,
      [program.organization.id, program.id],
    );
    const closesAt = row.closes_at ? new Date(row.closes_at) : null;
    const allowed = row.allowed_domains ?? [];
    return {
      deadline: row.deadline ? new Date(row.deadline) : null,
      reminderDays: row.reminder_days ?? DEFAULT_REMINDER_DAYS,
      closedAt: row.closed_at ? new Date(row.closed_at) : null,
      closesAt,
      closed: !!closesAt && closesAt <= this.clock.now(),
      openRegistration: !!row.open_registration,
      allowedDomains: allowed,
      effectiveDomains: allowed.length > 0 ? allowed : (row.sso_domains ?? []),
      registrationUrl: `${this.config.publicUrl}/register/${linkToken(this.config.appSecret, 'registration', program.id)}`,
    };
  }

  private async find(em: EntityManager, token: string, lock: boolean): Promise<InvitationRow> {
    const row = await findByToken<InvitationRow>(em, token, {
      what: 'questionnaire',
      sql: `${INVITATION_SELECT} where i.token_hash = ?${lock ? ' for update of i' : ''}`,
    });
    return { ...row, submitted_at: row.submitted_at ? new Date(row.submitted_at) : null };
  }

  private toView(row: InvitationRow): QuestionnaireView {
    const closesAt = row.closes_at ? new Date(row.closes_at) : null;
    const state = row.matched
      ? 'matched'
      : row.submitted_at
        ? 'submitted'
        : closesAt && closesAt <= this.clock.now()
          ? 'closed'
          : 'open';
    return {
      state,
      role: row.role,
      programName: row.program_name,
      skills: row.program_skills,
      values: row.answers ? answersToValues(row.answers) : prefillValues(row),
      deadline: closesAt,
      locale: asLocale(row.locale),
    };
  }
}

/** The form's values of saved answers. */
export function answersToValues(answers: QuestionnaireAnswers): Record<string, unknown> {
  return {
    name: answers.name,
    timezone: answers.timezone,
    languages: answers.languages.join(', '),
    days: answers.availability.days.map((d) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][d - 1]),
    from: answers.availability.from,
    to: answers.availability.to,
    goals: answers.goals,
    preferences: answers.preferences,
    capacity: answers.capacity,
    bio: answers.bio,
    ...Object.fromEntries(Object.entries(answers.skills).map(([key, level]) => [`skill_${key}`, level])),
  };
}

function prefillValues(row: InvitationRow): Record<string, unknown> {
  const prefill = row.prefill ?? {};
  const languages = prefill.languages ?? row.person_languages ?? [];
  const values: Record<string, unknown> = {
    name: row.name,
    timezone: prefill.timezone ?? row.person_timezone ?? '',
    languages: languages.join(', '),
    goals: prefill.goals ?? null,
    bio: prefill.bio ?? null,
    capacity: prefill.capacity ?? null,
  };
  if (prefill.skills) {
    for (const [key, value] of Object.entries(prefill.skills)) {
      // A file's coachee value is a need; the questionnaire asks the level (5 minus the need), in whole steps.
      values[`skill_${key}`] = Math.round(row.role === 'coach' ? value : 5 - value);
    }
  }
  return values;
}

/** Inserts invitations (an address invited already is left alone); answers how many are new. */
export async function insertInvitations(
  em: EntityManager,
  appSecret: string,
  programId: string,
  entries: RosterEntry[],
  source: string,
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < entries.length; start += 5000) {
    const chunk = entries.slice(start, start + 5000);
    const ids = chunk.map(() => newId());
    const rows = await rawQuery<{ id: string }>(
      em,
      `insert into invitation (id, program_id, email, name, role, locale, token_hash, source, prefill)
       select i, ?, e, n, r::enrollment_role, l, h, ?, p::jsonb
         from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as x(i, e, n, r, l, h, p)
       on conflict (program_id, email) do nothing returning id`,
      [
        programId,
        source,
        ids,
        chunk.map((e) => e.email),
        chunk.map((e) => e.name),
        chunk.map((e) => e.role),
        chunk.map((e) => e.locale),
        ids.map((id) => hashSecret(linkToken(appSecret, 'questionnaire', id))),
        chunk.map((e) => (e.prefill ? JSON.stringify(e.prefill) : null)),
      ],
    );
    inserted += rows.length;
  }
  return inserted;
}

/** Rows naming someone enrolled or invited in this program in the other role. */
async function otherRoleConflicts(
  em: EntityManager,
  programId: string,
  organizationId: string,
  entries: RosterEntry[],
  firstRow: number,
): Promise<{ row: number; column: string; message: string }[]> {
  const rows = await rawQuery<{ email: string; role: string }>(
    em,
    `select p.email, e.role::text as role from enrollment e join person p on p.id = e.person_id
      where e.program_id = ? and p.organization_id = ? and p.email = any(?::text[])
     union all
     select email, role::text from invitation where program_id = ? and email = any(?::text[])`,
    [programId, organizationId, entries.map((e) => e.email), programId, entries.map((e) => e.email)],
  );
  const roles = new Map<string, Set<string>>();
  for (const row of rows) roles.set(row.email, (roles.get(row.email) ?? new Set()).add(row.role));
  const problems: { row: number; column: string; message: string }[] = [];
  entries.forEach((entry, i) => {
    const other = [...(roles.get(entry.email) ?? [])].find((role) => role !== entry.role);
    if (other)
      problems.push({
        row: i + firstRow,
        column: 'role',
        message: `${entry.email} is already in this program as a ${other}`,
      });
  });
  return problems.slice(0, 1000);
}
