import { MatchingError } from '../errors';
import { Objective, SCORE_SCALE, ScoredPairs, SolveOptions, SolveStats, SolverEngine } from '../types';

/** Default number of candidate coaches per coachee before the dual check. */
export const DEFAULT_CANDIDATES = 16;

/** Default number of candidate coachees per capacity unit of a coach (first shortlist of the slots and simplex engines). */
export const DEFAULT_COACH_CANDIDATES = 8;

/** Shortlist sizes when capacity is scarce and rows are long (see capacityBound). */
const SCARCE_CANDIDATES = 8;
const SCARCE_COACH_CANDIDATES = 32;
const SCARCE_ROW_LENGTH = 1000;

/** Slots engine: pairs within this many score points of violating the duals join the next round too. */
export const DEFAULT_SLACK = 1;

/** Slots engine: most pairs added per coachee after one dual check. */
export const DEFAULT_SLACK_LIMIT = 16;

/** Candidate pairs by coachee: coachee i's are coach/weight[start[i] .. start[i + 1] - 1]. */
export type Rows = { start: Int32Array; coach: Int32Array; weight: Int32Array };

/** Rounds of the flow and slots engines before they solve on every usable pair. */
export const MAX_ROUNDS = 12;

// Costs, distances and potentials must stay exact integers in a float64.
export const SAFE = 2 ** 53;

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ranks of ids in code-unit order: the deterministic tie-break of the whole solver. */
function rankById(ids: readonly string[]): Int32Array {
  const idx = Array.from(ids.keys()).sort((x, y) => compareIds(ids[x], ids[y]) || x - y);
  const rank = new Int32Array(ids.length);
  idx.forEach((i, r) => (rank[i] = r));
  return rank;
}

/**
 * A pool scored by `rows` keeps, per pair, only its weight halved (`w >> 1`, two bytes; FORBIDDEN_BUCKET where the
 * pair is forbidden): the weight is then known to within BUCKET_WIDTH, and pricing scores a pair again only when
 * that bound leaves it a chance to enter (see CoachBlocks.priceRow).
 */
export const BUCKET_WIDTH = 2;
export const FORBIDDEN_BUCKET = 0xffff;

/**
 * One pool being solved: the validated input (sizes, capacity left after pins, exclusions, id ranks), the options,
 * and the row access every engine shares (a coachee's weights over all coaches, its usable pairs). The engines
 * (flow.ts, slots.ts, simplex.ts) and the shortlists (shortlist.ts) read it; it is internal to the solver.
 */
export class Pool {
  readonly n: number;
  readonly m: number;
  readonly objective: Objective;
  readonly minWeight: number;
  readonly capLeft: Int32Array;
  readonly pinnedCoach: Int32Array;
  readonly pinnedWeight: Int32Array;
  readonly coacheeRank: Int32Array;
  readonly coachRank: Int32Array;
  readonly exclStart: Int32Array;
  readonly exclCoach: Int32Array;
  readonly candidatesPerCoachee: number;
  readonly engine: SolverEngine;
  readonly coachCandidates: number;
  // Scratch row: the usable pairs of one coachee, filled by loadRow.
  readonly rowCoach: Int32Array;
  readonly rowWeight: Int32Array;
  readonly excludedMark: Uint8Array;
  readonly stats: SolveStats;
  readonly slack: number;
  readonly slackLimit: number;
  readonly warmStart: boolean;
  markScratch: Uint8Array | null = null;
  /** Usable pairs counted by the latest topCandidates pass. */
  lastAllowed = 0;
  /** A `rows` pool: the row fullRow scored last, and each pair's bound bucket (BUCKET_WIDTH), filled as rows are scored. */
  readonly scratch: Int32Array;
  readonly bucket: Uint16Array | null = null;
  readonly bucketDone: Uint8Array | null = null;
  /**
   * A `rows` pool keeps each row's buckets in this coach order (position -> coach; coachPos is its inverse), so
   * that the simplex engine's blocks (blocks.ts) hold coaches of like potential. The identity until the engine sets it.
   */
  coachAt: Int32Array;
  coachPos: Int32Array;
  /** The array fullRow's row is in (dense, or scratch). */
  rowData: Int32Array;

