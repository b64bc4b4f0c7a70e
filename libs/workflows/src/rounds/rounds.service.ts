import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  AuditEvent,
  Clock,
  ConflictError,
  DomainError,
  isUuid,
  LIVE_PAIRING_STATUSES,
  MatchingRound,
  NotFoundError,
  PairingEvent,
  PairingStatus,
  pairingStatusSql,
  Program,
  rawQuery,
  type RoundOverride,
  RoundStatus,
  type ScoreBreakdown,
  ValidationError,
} from '@tandem/domain';
import { formatResult, MatchingError, type Objective, type PairRef, scoreProgram, solve } from '@tandem/matching';
import { JobName, JobProducer } from '@tandem/queues';
import { z } from 'zod';
import { sendAfterCommit } from '../after-commit';
import { OffersService } from '../pairing/offers.service';
import { transitionPairings } from '../pairing/pairing-status';
import { type OfferDraft, writeOffers } from '../pairing/offer-writer';
import { markWaitlistDue, queueWaitlist, type WaitlistDue } from '../pairing/waitlist';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import type { Actor } from '../programs/programs.service';
import { ProgramsService } from '../programs/programs.service';
import { parseCommand } from '../validation';
import { checkPair, loadProgramPool } from './program-pool';
import { storeProposals } from './proposal-writer';

/** A round as the API shows it. */
export interface RoundView {
  id: string;
  programId: string;
  status: RoundStatus;
  progress: number;
  phase: string | null;
  objective: string;
  revision: number;
  matched: number | null;
  unmatched: number | null;
  totalScore: number | null;
  lowestScore: number | null;
  stats: MatchingRound['stats'];
  unmatchedCoachees: { coacheeId: string; name: string; reason: string }[];
  pins: RoundOverride[];
  exclusions: RoundOverride[];
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  publishedAt: Date | null;
}

/** The body of a pin, an exclusion and a restore: the pair and the round revision the admin saw. */
export const pairOverrideSchema = z
  .object({ coacheeId: z.uuid(), coachId: z.uuid(), revision: z.number().int().min(1) })
  .strict();
/** The body of an unpin: the round revision the admin saw. */
export const roundRevisionSchema = z.object({ revision: z.number().int().min(1) }).strict();

/** A proposal as a round's review lists it. */
export interface ProposalItem {
  id: string;
  status: string;
  score: number;
  pinned: boolean;
  breakdown: ScoreBreakdown;
  coach: { id: string; name: string; email: string };
  coachee: { id: string; name: string; email: string };
}

