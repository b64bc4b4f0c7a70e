import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  Enrollment,
  LIVE_PAIRING_STATUSES,
  newId,
  PairingEvent,
  pairingStatusSql,
  pairingTransition,
  Program,
  rawQuery,
  type ScoreBreakdown,
  UNTAKEN_PAIRING_STATUSES,
} from '@tandem/domain';
import { organizationLocale, unmatchedAdminEmail, waitlistMatchedAdminEmail, writeOutbox } from '@tandem/mail';
import {
  type Breakdown,
  explainPair,
  type Objective,
  rematchCoachee,
  SCORE_SCALE,
  scoreProgram,
  solve,
} from '@tandem/matching';
import { JobProducer } from '@tandem/queues';
import { enqueueEmails, sendAfterCommit } from '../after-commit';
import { OffersService } from '../pairing/offers.service';
import { writeOffers } from '../pairing/offer-writer';
import { loadProgramPool, type ProgramPool } from './program-pool';
import { WAITING_SQL } from '../pairing/waitlist';

/** What one re-match did. */
export type RematchOutcome = 'offered' | 'unmatched' | 'skipped';

/** What one pass over a waiting list did. */
export type WaitlistOutcome = { offered: number } | 'skipped';

/** A coachee offered to a coach, with the pair's score. */
interface Match {
  coacheeId: string;
  coachId: string;
  score: number;
  breakdown: ScoreBreakdown;
}

interface WrittenMatches {
  messageIds: string[];
  expiresAt: Date;
  remindAt: Date;
}

/**
 * Matches coachees against the free places of their program, between rounds:
 * - the `matching.rematch-coachee` job: after a decline, an expiry or a re-match the coachee asked for, the coachee is
 *   offered the best coach that still has room (never a former pair); when none fits, the coachee is marked unmatched,
 *   which puts them on the waiting list, and the admins are told;
 * - the `matching.match-waiting` job: once a place frees up, the program's waiting list is matched against every free
 *   place as a round would (the program's objective, so the best fits come first), and the admin is told.
 */
