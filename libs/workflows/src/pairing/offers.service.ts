import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  DomainError,
  findByToken,
  hashSecret,
  isLinkToken,
  linkToken,
  NotFoundError,
  PairingEvent,
  PairingStatus,
  pairingStatusSql,
  rawQuery,
  type ScoreBreakdown,
  type SkillDefinition,
  UNTAKEN_PAIRING_STATUSES,
  withDates,
} from '@tandem/domain';
import {
  asLocale,
  firstName,
  introductionEmail,
  linkPlaceholder,
  type Locale,
  matchReasons,
  offerReminderEmail,
  personLocaleSql,
  writeOutbox,
} from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import DataLoader from 'dataloader';
import { enqueueEmails, sendAfterCommit } from '../after-commit';
import { coachPlaceFreed, queueWaitlist } from './waitlist';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import { transitionPairing, transitionPairings } from './pairing-status';

/** What the offer page shows. */
export interface OfferView {
  state: 'pending' | 'accepted' | 'declined' | 'expired';
  coacheeFirstName: string;
  goals: string | null;
  reasons: string[];
  programName: string;
  expiresAt: Date;
  timeZone: string;
  /** The coach's language: the page's. */
  locale: Locale;
}

/** The outcome of pressing a button on the offer page. */
export type OfferOutcome = 'accepted' | 'already-accepted' | 'declined' | 'already-declined';

interface OfferRow {
  offer_id: string;
  token_hash: string;
  pairing_id: string;
  decision: 'accepted' | 'declined' | 'expired' | null;
  expires_at: Date;
  organization_id: string;
  program_id: string;
  coach_id: string;
  coachee_id: string;
  /** The pair's reasons from its score breakdown (the page shows them; the rest of the breakdown is not read). */
  reasons: ScoreBreakdown['reasons'] | null;
  wording: ScoreBreakdown['wording'] | null;
  program_skills: SkillDefinition[];
  program_name: string;
  coachee_name: string;
  coachee_email: string;
  goals: string | null;
  coach_name: string;
  coach_email: string;
  coach_timezone: string;
  coach_bio: string | null;
  coach_locale: string;
  coachee_locale: string;
}

const OFFER_SELECT = `
  select o.id as offer_id, o.token_hash, o.pairing_id, o.decision, o.expires_at, pr.organization_id, pr.program_id, pr.coach_id, pr.coachee_id,
         pr.breakdown -> 'reasons' as reasons, pr.breakdown -> 'wording' as wording, prog.skills as program_skills, prog.name as program_name, ep.name as coachee_name, ep.email as coachee_email, ee.goals,
         cp.name as coach_name, cp.email as coach_email, cp.timezone as coach_timezone, ce.bio as coach_bio,
         ${personLocaleSql('cp')} as coach_locale, ${personLocaleSql('ep')} as coachee_locale
    from offer o
    join pairing pr on pr.id = o.pairing_id
    join program prog on prog.id = pr.program_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id`;

/**
 * The coach's side of an offer: the page, accept and decline (each in one transaction with row locks, so concurrent
 * presses have exactly one winner), and the expiry and reminder sweeps.
 */