/** Rounds: launch, solve (the `matching.run-round` job), review with pins and exclusions, publish. */
@Injectable()
export class RoundsService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
    private readonly offers: OffersService,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** Launches a round; one round at a time per program. An unpublished earlier round is superseded. */
  async launch(actor: Actor, programId: string): Promise<RoundView> {
    const em = this.em.fork();
    const round = await em.transactional(async (tem) => {
      const program = await this.programs.find(tem, actor.organizationId, programId, true);
      const running = await tem.findOne(MatchingRound, {
        program,
        status: { $in: [RoundStatus.Queued, RoundStatus.Running] },
      });
      if (running)
        throw new ConflictError(
          'round_running',
          `round ${running.id} of this program is still running; wait for it to finish`,
        );
      await transitionPairings(
        tem,
        PairingEvent.Withdraw,
        { where: 'pr.program_id = ?', bindings: [program.id] },
        { now: this.clock.now() },
      );
      await rawQuery(
        tem,
        `update matching_round set status = 'superseded' where program_id = ? and status = 'proposed'`,
        [program.id],
      );
      const created = tem.create(MatchingRound, {
        organization: actor.organizationId,
        program,
        objective: program.policy.objective,
      });
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'round.launched',
        subjectType: 'round',
        subjectId: created.id,
      });
      await tem.flush();
      return created;
    });
    await this.queueSolve(round.id, round.revision);
    return this.get(actor.organizationId, round.id);
  }

  async get(organizationId: string, roundId: string): Promise<RoundView> {
    const round = await this.find(this.em.fork(), organizationId, roundId);
    const names = new Map<string, string>();
    if (round.unmatched.length > 0) {
      const rows = await rawQuery<{ id: string; name: string }>(
        this.em.fork(),
        `select e.id, p.name from enrollment e join person p on p.id = e.person_id where e.id = any(?::uuid[])`,
        [round.unmatched.map((u) => u.coacheeId)],
      );
      for (const row of rows) names.set(row.id, row.name);
    }
    return toRoundView(round, names);
  }

  /** Lists a program's rounds, newest first. */
  async list(organizationId: string, programId: string): Promise<{ items: RoundView[] }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, programId);
    const rounds = await em.find(MatchingRound, { program }, { orderBy: { createdAt: 'desc' }, limit: 50 });
    return { items: rounds.map((r) => toRoundView(r, new Map())) };
  }

  /** The proposals of a round with their scores and breakdowns, best first. */
  async proposals(organizationId: string, roundId: string) {
    const em = this.em.fork();
    const round = await this.find(em, organizationId, roundId);
    const items = await rawQuery<ProposalItem>(
      em,
      `select pr.id, pr.status, pr.score, pr.pinned, pr.breakdown,
              json_build_object('id', ce.id, 'name', cp.name, 'email', cp.email) as coach,
              json_build_object('id', ee.id, 'name', ep.name, 'email', ep.email) as coachee
         from pairing pr
         join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
        where pr.round_id = ?
        order by pr.score desc, ep.name, pr.id`,
      [round.id],
    );
    return { roundId: round.id, status: round.status, revision: round.revision, items };
  }

  /** The `matching.run-round` job: snapshot, score, solve, store proposals. Running it twice stores them once. */
  async run(roundId: string, revision: number): Promise<'done' | 'skipped'> {
    const em = this.em.fork();
    const claimed = await rawQuery<{ id: string }>(
      em,
      `update matching_round set status = 'running', progress = 0.05, phase = 'loading the pool', error = null
        where id = ? and revision = ? and status in ('queued', 'running') returning id`,
      [roundId, revision],
    );
    if (claimed.length === 0) return 'skipped';
    const round = await em.findOneOrFail(MatchingRound, { id: roundId }, { populate: ['program'] });
    const program = round.program.getEntity();
    const now = this.clock.now();
    const loadStarted = performance.now();
    const pool = await loadProgramPool(em, program, {
      now,
      pins: round.pins.map(toPairRef),
      exclusions: round.exclusions.map(toPairRef),
    });
    const loadMs = performance.now() - loadStarted;
    await this.progress(roundId, revision, 0.2, 'scoring pairs');
    const t0 = performance.now();
    const scored = scoreProgram(pool.instance);
    const t1 = performance.now();
    await this.progress(roundId, revision, 0.5, 'solving');
    let solution: ReturnType<typeof solve>;
    try {
      solution = solve(scored.pairs, {
        objective: round.objective as Objective,
        minScore: pool.instance.policy.minScore,
        pins: pool.instance.pins.filter((p) => pool.free.has(p.coach) && pool.people.has(p.coachee)),
      });
    } catch (err) {
      // The pool changed under the admin's pins (a coach's capacity lowered, say): retrying cannot help.
      if (!(err instanceof MatchingError)) throw err;
      await rawQuery(
        em,
        `update matching_round set status = 'failed', phase = null, error = ?, finished_at = ? where id = ? and revision = ?`,
        [err.message, this.clock.now(), roundId, revision],
      );
      return 'done';
    }
    const t2 = performance.now();
    // A large pool is scored row by row inside the solve (ScoredPairs.rows): that time counts as scoring.
    const rowsMs = scored.pairs.rows?.ms ?? 0;
    // Breakdowns are explained while the proposals are written (storeProposals), not all up front.
    const result = formatResult(scored.pairs, solution, null, {
      scoringMs: t1 - t0 + rowsMs,
      solveMs: t2 - t1 - rowsMs,
    });
    await this.progress(roundId, revision, 0.8, 'storing proposals');

    const stored = await em.transactional(async (tem) => {
      const [current] = await rawQuery<{ status: string; revision: number }>(
        tem,
        `select status, revision from matching_round where id = ? for update`,
        [roundId],
      );
      if (current.status !== 'running' || current.revision !== revision) return false;
      await rawQuery(
        tem,
        `delete from pairing where round_id = ? and status in ${pairingStatusSql(PairingStatus.Proposed)}`,
        [roundId],
      );
      const storeStarted = performance.now();
      await storeProposals(
        tem,
        { organizationId: program.organization.id, programId: program.id, roundId },
        scored,
        solution,
      );
      const stats = {
        coachees: result.stats.coachees,
        coaches: result.stats.coaches,
        matched: result.matched,
        unmatched: result.unmatched.length,
        totalScore: result.totalScore,
        lowestScore: result.stats.lowestScore,
        scoringMs: Math.round(result.stats.scoringMs),
        solveMs: Math.round(result.stats.solveMs),
        allowedPairs: result.stats.allowedPairs,
        loadMs: Math.round(loadMs),
        storeMs: Math.round(performance.now() - storeStarted),
      };
      await rawQuery(
        tem,
        `update matching_round set status = 'proposed', progress = 1, phase = null, stats = ?::jsonb, unmatched = ?::jsonb, finished_at = ? where id = ?`,
        [
          JSON.stringify(stats),
          JSON.stringify(result.unmatched.map((u) => ({ coacheeId: u.coachee, reason: u.reason }))),
          this.clock.now(),
          roundId,
        ],
      );
      await recordRoundEvent(
        tem,
        'round.proposed',
        roundId,
        { matched: result.matched, unmatched: result.unmatched.length },
        this.clock.now(),
      );
      return true;
    });
    if (stored && program.autoPublish)
      await this.publish({ organizationId: program.organization.id, actor: 'system' }, roundId);
    return stored ? 'done' : 'skipped';
  }

  /** Pins a coachee to a coach (a swap when another coach was proposed), checked against the rules and capacity. */
  async pin(actor: Actor, roundId: string, input: unknown): Promise<RoundView> {
    const command = parseCommand(pairOverrideSchema, input);
    // The pool is read with this pin, so a former pair (never proposed on its own) can be brought together on purpose.
    const pin = { coachee: command.coacheeId, coach: command.coachId };
    return this.override(
      actor,
      roundId,
      command.revision,
      'round.pinned',
      command,
      async (round, pool) => {
        if (!pool.people.has(command.coacheeId) || !pool.instance.coachees.some((c) => c.id === command.coacheeId)) {
          throw new ValidationError('this coachee is not in the round’s pool', [
            { field: 'coacheeId', message: 'is not a coachee waiting for a coach in this program' },
          ]);
        }
        if (!pool.free.has(command.coachId))
          throw new ValidationError('this coach is not in the program', [
            { field: 'coachId', message: 'is not an active coach of this program' },
          ]);
        const check = checkPair(pool.instance, command.coacheeId, command.coachId);
        if (!check.allowed)
          throw new DomainError('conflict', 'pair_not_allowed', `this pair breaks a rule: ${check.reason}`, {
            reason: check.reason,
          });
        const pins = round.pins.filter((p) => p.coacheeId !== command.coacheeId);
        const used = pins.filter((p) => p.coachId === command.coachId).length;
        if (used >= (pool.free.get(command.coachId) ?? 0)) {
          throw new DomainError(
            'conflict',
            'coach_full',
            'this coach has no free capacity left for another pinned coachee',
            { reason: 'no-capacity' },
          );
        }
        round.pins = [...pins, { coacheeId: command.coacheeId, coachId: command.coachId }];
        round.exclusions = round.exclusions.filter(
          (x) => !(x.coacheeId === command.coacheeId && x.coachId === command.coachId),
        );
      },
      [pin],
    );
  }

  /** Removes a pin. */
  async unpin(actor: Actor, roundId: string, coacheeId: string, input: unknown): Promise<RoundView> {
    const command = parseCommand(roundRevisionSchema, input);
    return this.override(actor, roundId, command.revision, 'round.unpinned', { coacheeId }, async (round) => {
      if (!round.pins.some((p) => p.coacheeId === coacheeId))
        throw new NotFoundError('pin for coachee', coacheeId.slice(0, 64));
      round.pins = round.pins.filter((p) => p.coacheeId !== coacheeId);
    });
  }

  /** Removes a proposed pair: it is excluded and the rest is solved again around the pins. */
  async exclude(actor: Actor, roundId: string, input: unknown): Promise<RoundView> {
    const command = parseCommand(pairOverrideSchema, input);
    return this.override(actor, roundId, command.revision, 'round.excluded', command, async (round) => {
      round.exclusions = [
        ...round.exclusions.filter((x) => !(x.coacheeId === command.coacheeId && x.coachId === command.coachId)),
        { coacheeId: command.coacheeId, coachId: command.coachId },
      ];
      round.pins = round.pins.filter((p) => !(p.coacheeId === command.coacheeId && p.coachId === command.coachId));
    });
  }

  /** Publishes: every proposal becomes an offer to its coach, with its email, in one transaction. */
  async publish(actor: Actor, roundId: string): Promise<RoundView> {
    const em = this.em.fork();
    const outcome = await em.transactional(async (tem) => {
      const round = await this.find(tem, actor.organizationId, roundId, true);
      if (round.status === RoundStatus.Published)
        throw new ConflictError('round_published', 'this round was published already');
      if (round.status !== RoundStatus.Proposed)
        throw new ConflictError(
          'round_not_ready',
          `a round can be published once it is proposed; it is ${round.status}`,
        );
      const program = await tem.findOneOrFail(
        Program,
        { id: round.program.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      // A coachee re-matched since the round ran keeps that pairing; their proposal is withdrawn. So is a proposal whose
      // coach or coachee left the pool while the round solved (paused, withdrawn, graduated): nobody is offered them.
      const now = this.clock.now();
      const withdrawn = await transitionPairings<{ coachee_id: string }>(
        tem,
        PairingEvent.Withdraw,
        {
          where: `pr.round_id = ? and (exists (select 1 from pairing x where x.coachee_id = pr.coachee_id and x.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
                    or exists (select 1 from enrollment z where z.id in (pr.coach_id, pr.coachee_id) and z.status <> 'active'))`,
          bindings: [round.id],
        },
        { now, returning: 'pr.coachee_id' },
      );
      // A coachee still in the pool whose proposed coach left waits for the next free place, as the round's unmatched do.
      let waitlist: WaitlistDue[] = [];
      if (withdrawn.length > 0) {
        const waiting = await rawQuery(
          tem,
          `update enrollment e set unmatched_reason = 'coach-left', updated_at = now()
            where e.id = any(?::uuid[]) and e.status = 'active'
              and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})
            returning e.id`,
          [withdrawn.map((w) => w.coachee_id)],
        );
        if (waiting.length > 0) waitlist = await markWaitlistDue(tem, [program.id], now);
      }
      const drafts = await transitionPairings<{
        pairing_id: string;
        coach_email: string;
        coach_name: string;
        coach_timezone: string;
        coachee_name: string;
        goals: string | null;
        breakdown: ScoreBreakdown;
      }>(
        tem,
        PairingEvent.Publish,
        {
          where:
            'pr.round_id = ? and ce.id = pr.coach_id and cp.id = ce.person_id and ee.id = pr.coachee_id and ep.id = ee.person_id',
          bindings: [round.id],
        },
        {
          now,
          from: 'enrollment ce, person cp, enrollment ee, person ep',
          returning: `pr.id as pairing_id, cp.email as coach_email, cp.name as coach_name, cp.timezone as coach_timezone,
                      ep.name as coachee_name, ee.goals, pr.breakdown`,
        },
      );
      const written = await writeOffers(
        tem,
        {
          organizationId: actor.organizationId,
          programName: program.name,
          skills: program.skills,
          offerTtl: program.offerTtl,
          appSecret: this.config.appSecret,
          now: this.clock.now(),
        },
        drafts.map((d): OfferDraft => ({
          pairingId: d.pairing_id,
          coachEmail: d.coach_email,
          coachName: d.coach_name,
          coachTimezone: d.coach_timezone,
          coacheeName: d.coachee_name,
          goals: d.goals,
          breakdown: d.breakdown,
        })),
      );
      // The coachees the round left unmatched go on the waiting list: offered the first free place that fits them.
      await rawQuery(
        tem,
        `update enrollment e set unmatched_reason = u.reason, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as u("coacheeId" uuid, reason text)
          where e.id = u."coacheeId" and e.status = 'active' and e.unmatched_reason is distinct from u.reason
            and not exists (select 1 from pairing l where l.coachee_id = e.id and l.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)})`,
        [JSON.stringify(round.unmatched)],
      );
      round.status = RoundStatus.Published;
      round.publishedAt = this.clock.now();
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'round.published',
        subjectType: 'round',
        subjectId: round.id,
        data: { offers: drafts.length },
      });
      await tem.flush();
      await recordRoundEvent(tem, 'round.published', round.id, { offers: drafts.length }, round.publishedAt);
      return { ...written, programId: program.id, offers: drafts.length, waitlist };
    });
    await sendAfterCommit(this.producer, `offer jobs of round ${roundId}`, outcome.messageIds, async () => {
      if (outcome.offers > 0)
        await this.offers.scheduleOfferJobs(outcome.programId, outcome.expiresAt, outcome.remindAt);
      await queueWaitlist(this.producer, outcome.waitlist);
    });
    return this.get(actor.organizationId, roundId);
  }

  private async override(
    actor: Actor,
    roundId: string,
    revision: number,
    action: string,
    data: Record<string, unknown>,
    change: (round: MatchingRound, pool: Awaited<ReturnType<typeof loadProgramPool>>) => Promise<void>,
    pins: PairRef[] = [],
  ): Promise<RoundView> {
    const em = this.em.fork();
    const round = await em.transactional(async (tem) => {
      const round = await this.find(tem, actor.organizationId, roundId, true);
      if (round.status === RoundStatus.Published)
        throw new ConflictError('round_published', 'a published round cannot be changed');
      if (round.revision !== revision) {
        throw new ConflictError(
          'stale_revision',
          `someone changed this round meanwhile (revision ${round.revision}, you sent ${revision}); reload it`,
        );
      }
      if (round.status !== RoundStatus.Proposed)
        throw new ConflictError('round_not_ready', `a round can be changed once it is proposed; it is ${round.status}`);
      const program = await tem.findOneOrFail(Program, { id: round.program.id });
      const coacheeIds = (
        await rawQuery<{ coachee_id: string }>(
          tem,
          `select coachee_id from pairing where round_id = ? and status in ${pairingStatusSql(PairingStatus.Proposed)}`,
          [round.id],
        )
      ).map((r) => r.coachee_id);
      const pool = await loadProgramPool(tem, program, {
        now: this.clock.now(),
        coacheeIds: [...coacheeIds, ...round.unmatched.map((u) => u.coacheeId)],
        exclusions: round.exclusions.map(toPairRef),
        pins: [...round.pins.map(toPairRef), ...pins],
      });
      await change(round, pool);
      round.revision += 1;
      round.status = RoundStatus.Queued;
      round.progress = 0;
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action,
        subjectType: 'round',
        subjectId: round.id,
        data,
      });
      await tem.flush();
      return round;
    });
    await this.queueSolve(round.id, round.revision);
    return this.get(actor.organizationId, round.id);
  }

  private async queueSolve(roundId: string, revision: number): Promise<void> {
    await this.producer.afterCommit(`round ${roundId}`, () =>
      this.producer.enqueue(JobName.MatchingRunRound, { roundId, revision }),
    );
  }

  private async progress(roundId: string, revision: number, progress: number, phase: string): Promise<void> {
    await rawQuery(
      this.em.fork(),
      `update matching_round set progress = ?, phase = ? where id = ? and revision = ? and status = 'running'`,
      [progress, phase, roundId, revision],
    );
  }

  private async find(em: EntityManager, organizationId: string, roundId: string, lock = false): Promise<MatchingRound> {
    if (!isUuid(roundId)) throw new NotFoundError('round', roundId.slice(0, 64));
    const round = await em.findOne(
      MatchingRound,
      { id: roundId, organization: organizationId },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!round) throw new NotFoundError('round', roundId);
    return round;
  }
}

