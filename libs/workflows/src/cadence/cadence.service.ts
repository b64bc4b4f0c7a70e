import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  type CadenceSettings,
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
  ValidationError,
} from '@tandem/domain';
import { asLocale, linkPlaceholder, type Locale, type OutboxDraft, personLocaleSql, writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import { DateTime } from 'luxon';
import { commitThenSend } from '../after-commit';
import { DEFAULT_INACTIVITY_WINDOW } from '../programs/program-settings';
import { calendarFile, organizerFrom, sessionEvent } from './ics';
import { sessionChangedEmail, sessionInvitesEmail, sessionReminderEmail } from './session-emails';
import { closeAt, planSessions } from './session-plan';

type Role = 'coach' | 'coachee';

interface PairingRow {
  pairing_id: string;
  status: string;
  organization_id: string;
  program_name: string;
  cadence: CadenceSettings;
  feedback: FeedbackSettings;
  preferred_day: number | null;
  preferred_hour: number | null;
  coach_name: string;
  coach_email: string;
  coach_timezone: string;
  coachee_name: string;
  coachee_email: string;
  coachee_timezone: string;
  coach_locale: string;
  coachee_locale: string;
}

interface SessionRow extends PairingRow {
  id: string;
  index: number;
  starts_at: Date;
  ends_at: Date;
  remind_at: Date;
  reminded_at: Date | null;
  session_status: 'scheduled' | 'held' | 'missed' | 'cancelled';
  sequence: number;
  sessions: number;
}

const PAIRING_SELECT = `
  select pr.id as pairing_id, pr.status, pr.organization_id, prog.name as program_name, prog.cadence, prog.feedback, ce.preferred_day, ce.preferred_hour,
         cp.name as coach_name, cp.email as coach_email, cp.timezone as coach_timezone,
         ep.name as coachee_name, ep.email as coachee_email, ep.timezone as coachee_timezone,
         ${personLocaleSql('cp')} as coach_locale, ${personLocaleSql('ep')} as coachee_locale
    from pairing pr
    join program prog on prog.id = pr.program_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id`;

/** A session with its pairing; `extra` adds leading columns (each a bound expression of the caller's). */
const sessionSelect = (extra = '') => `
  select ${extra}s.id, s.index, s.starts_at, s.ends_at, s.remind_at, s.reminded_at, s.status as session_status, s.sequence,
         (select count(*)::int from coaching_session c where c.pairing_id = s.pairing_id) as sessions, p.*
    from coaching_session s
    join lateral (${PAIRING_SELECT} where pr.id = s.pairing_id) p on true`;
const SESSION_SELECT = sessionSelect();

/** What the session page shows to one of the two people. */
export interface SessionView {
  role: Role;
  state: 'scheduled' | 'held' | 'missed' | 'cancelled' | 'past';
  index: number;
  sessions: number;
  otherName: string;
  programName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** The start as `YYYY-MM-DDTHH:mm` in the viewer's zone, for the move form. */
  localStart: string;
  /** The viewer's language: the page's. */
  locale: Locale;
}

/** The outcome of a button on the session page. */
export type SessionOutcome = 'moved' | 'unchanged' | 'cancelled' | 'already-cancelled';

/**
 * Keeps an active pairing on cadence: plans its sessions, sends the series invites (an iTIP REQUEST per session) and a reminder before each
 * session, and lets either person move or cancel one by link (both get the updated invite). Every due time is a
 * column, so the reconciler can re-create any job Redis lost; each email's key names its step.
 */
@Injectable()
export class CadenceService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** The `cadence.schedule-sessions` job: plans the series once (a unique index guards it) and writes the invites. */
  async scheduleSessions(pairingId: string): Promise<number> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'session follow-up',
      async (tem) => {
        const [pairing] = await rawQuery<PairingRow>(tem, `${PAIRING_SELECT} where pr.id = ? for update of pr`, [
          pairingId,
        ]);
        if (!pairing) throw new NotFoundError('pairing', pairingId);
        if (pairing.status !== PairingStatus.Active) return { messageIds: [], reminders: [], closes: [] };
        const now = this.clock.now();
        const plan = planSessions({
          now,
          timeZone: pairing.coach_timezone,
          day: pairing.preferred_day,
          hour: pairing.preferred_hour,
          cadence: pairing.cadence,
        });
        const ids = plan.map(() => newId());
        const planned = await rawQuery<{ id: string }>(
          tem,
          `insert into coaching_session (id, pairing_id, index, starts_at, ends_at, remind_at, coach_token_hash, coachee_token_hash)
         select id, ?, i, s, e, r, ch, eh from unnest(?::uuid[], ?::int[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[]) as x(id, i, s, e, r, ch, eh)
         on conflict (pairing_id, index) do nothing
         returning id`,
          [
            pairingId,
            ids,
            plan.map((p) => p.index),
            plan.map((p) => p.startsAt),
            plan.map((p) => p.endsAt),
            plan.map((p) => p.remindAt),
            ids.map((id) => hashSecret(linkToken(this.config.appSecret, 'session-coach', id))),
            ids.map((id) => hashSecret(linkToken(this.config.appSecret, 'session-coachee', id))),
          ],
        );
        if (planned.length > 0)
          await recordWebhookEvents(tem, 'session.planned', SESSION_EVENT_SOURCE, [planned.map((s) => s.id)], now);
        const sessions = (
          await rawQuery<SessionRow>(tem, `${SESSION_SELECT} where s.pairing_id = ? order by s.index`, [pairingId])
        ).map(dates);
        const drafts = (['coach', 'coachee'] as const).map((role): OutboxDraft => {
          const who = people(pairing, role);
          return {
            organizationId: pairing.organization_id,
            idempotencyKey: `session-invites:${pairingId}:${role}`,
            to: who.email,
            // Each person's invite speaks their language; its UID and SEQUENCE are the same for both.
            ics: calendarFile(
              sessions.map((s) => sessionEvent(s, who.locale)),
              now,
              organizerFrom(this.config.mailFrom),
            ),
            ...sessionInvitesEmail({
              locale: who.locale,
              recipientName: who.name,
              otherName: who.otherName,
              programName: pairing.program_name,
              timeZone: who.timezone,
              sessions: sessions.map((s) => ({
                index: s.index,
                startsAt: s.starts_at,
                link: linkPlaceholder(`session-${role}`, s.id),
              })),
            }),
          };
        });
        const messageIds = await writeOutbox(tem, drafts);
        return {
          messageIds,
          reminders: sessions.filter((s) => s.session_status === 'scheduled' && !s.reminded_at),
          closes: sessions.filter((s) => s.session_status === 'scheduled'),
          inactivity: {
            pairingId,
            dueAt: new Date(now.getTime() + durationMs(pairing.feedback.inactivityWindow ?? DEFAULT_INACTIVITY_WINDOW)),
          },
        };
      },
      async (result) => {
        // The first inactivity check; each check queues the next (RiskService.checkInactivity).
        if ('inactivity' in result && result.inactivity) {
          const { pairingId: id, dueAt } = result.inactivity;
          await this.producer.enqueueAt(
            JobName.FeedbackCheckInactivity,
            [{ payload: { pairingId: id, dueAt: dueAt.getTime() }, dueAt }],
            this.clock.now(),
          );
        }
        for (const session of result.reminders)
          await this.queueReminder(session.id, session.sequence, session.remind_at);
        for (const session of result.closes) await this.queueClose(session);
      },
    );
    return result.reminders.length;
  }

  /** The `cadence.remind` job: reminds both people once the session's reminder is due (a conditional update guards it). */
  async remind(sessionId: string): Promise<'sent' | 'not-due' | 'done'> {
    const result = await commitThenSend(this.em, this.producer, 'session follow-up', async (tem) => {
      const now = this.clock.now();
      const [row] = await rawQuery<SessionRow>(tem, `${SESSION_SELECT} where s.id = ? for update of s`, [sessionId]);
      if (!row) throw new NotFoundError('session', sessionId);
      const session = dates(row);
      if (session.session_status !== 'scheduled' || session.reminded_at || session.status !== PairingStatus.Active)
        return { outcome: 'done' as const, messageIds: [] };
      if (session.remind_at > now) return { outcome: 'not-due' as const, messageIds: [] };
      await rawQuery(tem, `update coaching_session set reminded_at = ?, updated_at = ? where id = ?`, [
        now,
        now,
        sessionId,
      ]);
      // A reminder whose job was lost until after the session started would only confuse: it is marked done instead.
      if (session.starts_at <= now) return { outcome: 'done' as const, messageIds: [] };
      const messageIds = await writeOutbox(
        tem,
        (['coach', 'coachee'] as const).map((role) => {
          const who = people(session, role);
          return {
            organizationId: session.organization_id,
            idempotencyKey: `session-reminder:${sessionId}:${session.sequence}:${role}`,
            to: who.email,
            ...sessionReminderEmail({
              locale: who.locale,
              recipientName: who.name,
              otherName: who.otherName,
              index: session.index,
              startsAt: session.starts_at,
              timeZone: who.timezone,
              link: linkPlaceholder(`session-${role}`, sessionId),
            }),
          };
        }),
      );
      return { outcome: 'sent' as const, messageIds };
    });
    return result.outcome;
  }

  /** Reads a session by one person's link token; changes nothing (mail scanners fetch links). */
  async view(token: string): Promise<SessionView> {
    const { row, role } = await this.find(this.em.fork(), token, false);
    const who = people(row, role);
    const past = row.session_status === 'scheduled' && row.starts_at <= this.clock.now();
    return {
      role,
      state: past ? 'past' : row.session_status,
      index: row.index,
      sessions: row.sessions,
      otherName: who.otherName,
      programName: row.program_name,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      timeZone: who.timezone,
      localStart: DateTime.fromJSDate(row.starts_at, { zone: who.timezone }).toFormat("yyyy-MM-dd'T'HH:mm"),
      locale: who.locale,
    };
  }

  /** Moves a future session to a new local start (in the acting person's zone); both get the updated invite. */
  async move(token: string, localStart: string): Promise<SessionOutcome> {
    return this.change(token, (row, role) => {
      const zone = people(row, role).timezone;
      const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(localStart)
        ? DateTime.fromISO(localStart, { zone })
        : undefined;
      if (!parsed?.isValid)
        throw new ValidationError(
          'the new time is not a date and time',
          [{ field: 'startsAt', message: 'must be YYYY-MM-DDTHH:mm' }],
          'time_malformed',
        );
      const now = this.clock.now();
      const startsAt = parsed.toJSDate();
      if (startsAt <= now)
        throw new ValidationError(
          'the new time has passed',
          [{ field: 'startsAt', message: 'must be in the future' }],
          'time_passed',
        );
      if (startsAt.getTime() - now.getTime() > 366 * 24 * 3600 * 1000) {
        throw new ValidationError(
          'the new time is too far ahead',
          [{ field: 'startsAt', message: 'must be within a year' }],
          'time_too_far',
        );
      }
      return { startsAt };
    });
  }

  /** Cancels a future session; both get a cancelling invite. */
  async cancel(token: string): Promise<SessionOutcome> {
    return this.change(token, () => ({ cancel: true }));
  }

  private async change(
    token: string,
    decide: (row: SessionRow, role: Role) => { startsAt?: Date; cancel?: boolean },
  ): Promise<SessionOutcome> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'session follow-up',
      async (tem) => {
        const { row, role } = await this.find(tem, token, true);
        if (row.session_status === 'cancelled') return { outcome: 'already-cancelled' as const, messageIds: [] };
        const now = this.clock.now();
        if (row.session_status !== 'scheduled' || row.starts_at <= now || row.status !== PairingStatus.Active) {
          throw new ConflictError(
            'session_closed',
            'This session has taken place or its coaching has ended, so it can no longer be changed.',
          );
        }
        const decision = decide(row, role);
        if (decision.startsAt && decision.startsAt.getTime() === row.starts_at.getTime())
          return { outcome: 'unchanged' as const, messageIds: [] };
        const length = row.ends_at.getTime() - row.starts_at.getTime();
        const lead = row.starts_at.getTime() - row.remind_at.getTime();
        const startsAt = decision.startsAt ?? row.starts_at;
        const [updated] = await rawQuery<{ sequence: number }>(
          tem,
          `update coaching_session set status = ?, starts_at = ?, ends_at = ?, remind_at = ?, reminded_at = ?, sequence = sequence + 1, updated_at = ?
          where id = ? returning sequence`,
          [
            decision.cancel ? 'cancelled' : 'scheduled',
            startsAt,
            new Date(startsAt.getTime() + length),
            new Date(startsAt.getTime() - lead),
            decision.cancel ? row.reminded_at : null,
            now,
            row.id,
          ],
        );
        const changed: SessionRow = {
          ...row,
          starts_at: startsAt,
          ends_at: new Date(startsAt.getTime() + length),
          sequence: updated.sequence,
          session_status: decision.cancel ? 'cancelled' : 'scheduled',
        };
        const actor = people(row, role);
        const step = decision.cancel ? 'session-cancelled' : 'session-moved';
        const messageIds = await writeOutbox(
          tem,
          (['coach', 'coachee'] as const).map((to) => {
            const who = people(row, to);
            return {
              organizationId: row.organization_id,
              idempotencyKey: `${step}:${row.id}:${updated.sequence}:${to}`,
              to: who.email,
              ics: calendarFile([sessionEvent(changed, who.locale)], now, organizerFrom(this.config.mailFrom)),
              ...sessionChangedEmail({
                locale: who.locale,
                recipientName: who.name,
                actorName: actor.name,
                index: row.index,
                startsAt,
                timeZone: who.timezone,
                cancelled: !!decision.cancel,
                link: linkPlaceholder(`session-${to}`, row.id),
              }),
            };
          }),
        );
        await rawQuery(
          tem,
          `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (gen_random_uuid(), ?, ?, ?, 'session', ?)`,
          [row.organization_id, role, decision.cancel ? 'session.cancelled' : 'session.moved', row.id],
        );
        await recordWebhookEvents(
          tem,
          decision.cancel ? 'session.cancelled' : 'session.moved',
          SESSION_EVENT_SOURCE,
          [[row.id]],
          now,
        );
        return {
          outcome: decision.cancel ? ('cancelled' as const) : ('moved' as const),
          messageIds,
          reminder: decision.cancel ? undefined : { ...changed, remind_at: new Date(startsAt.getTime() - lead) },
        };
      },
      async (result) => {
        if ('reminder' in result && result.reminder) {
          await this.queueReminder(result.reminder.id, result.reminder.sequence, result.reminder.remind_at);
          await this.queueClose(result.reminder);
        }
      },
    );
    return result.outcome;
  }

  private async queueReminder(sessionId: string, sequence: number, remindAt: Date): Promise<void> {
    await this.producer.enqueueAt(
      JobName.CadenceRemind,
      [{ payload: { sessionId, sequence }, dueAt: remindAt }],
      this.clock.now(),
    );
  }

  /** Queues the session's close (feedback requests) for its close time; a moved session's `sequence` gives it a job of its own. */
  private async queueClose(session: Pick<SessionRow, 'id' | 'sequence' | 'starts_at' | 'ends_at'>): Promise<void> {
    await this.producer.enqueueAt(
      JobName.CadenceCloseSession,
      [
        {
          payload: { sessionId: session.id, sequence: session.sequence },
          dueAt: closeAt(session.starts_at, session.ends_at),
        },
      ],
      this.clock.now(),
    );
  }

  private async find(em: EntityManager, token: string, lock: boolean): Promise<{ row: SessionRow; role: Role }> {
    const row = await findByToken<SessionRow & { by_coach: boolean }>(em, token, {
      what: 'session',
      sql: `${sessionSelect('(s.coach_token_hash = ?) as by_coach, ')} where s.coach_token_hash = ? or s.coachee_token_hash = ?${lock ? ' for update of s' : ''}`,
      bindings: (hash) => [hash, hash, hash],
    });
    return { row: dates(row), role: row.by_coach ? 'coach' : 'coachee' };
  }
}

