import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  AuditEvent,
  Clock,
  ConflictError,
  isUuid,
  MatchingRound,
  NotFoundError,
  Program,
  rawQuery,
  RoundStatus,
} from '@tandem/domain';
import { type Breakdown, explainPair, pairViolation, pairWeightOf, SCORE_SCALE, scoreProgram } from '@tandem/matching';
import { JobName, JobProducer } from '@tandem/queues';
import type { Actor } from '../programs/programs.service';
import { loadProgramPool } from '../rounds/program-pool';
import { pairOverrideSchema } from '../rounds/rounds.service';
import { parseCommand } from '../validation';

/** One coach for one coachee of a round, as the review shows it. */
export interface CoachOption {
  coachId: string;
  name: string;
  /** The pair's score (0-100); null when a rule rules the pair out. */
  score: number | null;
  /** The rule that rules the pair out (a pair reason code), or null. */
  ruledOut: string | null;
  /** Places the coach has left beyond this round's proposals (a place taken by this coachee's own proposal counts as taken). */
  freePlaces: number;
  breakdown: Breakdown | null;
  /** Whether this is the coach the round proposes now. */
  current: boolean;
}

/** A coachee's options in a round: the proposed coach (if any) and every other coach, best first. */
export interface CoacheeOptions {
  coacheeId: string;
  name: string;
  current: CoachOption | null;
  /** Every coach but the current one: allowed pairs by score, then the ruled-out ones. */
  others: CoachOption[];
}

/**
 * The admin's review of a proposed round: for a coachee, how every coach of the program would score with them,
 * with the places each has left and the rule that rules a pair out. Reads the pool as the round's next solve would
 * (its exclusions included) and scores with libs/matching, so the proposed coach's figure is the proposal's.
 */
