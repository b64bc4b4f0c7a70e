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
  isUuid,
  linkToken,
  newId,
  NotFoundError,
  PairingEvent,
  PairingStatus,
  rawQuery,
  withDates,
} from '@tandem/domain';
import {
  asLocale,
  linkPlaceholder,
  type Locale,
  organizationLocaleSql,
  type OutboxDraft,
  personLocaleSql,
  writeOutbox,
} from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import { Duration } from 'luxon';
import { commitThenSend } from '../after-commit';
import { calendarFile, organizerFrom, sessionEvent } from '../cadence/ics';
import { transitionPairing } from '../pairing/pairing-status';
import { inactivitySettings } from '../programs/program-settings';
import { coachPlaceFreed, queueWaitlist } from '../pairing/waitlist';
import { atRiskAdminEmail, inactivityNudgeEmail, pairingEndedEmail, rematchOfferEmail } from './risk-emails';
import { COACHEE_REMATCH_REASONS, riskReasons } from './risk-rules';

interface PairingRow {
  id: string;
  status: string;
  organization_id: string;
  program_name: string;
  admin_email: string | null;
  feedback: FeedbackSettings;
  coach_id: string;
  coachee_id: string;
  coach_name: string;
  coach_email: string;
  coachee_name: string;
  coachee_email: string;
  coach_locale: string;
  coachee_locale: string;
  organization_locale: string;
  activated_at: Date | null;
  at_risk_reason: string | null;
  rematch_offered_at: Date | null;
  rematch_accepted_at: Date | null;
  nudged_at: Date | null;
  last_held: Date | null;
}

const PAIRING_SELECT = `
  select pr.id, pr.status::text as status, pr.organization_id, prog.name as program_name, prog.admin_email, prog.feedback,
         pr.coach_id, pr.coachee_id, cp.name as coach_name, cp.email as coach_email, ep.name as coachee_name, ep.email as coachee_email,
         pr.activated_at, pr.at_risk_reason, pr.rematch_offered_at, pr.rematch_accepted_at, pr.nudged_at,
         ${personLocaleSql('cp')} as coach_locale, ${personLocaleSql('ep')} as coachee_locale, ${organizationLocaleSql('pr.organization_id')} as organization_locale,
         (select max(s.starts_at) from coaching_session s where s.pairing_id = pr.id and s.status = 'held') as last_held
    from pairing pr
    join program prog on prog.id = pr.program_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id`;

/** What the coachee's re-match page shows. */
export interface RematchView {
  state: 'open' | 'accepted' | 'closed';
  coacheeName: string;
  coachName: string;
  programName: string;
  /** The coachee's language: the page's. */
  locale: Locale;
}

export type RematchChoiceOutcome = 'accepted' | 'already-accepted';
export type InactivityOutcome = 'nudged' | 'closed' | 'not-due' | 'done';

/**
 * Pairings at risk: the rules run after every submitted form (in its transaction), email the program's admin and offer
 * the coachee a re-match by link; taking it ends the pairing and re-matches the coachee through the matching queue.
 * Inactivity (no session held for the program's window) nudges both people, and closes the pairing after a grace period.
 * Every step is a column on the pairing, so the reconciler re-derives lost jobs; each email's key names its step.
 */
