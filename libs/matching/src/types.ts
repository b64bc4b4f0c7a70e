/** The three solver objectives (docs/design.md, Matching model and policy). */
export type Objective = 'matched-then-score' | 'score' | 'maximin-then-score';

export const OBJECTIVES: readonly Objective[] = ['matched-then-score', 'score', 'maximin-then-score'];

/**
 * Why a pair is forbidden, or why a coachee ended unmatched. The order is the precedence used when a
 * pair breaks several rules at once, and the tie-break when two reasons ruled out equally many coaches.
 */
export const REASON_CODES = [
  'same-person',
  'excluded',
  'declined-before',
  'reporting-line',
  'same-department',
  'no-shared-language',
  'timezone-gap',
  'forbidden',
  'below-min-score',
] as const;

/** A reason a pair is forbidden. */
export type PairReason = (typeof REASON_CODES)[number];

/** A reason a coachee is unmatched: a pair reason that ruled out most coaches, or a pool-level one. */
export type UnmatchedReason = PairReason | 'no-capacity' | 'no-coaches';

/** Index of each pair reason in per-coachee counters (`ruledOut[i * REASON_COUNT + r]`). */
export const REASON_INDEX: Readonly<Record<PairReason, number>> = Object.fromEntries(
  REASON_CODES.map((r, i) => [r, i]),
) as Record<PairReason, number>;

export const REASON_COUNT = REASON_CODES.length;

/**
 * Scores are optimised as integers: `weight = round(score * SCORE_SCALE)`, so the optimum is exact on scores
 * rounded to 0.001 (a difference below 0.0005 points is treated as a tie).
 */
export const SCORE_SCALE = 1000;

/** Highest integer weight (a score of 100). */
export const MAX_WEIGHT = 100 * SCORE_SCALE;

/**
 * Every scored pair of a pool. Exactly one of `arcs` (sparse: an unlisted pair is forbidden), `dense`
 * (`dense[i * coachCount + j]`, -1 where forbidden) or `rows` (scored on demand) holds the complete set of
 * allowed pairs. Weights are integer scores scaled by SCORE_SCALE.
 */
export interface ScoredPairs {
  readonly coacheeIds: readonly string[];
  readonly coachIds: readonly string[];
  readonly capacities: Int32Array;
  readonly arcs?: ArcList;
  readonly dense?: Int32Array;
  readonly rows?: PairRows;
  /** Optional counts of forbidden pairs per coachee and reason (`i * REASON_COUNT + REASON_INDEX[r]`). */
  readonly ruledOut?: Uint32Array;
}

/** Pairs scored when asked, a row at a time: a pool too large to hold as `dense`. */
export interface PairRows {
  /** Writes coachee i's weights into `out[off .. off + coachCount - 1]`, -1 where forbidden, exactly as `dense` would hold them. */
  scoreRow(i: number, out: Int32Array, off: number): void;
  /** The weight of pair (i, k) as scoreRow gives it, for a pair scoreRow found allowed (the rules are not checked again). */
  allowedWeight(i: number, k: number): number;
  /** Milliseconds spent in scoreRow so far. */
  readonly ms: number;
}

/** The weight of pair (i, k) of any layout, -1 when forbidden (a row of `rows` is scored for it). */
export function pairWeightOf(pairs: ScoredPairs, i: number, k: number): number {
  const m = pairs.coachIds.length;
  if (pairs.dense) return pairs.dense[i * m + k];
  if (pairs.rows) {
    const row = new Int32Array(m);
    pairs.rows.scoreRow(i, row, 0);
    return row[k];
  }
  const arcs = pairs.arcs;
  if (arcs) for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) if (arcs.coach[a] === k) return arcs.weight[a];
  return -1;
}

/** Pairs in compressed rows by coachee: the arcs of coachee i are `start[i] .. start[i + 1] - 1`. */
export interface ArcList {
  readonly start: Int32Array;
  readonly coach: Int32Array;
  readonly weight: Int32Array;
}

/** A coachee–coach pair named by ids. */
export interface PairRef {
  readonly coachee: string;
  readonly coach: string;
}

/** What to optimise, and the admin's fixed and excluded pairs. */
export interface SolveOptions {
  readonly objective?: Objective;
  /** Pairs kept as they are; their capacity is consumed and the rest is optimised around them. */
  readonly pins?: readonly PairRef[];
  /** Pairs an admin excluded (reason `excluded`). */
  readonly exclusions?: readonly PairRef[];
  /** Pairs under this score (0..100) are forbidden (reason `below-min-score`). */
  readonly minScore?: number;
  /**
   * Candidate coaches kept per coachee in the first solve; the duals then prove optimality over all pairs
   * (or add the violated ones and solve again). 0 solves on every pair at once. Default 16; with the simplex
   * engine, 8 when coachees outnumber the capacity and rows are long (and coachCandidates 32), unless either
   * option is given.
   */
  readonly candidates?: number;
  /**
   * Solver engine, all exact. `simplex` (default): primal network simplex with column generation (prices
   * every pair against the potentials and keeps pivoting from the current basis), then a second phase on the
   * zero-reduced-cost pairs only settles ties (the lowest ids together as far as they allow). `slots` adds
   * the coaches' capacity units one shortest path at a time; `coachees` adds the coachees.
   */
  readonly engine?: SolverEngine;
  /**
   * Slots and simplex engines: each coach also adds its best coachees to the first solve, this many per unit
   * of capacity (0 turns it off; default 8, see candidates). Only speed depends on it, never the answer's value.
   */
  readonly coachCandidates?: number;
  /**
   * Slots engine: after a dual check, pairs whose reduced cost is below this many score points (not only the
   * violated ones, below 0) join the next solve, which saves rounds. Only speed depends on it.
   */
  readonly slack?: number;
  /** Slots engine: most pairs added per coachee after one dual check. */
  readonly slackLimit?: number;
  /**
   * Slots engine: keep the flow and potentials of the previous round and repair only what the added pairs
   * break (default true); false solves every round from scratch. Both are exact.
   */
  readonly warmStart?: boolean;
}

/** Side of the network whose units are added one shortest path at a time (see SolveOptions.engine). */
export type SolverEngine = 'slots' | 'coachees' | 'simplex';

/** The solver's answer by index; `coachOf[i]` is a coach index or -1. */
export interface Solution {
  readonly objective: Objective;
  readonly coachOf: Int32Array;
  /** Integer weight of coachee i's pair, or -1 when unmatched. */
  readonly weightOf: Int32Array;
  readonly pinned: Uint8Array;
  /** Reason per coachee, null when matched. */
  readonly unmatchedReason: readonly (UnmatchedReason | null)[];
  readonly matched: number;
  /** Sum of the integer weights of all pairs (pins included). */
  readonly totalWeight: number;
  readonly stats: SolveStats;
}

/** Counters describing one solve. */
export interface SolveStats {
  coachees: number;
  coaches: number;
  allowedPairs: number;
  candidatePairs: number;
  /** Solves on the candidate pairs before the duals proved optimality over all pairs. */
  rounds: number;
  /** Shortest-path searches that had to look past a coachee's best free coach. */
  searches: number;
  /** Lowest pair score admitted by the maximin objective (null for the other objectives). */
  threshold: number | null;
}