@Injectable()
export class RematchService {
  constructor(
    private readonly em: EntityManager,
    private readonly offers: OffersService,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async rematch(coacheeId: string): Promise<RematchOutcome> {
    const em = this.em.fork();
    const outcome = await em.transactional(async (tem) => {
      const coachee = await tem.findOne(Enrollment, { id: coacheeId }, { populate: ['program'] });
      if (!coachee || coachee.status !== 'active') return { kind: 'skipped' as const };
      // The program lock serializes re-matches and publishing, so two coachees never take one last place.
      const program = await tem.findOneOrFail(
        Program,
        { id: coachee.program.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const [live] = await rawQuery(
        tem,
        `select 1 from pairing where coachee_id = ? and status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)}`,
        [coacheeId],
      );
      if (live) return { kind: 'skipped' as const };
      // A re-match answers the coachee's latest decline, expiry or re-match request. Once a pairing was offered or a
      // verdict recorded after it, this job (run again, or an older attempt arriving late) has nothing left to do.
      const [answered] = await rawQuery(
        tem,
        `with t as (select greatest(
                      (select max(updated_at) from pairing where coachee_id = ? and status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)}),
                      (select max(rematch_accepted_at) from pairing where coachee_id = ?)) as at)
         select 1 from t where t.at is not null and (
                exists (select 1 from pairing p where p.coachee_id = ? and p.created_at > t.at)
             or exists (select 1 from audit_event a where a.subject_type = 'enrollment' and a.subject_id = ? and a.action = 'coachee.unmatched' and a.created_at > t.at))`,
        [coacheeId, coacheeId, coacheeId, coacheeId],
      );
      if (answered) return { kind: 'skipped' as const };
      const now = this.clock.now();
      const pool = await loadProgramPool(tem, program, { now, coacheeIds: [coacheeId] });
      const remaining = Object.fromEntries(pool.free);
      const result = rematchCoachee(pool.instance, { coachee: coacheeId, remaining });
      if (result.coach === null) {
        await rawQuery(tem, `update enrollment set unmatched_reason = ? where id = ?`, [result.reason, coacheeId]);
        await rawQuery(
          tem,
          `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, 'worker', 'coachee.unmatched', 'enrollment', ?, ?::jsonb)`,
          [newId(), program.organization.id, coacheeId, JSON.stringify({ reason: result.reason })],
        );
        const person = pool.people.get(coacheeId)!;
        const ended = await rawQuery<{ n: string }>(
          tem,
          `select count(*) as n from pairing where coachee_id = ? and status in ${pairingStatusSql(...UNTAKEN_PAIRING_STATUSES)}`,
          [coacheeId],
        );
        const messageIds = program.adminEmail
          ? await writeOutbox(tem, [
              {
                organizationId: program.organization.id,
                idempotencyKey: `unmatched:${coacheeId}:${ended[0].n}`,
                to: program.adminEmail,
                ...unmatchedAdminEmail({
                  coacheeName: person.name,
                  programName: program.name,
                  reason: result.reason,
                  locale: await organizationLocale(tem, program.organization.id),
                }),
              },
            ])
          : [];
        return { kind: 'unmatched' as const, messageIds };
      }
      const match = {
        coacheeId,
        coachId: result.coach,
        score: result.score,
        breakdown: copyBreakdown(result.breakdown),
      };
      const written = await this.writeMatches(tem, program, pool, [match], now, 'pairing.rematched');
      return { kind: 'offered' as const, ...written, programId: program.id };
    });
    if (outcome.kind === 'skipped') return 'skipped';
    await enqueueEmails(this.producer, outcome.messageIds);
    if (outcome.kind === 'offered')
      await this.offers.scheduleOfferJobs(outcome.programId, outcome.expiresAt, outcome.remindAt);
    return outcome.kind;
  }

  /**
   * The `matching.match-waiting` job: matches the program's waiting list against its free places (capacity counted
   * across the organization's running programs, former pairs never), best fit first, and emails the admin the offers
   * it made. Answers the waiting list the program's `waitlist_due_at` asked for, once: it records that time as done
   * under the program lock, so a second run (or a job for an older place) finds nothing to do.
   */
  async matchWaiting(programId: string): Promise<WaitlistOutcome> {
    const em = this.em.fork();
    const outcome = await em.transactional(async (tem) => {
      const program = await tem.findOne(Program, { id: programId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!program) return { kind: 'skipped' as const };
      const [due] = await rawQuery<{ pending: boolean }>(
        tem,
        `select waitlist_due_at is not null and (waitlist_done_at is null or waitlist_done_at < waitlist_due_at) as pending from program where id = ?`,
        [programId],
      );
      if (!due.pending) return { kind: 'skipped' as const };
      await rawQuery(tem, `update program set waitlist_done_at = waitlist_due_at where id = ?`, [programId]);
      if (program.status !== 'active') return { kind: 'done' as const, matches: 0 };
      const waiting = await rawQuery<{ id: string }>(
        tem,
        `select e.id from enrollment e where e.program_id = ? and ${WAITING_SQL} order by e.id`,
        [programId],
      );
      if (waiting.length === 0) return { kind: 'done' as const, matches: 0 };
      const now = this.clock.now();
      const pool = await loadProgramPool(tem, program, { now, coacheeIds: waiting.map((w) => w.id) });
      if ([...pool.free.values()].every((n) => n === 0)) return { kind: 'done' as const, matches: 0 };
      const scored = scoreProgram(pool.instance);
      const solution = solve(scored.pairs, {
        objective: program.policy.objective as Objective,
        minScore: pool.instance.policy.minScore,
      });
      const matches: Match[] = [];
      for (let i = 0; i < solution.coachOf.length; i++) {
        const k = solution.coachOf[i];
        if (k < 0) continue;
        const score = solution.weightOf[i] / SCORE_SCALE;
        matches.push({
          coacheeId: scored.pairs.coacheeIds[i],
          coachId: scored.pairs.coachIds[k],
          score,
          breakdown: copyBreakdown(explainPair(scored.context, i, k, score)),
        });
      }
      if (matches.length === 0) return { kind: 'done' as const, matches: 0 };
      matches.sort((a, b) => b.score - a.score);
      const written = await this.writeMatches(tem, program, pool, matches, now, 'pairing.waitlist-offered');
      const adminIds = program.adminEmail
        ? await writeOutbox(tem, [
            {
              organizationId: program.organization.id,
              idempotencyKey: `waitlist-matched:${programId}:${new Date(program.waitlistDueAt ?? now).getTime()}`,
              to: program.adminEmail,
              ...waitlistMatchedAdminEmail({
                programName: program.name,
                matches: matches.map((m) => ({
                  coacheeName: pool.people.get(m.coacheeId)!.name,
                  coachName: pool.people.get(m.coachId)!.name,
                })),
                locale: await organizationLocale(tem, program.organization.id),
              }),
            },
          ])
        : [];
      return {
        kind: 'offered' as const,
        matches: matches.length,
        ...written,
        messageIds: [...written.messageIds, ...adminIds],
      };
    });
    if (outcome.kind === 'skipped') return 'skipped';
    if (outcome.kind === 'offered') {
      await sendAfterCommit(this.producer, 'waiting-list offers', outcome.messageIds, () =>
        this.offers.scheduleOfferJobs(programId, outcome.expiresAt, outcome.remindAt),
      );
    }
    return { offered: outcome.matches };
  }

  /** Writes `offered` pairings for the matches with their offers and emails, in the caller's transaction. */
  private async writeMatches(
    tem: EntityManager,
    program: Program,
    pool: ProgramPool,
    matches: Match[],
    now: Date,
    action: string,
  ): Promise<WrittenMatches> {
    const pairingIds = matches.map(() => newId());
    await rawQuery(
      tem,
      `insert into pairing (id, organization_id, program_id, coach_id, coachee_id, status, score, breakdown)
       select x.id, ?, ?, x.coach, x.coachee, '${pairingTransition(PairingEvent.Rematch).to}', x.score, x.breakdown
         from jsonb_to_recordset(?::jsonb) as x(id uuid, coach uuid, coachee uuid, score float8, breakdown jsonb)`,
      [
        program.organization.id,
        program.id,
        JSON.stringify(
          matches.map((m, i) => ({
            id: pairingIds[i],
            coach: m.coachId,
            coachee: m.coacheeId,
            score: m.score,
            breakdown: m.breakdown,
          })),
        ),
      ],
    );
    await rawQuery(tem, `update enrollment set unmatched_reason = null where id = any(?::uuid[])`, [
      matches.map((m) => m.coacheeId),
    ]);
    const written = await writeOffers(
      tem,
      {
        organizationId: program.organization.id,
        programName: program.name,
        skills: program.skills,
        offerTtl: program.offerTtl,
        appSecret: this.config.appSecret,
        now,
      },
      matches.map((m, i) => {
        const coach = pool.people.get(m.coachId)!;
        const coachee = pool.people.get(m.coacheeId)!;
        return {
          pairingId: pairingIds[i],
          coachEmail: coach.email,
          coachName: coach.name,
          coachTimezone: coach.timezone,
          coacheeName: coachee.name,
          goals: coachee.goals,
          breakdown: m.breakdown,
        };
      }),
    );
    await rawQuery(
      tem,
      `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id)
       select gen_random_uuid(), ?, 'worker', ?, 'pairing', id from unnest(?::uuid[]) as t(id)`,
      [program.organization.id, action, pairingIds],
    );
    return written;
  }
}

/** A breakdown as a plain, mutable object (libs/matching answers read-only arrays). */
function copyBreakdown(b: Breakdown): ScoreBreakdown {
  return { ...b, terms: [...b.terms], skills: [...b.skills], reasons: [...b.reasons], wording: [...b.wording] };
}