@Injectable()
export class RiskService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * Runs the at-risk rules for an active pairing inside the caller's transaction (after a form was submitted). Marks the
   * pairing at risk once (the first reason is kept), emails the admin once per reason and offers the coachee one re-match
   * link; answers the new outbox message ids for the caller to send after commit.
   */
  async assess(tem: EntityManager, pairingId: string, now: Date): Promise<string[]> {
    const [row] = await rawQuery<PairingRow>(tem, `${PAIRING_SELECT} where pr.id = ? for update of pr`, [pairingId]);
    if (!row || row.status !== PairingStatus.Active) return [];
    const answers = await rawQuery<{ index: number; role: string; fit: string | null; alliance: string | null }>(
      tem,
      `select s.index, f.role::text as role, f.fit::text as fit, (f.alliance_goals + f.alliance_tasks + f.alliance_bond) / 3.0 as alliance
         from feedback f join coaching_session s on s.id = f.session_id
        where s.pairing_id = ? and f.submitted_at is not null`,
      [pairingId],
    );
    const [missed] = await rawQuery<{ n: number }>(
      tem,
      `select count(*)::int as n from coaching_session where pairing_id = ? and status = 'missed'`,
      [pairingId],
    );
    const reasons = riskReasons({
      coachee: answers
        .filter((a) => a.role === 'coachee')
        .map((a) => ({ index: a.index, alliance: Number(a.alliance), fit: a.fit })),
      coachNotFit: answers.some((a) => a.role === 'coach' && a.fit === 'not_good'),
      missedSessions: missed.n,
    });
    if (reasons.length === 0) return [];
    const offerRematch = !row.rematch_offered_at && reasons.some((r) => COACHEE_REMATCH_REASONS.includes(r));
    if (!row.at_risk_reason) {
      await rawQuery(tem, `update pairing set at_risk_reason = ?, at_risk_at = ?, updated_at = ? where id = ?`, [
        reasons[0],
        now,
        now,
        pairingId,
      ]);
      await recordWebhookEvents(
        tem,
        'pairing.at_risk',
        `select organization_id, jsonb_build_object('pairingId', id, 'programId', program_id, 'status', status::text, 'reasons', ?::jsonb) as data from pairing where id = ?`,
        [JSON.stringify(reasons), pairingId],
        now,
      );
    }
    if (offerRematch) {
      await rawQuery(tem, `update pairing set rematch_offered_at = ?, rematch_token_hash = ? where id = ?`, [
        now,
        hashSecret(linkToken(this.config.appSecret, 'rematch', pairingId)),
        pairingId,
      ]);
    }
    const drafts: OutboxDraft[] = [];
    // One admin email per reason (the key names it), so a second rule firing later is reported too.
    if (row.admin_email) {
      for (const reason of reasons) {
        drafts.push({
          organizationId: row.organization_id,
          idempotencyKey: `at-risk:${pairingId}:${reason}`,
          to: row.admin_email,
          ...atRiskAdminEmail({
            coachName: row.coach_name,
            coacheeName: row.coachee_name,
            programName: row.program_name,
            reason,
            rematchOffered: !!row.rematch_offered_at || offerRematch,
            locale: asLocale(row.organization_locale),
          }),
        });
      }
    }
    if (offerRematch) {
      drafts.push({
        organizationId: row.organization_id,
        idempotencyKey: `rematch-offer:${pairingId}`,
        to: row.coachee_email,
        ...rematchOfferEmail({
          coacheeName: row.coachee_name,
          coachName: row.coach_name,
          programName: row.program_name,
          link: linkPlaceholder('rematch', pairingId),
          locale: asLocale(row.coachee_locale),
        }),
      });
    }
    const messageIds = await writeOutbox(tem, drafts);
    if (messageIds.length > 0) {
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, 'worker', 'pairing.at-risk', 'pairing', ?, ?::jsonb)`,
        [newId(), row.organization_id, pairingId, JSON.stringify({ reasons })],
      );
    }
    return messageIds;
  }

  /** Reads the re-match page by its link token; changes nothing (mail scanners fetch links). */
  async view(token: string): Promise<RematchView> {
    const row = await this.find(this.em.fork(), token, false);
    return {
      state: row.rematch_accepted_at ? 'accepted' : row.status === PairingStatus.Active ? 'open' : 'closed',
      coacheeName: row.coachee_name,
      coachName: row.coach_name,
      programName: row.program_name,
      locale: asLocale(row.coachee_locale),
    };
  }

  /**
   * The coachee takes the re-match: the pairing ends (freeing the coach's place), its future sessions are cancelled, the
   * coach and the admin are told, and the coachee is re-matched by the `matching.rematch-coachee` job.
   */
  async accept(token: string): Promise<RematchChoiceOutcome> {
    return this.endForRematch((tem) => this.find(tem, token, true), null);
  }

  /**
   * The coachee asks for a different coach on their personal page: the same as taking the re-match link, with an
   * optional reason for the admin. Only the coachee's own active pairing qualifies; any other id is not found.
   */
  async requestRematch(
    coacheePersonId: string,
    pairingId: string,
    reason: string | null,
  ): Promise<RematchChoiceOutcome> {
    if (!isUuid(pairingId)) throw new NotFoundError('pairing', pairingId.slice(0, 64));
    return this.endForRematch(async (tem) => {
      const [row] = await rawQuery<PairingRow>(
        tem,
        `${PAIRING_SELECT} where pr.id = ? and ep.id = ? for update of pr`,
        [pairingId, coacheePersonId],
      );
      if (!row) throw new NotFoundError('pairing', pairingId);
      return pairingDates(row);
    }, reason);
  }

  private async endForRematch(
    load: (tem: EntityManager) => Promise<PairingRow>,
    reason: string | null,
  ): Promise<RematchChoiceOutcome> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'risk follow-up',
      async (tem) => {
        const row = await load(tem);
        if (row.rematch_accepted_at) return { outcome: 'already-accepted' as const, messageIds: [] };
        if (row.status !== PairingStatus.Active)
          throw new ConflictError(
            'pairing_closed',
            'This coaching has ended already, so it can no longer be changed here.',
          );
        const now = this.clock.now();
        await transitionPairing(tem, PairingEvent.End, row.id, { now, rematchAccepted: true });
        const calendar = await this.cancelFutureSessions(tem, row, now);
        await rawQuery(
          tem,
          `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, 'coachee', 'pairing.ended', 'pairing', ?, ?::jsonb)`,
          [newId(), row.organization_id, row.id, JSON.stringify({ why: 'rematch' })],
        );
        const messageIds = await writeOutbox(tem, this.endedDrafts(row, 'rematch', calendar, reason));
        const [ended] = await rawQuery<{ n: number }>(
          tem,
          `select count(*)::int as n from pairing where coachee_id = ? and rematch_accepted_at is not null`,
          [row.coachee_id],
        );
        // The coachee stays in the pool (the re-match job matches them); the coach's place goes to the waiting list too.
        const waitlist = await coachPlaceFreed(tem, row.coach_id, now);
        return {
          outcome: 'accepted' as const,
          messageIds,
          rematch: { coacheeId: row.coachee_id, attempt: -ended.n },
          waitlist,
        };
      },
      async (result) => {
        if ('rematch' in result && result.rematch)
          await this.producer.enqueue(JobName.MatchingRematchCoachee, result.rematch);
        if ('waitlist' in result && result.waitlist) await queueWaitlist(this.producer, result.waitlist);
      },
    );
    return result.outcome;
  }

  /**
   * The `feedback.check-inactivity` job. The window runs from the last held session (or the activation); once it has
   * passed both people are nudged, and if still no session is held within the grace period the pairing is closed.
   * Queues the next check itself, so one chain of delayed jobs follows each active pairing.
   */
  async checkInactivity(pairingId: string): Promise<InactivityOutcome> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'risk follow-up',
      async (tem) => {
        const [raw] = await rawQuery<PairingRow>(tem, `${PAIRING_SELECT} where pr.id = ? for update of pr`, [
          pairingId,
        ]);
        if (!raw) throw new NotFoundError('pairing', pairingId);
        const row = pairingDates(raw);
        if (row.status !== PairingStatus.Active || !row.feedback.enabled || !row.activated_at)
          return { outcome: 'done' as const, messageIds: [] };
        const now = this.clock.now();
        const { window, grace } = inactivitySettings(row.feedback);
        const since = row.last_held && row.last_held > row.activated_at ? row.last_held : row.activated_at;
        if (row.nudged_at && row.nudged_at >= since) {
          const closeAt = new Date(row.nudged_at.getTime() + durationMs(grace));
          if (closeAt > now) return { outcome: 'not-due' as const, messageIds: [], next: closeAt };
          await transitionPairing(tem, PairingEvent.End, pairingId, { now, atRiskReason: 'inactive' });
          const calendar = await this.cancelFutureSessions(tem, row, now);
          await rawQuery(
            tem,
            `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, 'worker', 'pairing.ended', 'pairing', ?, ?::jsonb)`,
            [newId(), row.organization_id, pairingId, JSON.stringify({ why: 'inactive' })],
          );
          // Closed for inactivity, the coachee leaves the pool (an admin can return them); the coach's place frees.
          const waitlist = await coachPlaceFreed(tem, row.coach_id, now);
          await rawQuery(
            tem,
            `update enrollment set status = 'alumni', updated_at = ? where id = ? and status = 'active'`,
            [now, row.coachee_id],
          );
          return {
            outcome: 'closed' as const,
            messageIds: await writeOutbox(tem, this.endedDrafts(row, 'inactive', calendar)),
            waitlist,
          };
        }
        const nudgeAt = new Date(since.getTime() + durationMs(window));
        if (nudgeAt > now) return { outcome: 'not-due' as const, messageIds: [], next: nudgeAt };
        await rawQuery(tem, `update pairing set nudged_at = ?, updated_at = ? where id = ?`, [now, now, pairingId]);
        const closesIn = (role: 'coach' | 'coachee') =>
          Duration.fromISO(grace, { locale: asLocale(role === 'coach' ? row.coach_locale : row.coachee_locale) })
            .rescale()
            .toHuman();
        const messageIds = await writeOutbox(
          tem,
          (['coach', 'coachee'] as const).map((role) => ({
            organizationId: row.organization_id,
            // The window's start names the nudge: a later window (after a held session) gets a nudge of its own.
            idempotencyKey: `inactivity-nudge:${pairingId}:${since.getTime()}:${role}`,
            to: role === 'coach' ? row.coach_email : row.coachee_email,
            ...inactivityNudgeEmail({
              recipientName: role === 'coach' ? row.coach_name : row.coachee_name,
              otherName: role === 'coach' ? row.coachee_name : row.coach_name,
              programName: row.program_name,
              closesIn: closesIn(role),
              locale: asLocale(role === 'coach' ? row.coach_locale : row.coachee_locale),
            }),
          })),
        );
        return { outcome: 'nudged' as const, messageIds, next: new Date(now.getTime() + durationMs(grace)) };
      },
      async (result) => {
        if ('next' in result && result.next) await this.scheduleInactivityCheck(pairingId, result.next);
        if ('waitlist' in result && result.waitlist) await queueWaitlist(this.producer, result.waitlist);
      },
    );
    return result.outcome;
  }

  /** Queues the inactivity check of a pairing for a due time. */
  async scheduleInactivityCheck(pairingId: string, dueAt: Date): Promise<void> {
    await this.producer.enqueueAt(
      JobName.FeedbackCheckInactivity,
      [{ payload: { pairingId, dueAt: dueAt.getTime() }, dueAt }],
      this.clock.now(),
    );
  }

  /**
   * Cancels the pairing's future sessions and answers the calendar that takes them out of both people's calendars
   * (an iTIP CANCEL per session: same UID, a higher SEQUENCE, STATUS:CANCELLED), or undefined when none was left.
   */
  private async cancelFutureSessions(
    tem: EntityManager,
    row: PairingRow,
    now: Date,
  ): Promise<((locale: Locale) => string) | undefined> {
    const cancelled = await rawQuery<{
      id: string;
      index: number;
      sequence: number;
      starts_at: string;
      ends_at: string;
      sessions: number;
    }>(
      tem,
      `update coaching_session s set status = 'cancelled', sequence = sequence + 1, updated_at = ?
        where pairing_id = ? and status = 'scheduled' and starts_at > ?
        returning id, index, sequence, starts_at, ends_at, (select count(*)::int from coaching_session c where c.pairing_id = s.pairing_id) as sessions`,
      [now, row.id, now],
    );
    if (cancelled.length === 0) return undefined;
    const sessions = cancelled.sort((a, b) => a.index - b.index);
    // Each person's calendar in their language.
    return (locale) =>
      calendarFile(
        sessions.map((s) =>
          sessionEvent(
            {
              ...row,
              ...s,
              id: s.id,
              starts_at: new Date(s.starts_at),
              ends_at: new Date(s.ends_at),
              session_status: 'cancelled',
            },
            locale,
          ),
        ),
        now,
        organizerFrom(this.config.mailFrom),
      );
  }

  /** The "coaching ended" emails: to both people (with the cancelling calendar, if sessions were left) and the admin. */
  private endedDrafts(
    row: PairingRow,
    why: 'rematch' | 'inactive',
    calendar: ((locale: Locale) => string) | undefined,
    reason: string | null = null,
  ): OutboxDraft[] {
    const email = (recipientName: string | null, locale: Locale, withReason = false) =>
      pairingEndedEmail({
        recipientName,
        coachName: row.coach_name,
        coacheeName: row.coachee_name,
        programName: row.program_name,
        why,
        reason: withReason ? reason : null,
        locale,
      });
    const coach = asLocale(row.coach_locale);
    const coachee = asLocale(row.coachee_locale);
    const drafts: OutboxDraft[] = [
      {
        organizationId: row.organization_id,
        idempotencyKey: `pairing-ended:${row.id}:coach`,
        to: row.coach_email,
        ics: calendar?.(coach),
        ...email(row.coach_name, coach),
      },
    ];
    // The coachee who asked for the re-match needs no news, only the calendar: without one left, nothing is sent.
    if (why === 'inactive' || calendar) {
      drafts.push({
        organizationId: row.organization_id,
        idempotencyKey: `pairing-ended:${row.id}:coachee`,
        to: row.coachee_email,
        ics: calendar?.(coachee),
        ...email(row.coachee_name, coachee),
      });
    }
    if (row.admin_email)
      drafts.push({
        organizationId: row.organization_id,
        idempotencyKey: `pairing-ended:${row.id}:admin`,
        to: row.admin_email,
        // The coachee's own words go to the program team only, never to the coach.
        ...email(null, asLocale(row.organization_locale), true),
      });
    return drafts;
  }

  private async find(em: EntityManager, token: string, lock: boolean): Promise<PairingRow> {
    const row = await findByToken<PairingRow>(em, token, {
      what: 're-match offer',
      sql: `${PAIRING_SELECT} where pr.rematch_token_hash = ?${lock ? ' for update of pr' : ''}`,
    });
    return pairingDates(row);
  }
}

/** A pairing row with its timestamps as Dates. */
const pairingDates = (row: PairingRow): PairingRow =>
  withDates(row, 'activated_at', 'rematch_offered_at', 'rematch_accepted_at', 'nudged_at', 'last_held');
