import { Breakdown, explainPair } from './explain';
import { InstanceError } from './errors';
import { Instance, ProgramInstance } from './instance';
import { parseInstance } from './instance-parser';
import { scoreProgram, ScoringContext } from './scoring';
import { solve } from './solver';
import { Objective, PairRef, SCORE_SCALE, ScoredPairs, Solution, UnmatchedReason } from './types';

/** A proposed pair in the result file. */
export interface ResultPair {
  coachee: string;
  coach: string;
  score: number;
  pinned?: true;
  breakdown?: Breakdown;
}

/** The result shape of docs/design.md (Matching instance files). */
export interface MatchResult {
  pairs: ResultPair[];
  unmatched: { coachee: string; reason: UnmatchedReason }[];
  matched: number;
  totalScore: number;
  objective: Objective;
  stats: {
    solveMs: number;
    scoringMs: number;
    coachees: number;
    coaches: number;
    allowedPairs: number;
    candidatePairs: number;
    rounds: number;
    searches: number;
    lowestScore: number | null;
    threshold: number | null;
  };
}

/** Overrides for solving an instance file. */
export interface SolveInstanceOptions {
  /** Overrides the file's objective. */
  readonly objective?: Objective;
  /** Extra pins and exclusions on top of the file's. */
  readonly pins?: readonly PairRef[];
  readonly exclusions?: readonly PairRef[];
  /** Milliseconds clock used only for `stats` (defaults to performance.now). */
  readonly clock?: () => number;
  /** Include score breakdowns for program instances (default true). */
  readonly explain?: boolean;
  readonly candidates?: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const toScore = (weight: number): number => weight / SCORE_SCALE;

/** Parses, scores (program instances) and solves an instance file; returns the result of docs/design.md. */
export function solveInstance(input: unknown, options: SolveInstanceOptions = {}): MatchResult {
  return solveParsedInstance(parseInstance(input), options);
}

/** Solves an already parsed instance. */
export function solveParsedInstance(instance: Instance, options: SolveInstanceOptions = {}): MatchResult {
  const clock = options.clock ?? (() => performance.now());
  const objective = options.objective ?? instance.objective ?? 'matched-then-score';
  const t0 = clock();
  let pairs: ScoredPairs;
  let context: ScoringContext | null = null;
  let minScore: number;
  if (instance.kind === 'program') {
    const scored = scoreProgram(instance);
    pairs = scored.pairs;
    context = scored.context;
    minScore = instance.policy.minScore;
  } else {
    pairs = instance.pairs;
    minScore = instance.minScore;
  }
  const t1 = clock();
  const solution = solve(pairs, {
    objective,
    minScore,
    candidates: options.candidates,
    pins: [...instance.pins, ...(options.pins ?? [])],
    exclusions: [...(instance.kind === 'scores' ? instance.exclusions : []), ...(options.exclusions ?? [])],
  });
  const t2 = clock();
  return formatResult(pairs, solution, options.explain === false ? null : context, {
    scoringMs: t1 - t0,
    solveMs: t2 - t1,
  });
}

/** Turns a solution into the result shape of docs/design.md (breakdowns when a scoring context is given). */
export function formatResult(
  pairs: ScoredPairs,
  solution: Solution,
  context: ScoringContext | null,
  timing: { scoringMs: number; solveMs: number },
): MatchResult {
  const result: MatchResult = {
    pairs: [],
    unmatched: [],
    matched: solution.matched,
    totalScore: toScore(solution.totalWeight),
    objective: solution.objective,
    stats: {
      solveMs: round2(timing.solveMs),
      scoringMs: round2(timing.scoringMs),
      ...solution.stats,
      lowestScore: null,
    },
  };
  let lowest = Infinity;
  pairs.coacheeIds.forEach((coachee, i) => {
    const k = solution.coachOf[i];
    if (k < 0) {
      result.unmatched.push({ coachee, reason: solution.unmatchedReason[i] ?? 'no-capacity' });
      return;
    }
    const score = toScore(solution.weightOf[i]);
    lowest = Math.min(lowest, score);
    const pair: ResultPair = { coachee, coach: pairs.coachIds[k], score };
    if (solution.pinned[i]) pair.pinned = true;
    if (context) pair.breakdown = explainPair(context, i, k, score);
    result.pairs.push(pair);
  });
  result.stats.lowestScore = Number.isFinite(lowest) ? lowest : null;
  return result;
}

/** Request of the pairing workflow: re-match one coachee against what capacity is left. */
export interface RematchRequest {
  readonly coachee: string;
  /** Remaining capacity per coach id; a coach not listed has none left. */
  readonly remaining: Readonly<Record<string, number>>;
  /** Coaches this coachee must not get again (declined, expired, admin choice). */
  readonly excludedCoaches?: readonly string[];
}

/** The re-match answer: the best available coach with its breakdown, or why there is none. */
export type RematchResult =
  | { coachee: string; coach: string; score: number; breakdown: Breakdown }
  | { coachee: string; coach: null; reason: UnmatchedReason };

/** Best available coach for one coachee of a program against the remaining capacity (ties broken by coach id). */
export function rematchCoachee(instance: ProgramInstance, request: RematchRequest): RematchResult {
  const coachee = instance.coachees.find((e) => e.id === request.coachee);
  if (!coachee) throw new InstanceError('coachee', `"${request.coachee}" is not a coachee of this program`);
  const excluded = new Set(request.excludedCoaches ?? []);
  // Everyone stays in `people`, so the coachee's reporting line resolves exactly as in the full round.
  const people = [
    ...instance.people,
    ...[...instance.coachees, ...instance.coaches].map((p) => ({ id: p.personId, manager: p.manager })),
  ];
  const single: ProgramInstance = {
    ...instance,
    coachees: [coachee],
    coaches: instance.coaches.map((c) => ({ ...c, capacity: Math.max(0, Math.floor(request.remaining[c.id] ?? 0)) })),
    people,
    pins: [],
    exclusions: [
      ...instance.exclusions.filter((x) => x.coachee === coachee.id),
      ...[...excluded]
        .filter((id) => instance.coaches.some((c) => c.id === id))
        .map((coach) => ({ coachee: coachee.id, coach, reason: 'excluded' as const })),
    ],
  };
  const scored = scoreProgram(single);
  const solution = solve(scored.pairs, { objective: 'matched-then-score', minScore: instance.policy.minScore });
  const k = solution.coachOf[0];
  if (k < 0) return { coachee: coachee.id, coach: null, reason: solution.unmatchedReason[0] ?? 'no-capacity' };
  const score = toScore(solution.weightOf[0]);
  return {
    coachee: coachee.id,
    coach: single.coaches[k].id,
    score,
    breakdown: explainPair(scored.context, 0, k, score),
  };
}