  constructor(
    readonly problem: ScoredPairs,
    options: SolveOptions,
  ) {
    const n = problem.coacheeIds.length;
    const m = problem.coachIds.length;
    if (problem.capacities.length !== m)
      throw new MatchingError('invalid-input', 'capacities must have one entry per coach');
    if ((problem.arcs ? 1 : 0) + (problem.dense ? 1 : 0) + (problem.rows ? 1 : 0) !== 1)
      throw new MatchingError('invalid-input', 'exactly one of arcs, dense and rows must be given');
    if (problem.dense && problem.dense.length !== n * m)
      throw new MatchingError('invalid-input', 'dense must hold coachees x coaches weights');
    this.n = n;
    this.m = m;
    this.objective = options.objective ?? 'matched-then-score';
    const minScore = options.minScore ?? 0;
    if (!(minScore >= 0 && minScore <= 100))
      throw new MatchingError('invalid-input', 'minScore must be a number in 0..100');
    this.minWeight = Math.round(minScore * SCORE_SCALE);
    this.candidatesPerCoachee = options.candidates ?? DEFAULT_CANDIDATES;
    this.engine = options.engine ?? 'simplex';
    this.coachCandidates = options.coachCandidates ?? DEFAULT_COACH_CANDIDATES;
    this.warmStart = options.warmStart ?? true;
    this.slack = Math.round((options.slack ?? DEFAULT_SLACK) * SCORE_SCALE);
    this.slackLimit = Math.max(1, options.slackLimit ?? Math.max(DEFAULT_SLACK_LIMIT, this.candidatesPerCoachee));
    this.coacheeRank = rankById(problem.coacheeIds);
    this.coachRank = rankById(problem.coachIds);
    this.rowCoach = new Int32Array(m);
    this.rowWeight = new Int32Array(m);
    this.excludedMark = new Uint8Array(m);
    this.scratch = problem.rows ? new Int32Array(m) : new Int32Array(0);
    this.rowData = problem.dense ?? this.scratch;
    this.coachAt = Int32Array.from({ length: m }, (_, k) => k);
    this.coachPos = Int32Array.from(this.coachAt);
    if (problem.rows) {
      this.bucket = new Uint16Array(n * m);
      this.bucketDone = new Uint8Array(n);
    }

    const coacheeIndex = new Map(problem.coacheeIds.map((id, i) => [id, i]));
    const coachIndex = new Map(problem.coachIds.map((id, i) => [id, i]));
    const lookup = (ref: { coachee: string; coach: string }, what: string): [number, number] => {
      const i = coacheeIndex.get(ref.coachee);
      const k = coachIndex.get(ref.coach);
      if (i === undefined) throw new MatchingError('unknown-coachee', `${what} names unknown coachee "${ref.coachee}"`);
      if (k === undefined) throw new MatchingError('unknown-coach', `${what} names unknown coach "${ref.coach}"`);
      return [i, k];
    };

    const excluded = (options.exclusions ?? []).map((e) => lookup(e, 'an exclusion'));
    this.exclStart = new Int32Array(n + 1);
    for (const [i] of excluded) this.exclStart[i + 1]++;
    for (let i = 0; i < n; i++) this.exclStart[i + 1] += this.exclStart[i];
    this.exclCoach = new Int32Array(excluded.length);
    const fill = this.exclStart.slice(0, n);
    for (const [i, k] of excluded) this.exclCoach[fill[i]++] = k;

    this.capLeft = Int32Array.from(problem.capacities, (c) => Math.min(c, n));
    this.pinnedCoach = new Int32Array(n).fill(-1);
    this.pinnedWeight = new Int32Array(n).fill(-1);
    for (const pin of options.pins ?? []) {
      const [i, k] = lookup(pin, 'a pin');
      if (this.pinnedCoach[i] >= 0) throw new MatchingError('invalid-pin', `coachee "${pin.coachee}" is pinned twice`);
      const w = this.pairWeight(i, k);
      if (w < 0) throw new MatchingError('invalid-pin', `pinned pair ${pin.coachee}/${pin.coach} is forbidden`);
      if (w < this.minWeight)
        throw new MatchingError('invalid-pin', `pinned pair ${pin.coachee}/${pin.coach} scores under minScore`);
      if (this.isExcluded(i, k))
        throw new MatchingError('invalid-pin', `pinned pair ${pin.coachee}/${pin.coach} is also excluded`);
      if (this.capLeft[k] <= 0)
        throw new MatchingError('invalid-pin', `coach "${pin.coach}" has more pins than capacity`);
      this.capLeft[k]--;
      this.pinnedCoach[i] = k;
      this.pinnedWeight[i] = w;
    }
    if (
      this.engine === 'simplex' &&
      options.candidates === undefined &&
      options.coachCandidates === undefined &&
      this.capacityBound()
    ) {
      this.candidatesPerCoachee = SCARCE_CANDIDATES;
      this.coachCandidates = SCARCE_COACH_CANDIDATES;
    }
    this.stats = {
      coachees: n,
      coaches: m,
      allowedPairs: 0,
      candidatePairs: 0,
      rounds: 0,
      searches: 0,
      threshold: null,
    };
  }