@Injectable()
export class RoundReviewService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly producer: JobProducer,
  ) {}

  /**
   * Undoes the removal of a pair: the pair is allowed again and the round is solved again (the same job and revision
   * rule as RoundsService's pins and exclusions: a form from an older revision is refused). Audited.
   */
  async restore(actor: Actor, roundId: string, input: unknown): Promise<{ revision: number }> {
    const command = parseCommand(pairOverrideSchema, input);
    if (!isUuid(roundId)) throw new NotFoundError('round', roundId.slice(0, 64));
    const round = await this.em.fork().transactional(async (tem) => {
      const round = await tem.findOne(
        MatchingRound,
        { id: roundId, organization: actor.organizationId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!round) throw new NotFoundError('round', roundId);
      if (round.status === RoundStatus.Published)
        throw new ConflictError('round_published', 'a published round cannot be changed');
      if (round.revision !== command.revision) {
        throw new ConflictError(
          'stale_revision',
          `someone changed this round meanwhile (revision ${round.revision}, you sent ${command.revision}); reload it`,
        );
      }
      if (round.status !== RoundStatus.Proposed)
        throw new ConflictError('round_not_ready', `a round can be changed once it is proposed; it is ${round.status}`);
      const kept = round.exclusions.filter(
        (x) => !(x.coacheeId === command.coacheeId && x.coachId === command.coachId),
      );
      if (kept.length === round.exclusions.length)
        throw new ConflictError('not_removed', 'this pair is not removed from the round (any more)');
      round.exclusions = kept;
      round.revision += 1;
      round.status = RoundStatus.Queued;
      round.progress = 0;
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'round.restored',
        subjectType: 'round',
        subjectId: round.id,
        data: { coacheeId: command.coacheeId, coachId: command.coachId },
      });
      await tem.flush();
      return round;
    });
    await this.producer.afterCommit(`round ${round.id}`, () =>
      this.producer.enqueue(JobName.MatchingRunRound, { roundId: round.id, revision: round.revision }),
    );
    return { revision: round.revision };
  }

  /** The options of these coachees of a round (coachees not in its pool are left out). */
  async options(organizationId: string, roundId: string, coacheeIds: string[]): Promise<CoacheeOptions[]> {
    if (!isUuid(roundId)) throw new NotFoundError('round', roundId.slice(0, 64));
    const wanted = coacheeIds.filter(isUuid);
    if (wanted.length === 0) return [];
    const em = this.em.fork();
    const round = await em.findOne(MatchingRound, { id: roundId, organization: organizationId });
    if (!round) throw new NotFoundError('round', roundId);
    const program = await em.findOneOrFail(Program, { id: round.program.id });
    const pool = await loadProgramPool(em, program, {
      now: this.clock.now(),
      coacheeIds: wanted,
      exclusions: round.exclusions.map((x) => ({ coachee: x.coacheeId, coach: x.coachId })),
    });
    // Capacity does not change a pair's score: every coach is scored, full or not.
    const instance = {
      ...pool.instance,
      pins: [],
      coaches: pool.instance.coaches.map((c) => ({ ...c, capacity: Math.max(1, c.capacity) })),
    };
    // Every pair of these coachees is read, so they are scored into a matrix whatever the pool's size.
    const scored = scoreProgram(instance, { layout: 'dense' });
    const proposals = await rawQuery<{ coach_id: string; coachee_id: string }>(
      em,
      `select coach_id, coachee_id from pairing where round_id = ? and status = 'proposed'`,
      [round.id],
    );
    const proposedWith = new Map(proposals.map((p) => [p.coachee_id, p.coach_id]));
    const taken = new Map<string, number>();
    for (const p of proposals) taken.set(p.coach_id, (taken.get(p.coach_id) ?? 0) + 1);

    return instance.coachees.map((coachee, i) => {
      const currentCoach = proposedWith.get(coachee.id) ?? null;
      const options = instance.coaches.map((coach, k): CoachOption => {
        const weight = pairWeightOf(scored.pairs, i, k);
        const score = weight >= 0 ? weight / SCORE_SCALE : null;
        return {
          coachId: coach.id,
          name: coach.name ?? coach.id,
          score,
          ruledOut: score === null ? (pairViolation(scored.context, i, k) ?? 'below-min-score') : null,
          freePlaces: Math.max(0, (pool.free.get(coach.id) ?? 0) - (taken.get(coach.id) ?? 0)),
          breakdown: score === null ? null : explainPair(scored.context, i, k, score),
          current: currentCoach === coach.id,
        };
      });
      const others = options
        .filter((o) => !o.current)
        .sort(
          (a, b) =>
            (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name) || a.coachId.localeCompare(b.coachId),
        );
      return {
        coacheeId: coachee.id,
        name: coachee.name ?? coachee.id,
        current: options.find((o) => o.current) ?? null,
        others,
      };
    });
  }
}

/** How an alternative compares with the proposed pair, in words ("skills 12.0 points less; no free place"). */
export function whyLower(
  option: CoachOption,
  current: CoachOption | null,
  reasonText: (code: string) => string,
): string {
  if (option.ruledOut) return `Not allowed: ${reasonText(option.ruledOut)}.`;
  const parts: string[] = [];
  if (current?.breakdown && option.breakdown) {
    const gap = (current.score ?? 0) - (option.score ?? 0);
    const losses = option.breakdown.terms
      .map((t) => ({
        term: t.term,
        less: (current.breakdown!.terms.find((c) => c.term === t.term)?.points ?? 0) - t.points,
      }))
      .filter((l) => l.less >= 0.05)
      .sort((a, b) => b.less - a.less)
      .map((l) => `${TERM_WORDS[l.term] ?? l.term} ${l.less.toFixed(1)} points less`);
    if (gap > 0.0005)
      parts.push(
        `${gap.toFixed(1)} points below the proposed coach${losses.length > 0 ? `: ${losses.join(', ')}` : ''}`,
      );
    else if (gap < -0.0005)
      parts.push(`${(-gap).toFixed(1)} points above the proposed coach (the round gave this coach’s places to others)`);
    else parts.push('as good as the proposed coach');
  }
  if (option.freePlaces === 0) parts.push('no free place left in this round');
  return parts.length > 0 ? `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) : '';
}

const TERM_WORDS: Record<string, string> = {
  skills: 'skills fit',
  effectiveness: 'feedback',
  timezone: 'time zones',
  language: 'language',
  level: 'seniority',
};