/** The recipient's side of a pairing. */
function people(row: PairingRow, role: Role) {
  return role === 'coach'
    ? {
        name: row.coach_name,
        email: row.coach_email,
        timezone: row.coach_timezone,
        otherName: row.coachee_name,
        locale: asLocale(row.coach_locale),
      }
    : {
        name: row.coachee_name,
        email: row.coachee_email,
        timezone: row.coachee_timezone,
        otherName: row.coach_name,
        locale: asLocale(row.coachee_locale),
      };
}

/** The ORM's driver hands timestamps back as text. */
function dates<T extends SessionRow>(row: T): T {
  return {
    ...row,
    starts_at: new Date(row.starts_at),
    ends_at: new Date(row.ends_at),
    remind_at: new Date(row.remind_at),
    reminded_at: row.reminded_at ? new Date(row.reminded_at) : null,
  };
}

/** A session's webhook event: ids, its number, its start and state (never who or where). */
const SESSION_EVENT_SOURCE = `select pr.organization_id, jsonb_build_object('sessionId', s.id, 'pairingId', pr.id, 'programId', pr.program_id, 'index', s.index, 'startsAt', to_char(s.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'status', s.status) as data from coaching_session s join pairing pr on pr.id = s.pairing_id where s.id = any(?::uuid[])`;