  /**
   * True when capacity is the scarce side (more coachees to place than capacity left) and rows are long (at
   * least SCARCE_ROW_LENGTH coaches per coachee). Then most coachees cannot have one of their own best few
   * coaches, and which coachee fills each unit is what the first shortlist has to get right: its coach side
   * grows and its coachee side shrinks (measured on 10k x 1k-2k program pools: solve ~10-20% faster; on
   * short rows or with spare capacity the default sizes measured faster). Speed only, never the answer.
   */
  capacityBound(): boolean {
    const { n, m, problem } = this;
    const rowLength = problem.dense || problem.rows ? m : problem.arcs ? problem.arcs.coach.length / Math.max(1, n) : 0;
    if (rowLength < SCARCE_ROW_LENGTH) return false;
    let toPlace = 0;
    for (let i = 0; i < n; i++) if (this.pinnedCoach[i] < 0) toPlace++;
    let capacity = 0;
    for (let j = 0; j < m; j++) capacity += this.capLeft[j];
    return toPlace >= capacity;
  }

  pairWeight(i: number, k: number): number {
    const { dense, arcs, rows } = this.problem;
    if (dense) return dense[i * this.m + k];
    if (rows) {
      if (this.bucketDone?.[i] === 1)
        return this.bucket![i * this.m + this.coachPos[k]] === FORBIDDEN_BUCKET ? -1 : rows.allowedWeight(i, k);
      return this.rowData[this.fullRow(i) + k];
    }
    if (!arcs) return -1;
    for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) if (arcs.coach[a] === k) return arcs.weight[a];
    return -1;
  }

  isExcluded(i: number, k: number): boolean {
    for (let e = this.exclStart[i]; e < this.exclStart[i + 1]; e++) if (this.exclCoach[e] === k) return true;
    return false;
  }

  /**
   * Coachee i's weights over every coach (-1 where forbidden) as `rowData[off .. off + m - 1]`; returns off. A
   * dense row is read in place; a `rows` row is scored into the scratch row, and its buckets are kept the first time.
   */
  fullRow(i: number): number {
    const { dense, rows } = this.problem;
    if (dense) {
      this.rowData = dense;
      return i * this.m;
    }
    const { m, scratch, bucket, bucketDone, coachPos } = this;
    rows!.scoreRow(i, scratch, 0);
    this.rowData = scratch;
    if (bucket && bucketDone && bucketDone[i] === 0) {
      const base = i * m;
      for (let k = 0; k < m; k++) {
        const w = scratch[k];
        bucket[base + coachPos[k]] = w < 0 ? FORBIDDEN_BUCKET : w >> 1;
      }
      bucketDone[i] = 1;
    }
    return 0;
  }

  /** Sets the coach order of the buckets (the caller has moved every scored row into it). */
  setCoachOrder(coachAt: Int32Array): void {
    this.coachAt = coachAt;
    for (let x = 0; x < this.m; x++) this.coachPos[coachAt[x]] = x;
  }

  /** Fills rowCoach/rowWeight with coachee i's pairs that are allowed, not excluded, >= minWeight, with room. */
  loadRow(i: number, minWeight: number): number {
    const { dense, arcs, rows } = this.problem;
    const { rowCoach, rowWeight, capLeft, excludedMark, m } = this;
    if (this.pinnedCoach[i] >= 0) return 0;
    const e0 = this.exclStart[i];
    const e1 = this.exclStart[i + 1];
    for (let e = e0; e < e1; e++) excludedMark[this.exclCoach[e]] = 1;
    let len = 0;
    if (dense || rows) {
      const base = this.fullRow(i);
      const data = this.rowData;
      for (let k = 0; k < m; k++) {
        const w = data[base + k];
        if (w < minWeight || capLeft[k] === 0 || excludedMark[k] === 1) continue;
        rowCoach[len] = k;
        rowWeight[len++] = w;
      }
    } else if (arcs) {
      for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) {
        const k = arcs.coach[a];
        const w = arcs.weight[a];
        if (w < minWeight || capLeft[k] === 0 || excludedMark[k] === 1) continue;
        rowCoach[len] = k;
        rowWeight[len++] = w;
      }
    }
    for (let e = e0; e < e1; e++) excludedMark[this.exclCoach[e]] = 0;
    return len;
  }

  /** A zeroed per-coach mark array (all zero again when the caller is done with it). */
  excludedMarkScratch(): Uint8Array {
    if (!this.markScratch) this.markScratch = new Uint8Array(this.m);
    return this.markScratch;
  }
}