@Injectable()
export class OffersService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * Page views read offers in batches: the lookups of every request that arrived in one turn of the event loop go to
   * Postgres as one prepared query (`setImmediate` runs after the turn's I/O callbacks), so a burst of page views costs
   * a few round trips instead of one each. Nothing is cached: every view reads rows committed before its query ran.
   */
  private readonly pageLoader = new DataLoader<string, OfferRow | undefined>(
    async (hashes) => {
      const rows = await rawQuery<OfferRow>(
        this.em.fork(),
        `${OFFER_SELECT} where o.token_hash = any(?::text[])`,
        [hashes],
        { prepare: 'offers_by_tokens' },
      );
      const byHash = new Map(rows.map((row) => [row.token_hash, offerDates(row)]));
      return hashes.map((hash) => byHash.get(hash));
    },
    { cache: false, batchScheduleFn: (run) => setImmediate(run), maxBatchSize: 256 },
  );

  /** Reads an offer by its link token; changes nothing (mail scanners fetch links). */
  async view(token: string): Promise<OfferView> {
    const row = isLinkToken(token) ? await this.pageLoader.load(hashSecret(token)) : undefined;
    if (!row) throw new NotFoundError('offer');
    const expired = row.decision === 'expired' || (row.decision === null && row.expires_at <= this.clock.now());
    return {
      state: expired ? 'expired' : (row.decision ?? 'pending'),
      coacheeFirstName: firstName(row.coachee_name),
      goals: row.goals,
      reasons: matchReasons(row.reasons ?? [], row.wording, asLocale(row.coach_locale), {
        name: firstName(row.coachee_name),
        skills: row.program_skills,
      }),
      programName: row.program_name,
      expiresAt: row.expires_at,
      timeZone: row.coach_timezone,
      locale: asLocale(row.coach_locale),
    };
  }

  /**
   * Accepts: the pairing becomes active if the coach still has room and the coachee no other active pairing. Answers
   * the outcome and the coachee's first name, for the page that says what happened.
   */
  async accept(token: string): Promise<{ outcome: OfferOutcome; coacheeFirstName: string }> {
    const em = this.em.fork();
    const result = await em.transactional(async (tem) => {
      const row = await this.lockedByToken(tem, token);
      const coacheeFirstName = firstName(row.coachee_name);
      if (row.decision === 'accepted') return { outcome: 'already-accepted' as const, coacheeFirstName };
      this.assertOpen(row);
      // Lock the coach's person: concurrent accepts for the last place queue here, in this program or another one.
      // The count is a statement of its own, so (read committed) it sees what the accept that held the lock before us
      // committed. It counts the person's active pairings as coach in every running program of the organization.
      const [coach] = await rawQuery<{ capacity: number | null; person_id: string }>(
        tem,
        `select e.capacity, e.person_id from enrollment e join person p on p.id = e.person_id where e.id = ? for update of p`,
        [row.coach_id],
      );
      const [active] = await rawQuery<{ n: string }>(tem, ACTIVE_AS_COACH_SQL, [coach.person_id, row.program_id]);
      if (Number(active.n) >= (coach.capacity ?? 0)) {
        throw new ConflictError(
          'coach_full',
          'You already coach as many people as your capacity allows, so this offer cannot be accepted.',
        );
      }
      const [other] = await rawQuery(
        tem,
        `select 1 from pairing where coachee_id = ? and status in ${pairingStatusSql(PairingStatus.Active)} and id <> ?`,
        [row.coachee_id, row.pairing_id],
      );
      if (other) throw new ConflictError('coachee_taken', 'This person already has a coach now.');
      const now = this.clock.now();
      await rawQuery(tem, `update offer set decision = 'accepted', decided_at = ? where id = ?`, [now, row.offer_id]);
      if (!(await transitionPairing(tem, PairingEvent.Accept, row.pairing_id, { now })))
        throw new ConflictError('offer_closed', 'This offer is no longer open.');
      await rawQuery(tem, `update enrollment set unmatched_reason = null where id = ?`, [row.coachee_id]);
      const messageIds = await writeOutbox(tem, [
        {
          organizationId: row.organization_id,
          idempotencyKey: `intro:${row.pairing_id}:coach`,
          to: row.coach_email,
          ...introductionEmail({
            to: 'coach',
            recipientName: row.coach_name,
            otherName: row.coachee_name,
            otherEmail: row.coachee_email,
            programName: row.program_name,
            locale: asLocale(row.coach_locale),
          }),
        },
        {
          organizationId: row.organization_id,
          idempotencyKey: `intro:${row.pairing_id}:coachee`,
          to: row.coachee_email,
          ...introductionEmail({
            to: 'coachee',
            recipientName: row.coachee_name,
            otherName: row.coach_name,
            otherEmail: row.coach_email,
            programName: row.program_name,
            otherBio: row.coach_bio,
            locale: asLocale(row.coachee_locale),
          }),
        },
      ]);
      await audit(tem, row, 'offer.accepted', now);
      return { outcome: 'accepted' as const, coacheeFirstName, messageIds, pairingId: row.pairing_id };
    });
    if (result.outcome === 'accepted') {
      await sendAfterCommit(this.producer, 'offer follow-up', result.messageIds, () =>
        this.producer.enqueue(JobName.CadenceScheduleSessions, { pairingId: result.pairingId }),
      );
    }
    return { outcome: result.outcome, coacheeFirstName: result.coacheeFirstName };
  }

  /** Declines (with an optional reason); the coachee is re-matched automatically. */
  async decline(token: string, reason: string | undefined): Promise<OfferOutcome> {
    const cleanReason = reason?.trim().slice(0, 1000) || null;
    const em = this.em.fork();
    const result = await em.transactional(async (tem) => {
      const row = await this.lockedByToken(tem, token);
      if (row.decision === 'declined') return { outcome: 'already-declined' as const };
      this.assertOpen(row);
      const now = this.clock.now();
      await rawQuery(tem, `update offer set decision = 'declined', decided_at = ?, decline_reason = ? where id = ?`, [
        now,
        cleanReason,
        row.offer_id,
      ]);
      if (!(await transitionPairing(tem, PairingEvent.Decline, row.pairing_id, { now })))
        throw new ConflictError('offer_closed', 'This offer is no longer open.');
      await audit(tem, row, 'offer.declined', now);
      const waitlist = await coachPlaceFreed(tem, row.coach_id, now);
      return {
        outcome: 'declined' as const,
        coacheeId: row.coachee_id,
        attempt: await endedOffers(tem, row.coachee_id),
        waitlist,
      };
    });
    if (result.outcome === 'declined') {
      await this.producer.afterCommit('offer follow-up', async () => {
        await this.producer.enqueue(JobName.MatchingRematchCoachee, {
          coacheeId: result.coacheeId,
          attempt: result.attempt,
        });
        await queueWaitlist(this.producer, result.waitlist);
      });
    }
    return result.outcome;
  }

  /**
   * Withdraws open offers because someone left (erased, deactivated by the identity provider, removed from a program's
   * group): each goes through the offer's own decline, so it is audited, the coachee is re-matched and the coach's place
   * freed as after any decline. An offer decided or expired meanwhile is left alone. Answers how many were withdrawn.
   */
  async withdrawOpen(offerIds: string[], reason: string): Promise<number> {
    let withdrawn = 0;
    for (const offerId of offerIds) {
      try {
        if ((await this.decline(linkToken(this.config.appSecret, 'offer', offerId), reason)) === 'declined')
          withdrawn++;
      } catch (err) {
        if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      }
    }
    return withdrawn;
  }

  /** The `pairing.expire-offers` job: every pending offer of the program past its expiry expires and is re-matched. */
  async expireDue(programId: string): Promise<number> {
    const em = this.em.fork();
    const expired = await em.transactional(async (tem) => {
      const now = this.clock.now();
      const rows = await rawQuery<{
        id: string;
        pairing_id: string;
        coach_id: string;
        coachee_id: string;
        organization_id: string;
      }>(
        tem,
        `update offer o set decision = 'expired', decided_at = ?
           from pairing p
          where p.id = o.pairing_id and p.program_id = ? and o.decision is null and o.expires_at <= ?
         returning o.id, o.pairing_id, p.coach_id, p.coachee_id, p.organization_id`,
        [now, programId, now],
      );
      if (rows.length === 0) return { rematches: [], waitlist: [] };
      await transitionPairings(tem, PairingEvent.Expire, { ids: rows.map((r) => r.pairing_id) }, { now });
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id)
         select gen_random_uuid(), ?, 'worker', 'offer.expired', 'offer', id from unnest(?::uuid[]) as t(id)`,
        [rows[0].organization_id, rows.map((r) => r.id)],
      );
      const attempts = await rawQuery<{ coachee_id: string; n: string }>(
        tem,
        `select coachee_id, count(*) as n from pairing where coachee_id = any(?::uuid[]) and status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)} group by coachee_id`,
        [rows.map((r) => r.coachee_id)],
      );
      const waitlist = await coachPlaceFreed(tem, [...new Set(rows.map((r) => r.coach_id))], now);
      return { rematches: attempts.map((a) => ({ coacheeId: a.coachee_id, attempt: Number(a.n) })), waitlist };
    });
    await this.producer.enqueueMany(JobName.MatchingRematchCoachee, expired.rematches);
    await queueWaitlist(this.producer, expired.waitlist);
    return expired.rematches.length;
  }

  /** The `pairing.remind-offers` job: one reminder per pending offer whose reminder time has come. */
  async remindDue(programId: string): Promise<number> {
    const em = this.em.fork();
    const messageIds = await em.transactional(async (tem) => {
      const now = this.clock.now();
      const rows = await rawQuery<OfferRow>(
        tem,
        `${OFFER_SELECT}
          where pr.program_id = ? and o.decision is null and o.reminded_at is null and o.expires_at > ?
            and o.expires_at - least(interval '24 hours', (o.expires_at - o.created_at) / 2) <= ?
          for update of o`,
        [programId, now, now],
      );
      if (rows.length === 0) return [];
      await rawQuery(tem, `update offer set reminded_at = ? where id = any(?::uuid[])`, [
        now,
        rows.map((r) => r.offer_id),
      ]);
      return writeOutbox(
        tem,
        rows.map(offerDates).map((row) => ({
          organizationId: row.organization_id,
          idempotencyKey: `offer-reminder:${row.offer_id}`,
          to: row.coach_email,
          ...offerReminderEmail({
            coachName: row.coach_name,
            coacheeName: row.coachee_name,
            programName: row.program_name,
            expiresAt: row.expires_at,
            timeZone: row.coach_timezone,
            link: linkPlaceholder('offer', row.offer_id),
            locale: asLocale(row.coach_locale),
          }),
        })),
      );
    });
    await enqueueEmails(this.producer, messageIds);
    return messageIds.length;
  }

  /** Queues the expiry and reminder sweeps for offers written at one time. */
  async scheduleOfferJobs(programId: string, expiresAt: Date, remindAt: Date): Promise<void> {
    const now = this.clock.now();
    await this.producer.enqueueAt(
      JobName.PairingRemindOffers,
      [{ payload: { programId, dueAt: remindAt.getTime() }, dueAt: remindAt }],
      now,
    );
    await this.producer.enqueueAt(
      JobName.PairingExpireOffers,
      [{ payload: { programId, dueAt: expiresAt.getTime() }, dueAt: expiresAt }],
      now,
    );
  }

  /** The offer of a link token, locked (with its pairing) for a decision in the caller's transaction. */
  private async lockedByToken(em: EntityManager, token: string): Promise<OfferRow> {
    // Prepared: every button press runs this join, and planning it costs far more than running it.
    const row = await findByToken<OfferRow>(em, token, {
      what: 'offer',
      sql: `${OFFER_SELECT} where o.token_hash = ? for update of o, pr`,
      prepare: 'offer_by_token_for_update',
    });
    return offerDates(row);
  }

  private assertOpen(row: OfferRow): void {
    if (row.decision === 'declined')
      throw new ConflictError('offer_declined', 'This offer was declined already; a decision cannot be changed.');
    if (row.decision === 'accepted')
      throw new ConflictError('offer_accepted', 'This offer was accepted already; a decision cannot be changed.');
    if (row.decision === 'expired' || row.expires_at <= this.clock.now())
      throw new DomainError('conflict', 'offer_expired', 'This offer has expired.');
  }
}

/**
 * A coach person's active pairings in every running program of the organization (and the offer's own program,
 * whatever its state): what a coach's capacity is checked against. Two parameters: the person and the program.
 */
const ACTIVE_AS_COACH_SQL = `
  select count(*) as n
    from enrollment oe join program op on op.id = oe.program_id join pairing x on x.coach_id = oe.id and x.status in ${pairingStatusSql(PairingStatus.Active)}
   where oe.person_id = ? and oe.role = 'coach' and (op.status = 'active' or op.id = ?)`;

/** An offer row with its expiry as a Date. */
const offerDates = (row: OfferRow): OfferRow => withDates(row, 'expires_at');

/** Records a coach's answer: in the audit trail, and as the webhook event of the same name (ids only, never the reason). */
async function audit(
  em: EntityManager,
  row: OfferRow,
  action: 'offer.accepted' | 'offer.declined',
  now: Date,
): Promise<void> {
  await rawQuery(
    em,
    `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (gen_random_uuid(), ?, 'coach', ?, 'offer', ?)`,
    [row.organization_id, action, row.offer_id],
  );
  await recordWebhookEvents(
    em,
    action,
    `select pr.organization_id, jsonb_build_object('offerId', ?::text, 'pairingId', pr.id, 'programId', pr.program_id) as data from pairing pr where pr.id = ?`,
    [row.offer_id, row.pairing_id],
    now,
  );
}

/** How many offers of a coachee ended without a pairing: numbers each re-match job. */
export async function endedOffers(em: EntityManager, coacheeId: string): Promise<number> {
  const [row] = await rawQuery<{ n: string }>(
    em,
    `select count(*) as n from pairing where coachee_id = ? and status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)}`,
    [coacheeId],
  );
  return Number(row.n);
}