const toPairRef = (o: RoundOverride) => ({ coachee: o.coacheeId, coach: o.coachId });

function toRoundView(round: MatchingRound, names: Map<string, string>): RoundView {
  return {
    id: round.id,
    programId: round.program.id,
    status: round.status,
    progress: round.progress,
    phase: round.phase ?? null,
    objective: round.objective,
    revision: round.revision,
    matched: round.stats?.matched ?? null,
    unmatched: round.stats?.unmatched ?? null,
    totalScore: round.stats?.totalScore ?? null,
    lowestScore: round.stats?.lowestScore ?? null,
    stats: round.stats ?? null,
    unmatchedCoachees: round.unmatched.map((u) => ({
      coacheeId: u.coacheeId,
      name: names.get(u.coacheeId) ?? '',
      reason: u.reason,
    })),
    pins: round.pins,
    exclusions: round.exclusions,
    error: round.error ?? null,
    createdAt: round.createdAt,
    finishedAt: round.finishedAt ?? null,
    publishedAt: round.publishedAt ?? null,
  };
}

/** A round's webhook event: its id, its program and its counts. */
function recordRoundEvent(
  em: EntityManager,
  type: 'round.proposed' | 'round.published',
  roundId: string,
  counts: Record<string, number>,
  now: Date,
) {
  return recordWebhookEvents(
    em,
    type,
    `select organization_id, jsonb_build_object('roundId', id, 'programId', program_id) || ?::jsonb as data from matching_round where id = ?`,
    [JSON.stringify(counts), roundId],
    now,
  );
}
