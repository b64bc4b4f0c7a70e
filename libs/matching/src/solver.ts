import { MatchingError } from './errors';
import { maxCardinality } from './max-flow';
import { AssignmentResult, minCostAssignment } from './min-cost-flow';
import { SlotState, stateFromAssignment, warmRepair } from './warm-repair';
import { TIE_LIMIT, TransportSimplex } from './network-simplex';
import {
  MAX_WEIGHT,
  Objective,
  PairReason,
  REASON_CODES,
  REASON_COUNT,
  REASON_INDEX,
  SCORE_SCALE,
  PairRows,
  ScoredPairs,
  Solution,
  SolveOptions,
  SolveStats,
  SolverEngine,
  UnmatchedReason,
} from './types';

/**
 * What one pricing pass keeps of a row: its tight pairs (reduced cost 0, for the tie-break) and its `limit`
 * most violated pairs (most negative reduced cost, ties by lower coach rank) in a bounded max-heap whose root
 * is the worst one kept. A row of an unmatched coachee can violate on most of its pairs; the heap keeps that
 * linear with no per-pair writes.
 */
class RowPicks {
  size = 0;
  tight = 0;
  /** A pair whose reduced cost is above this (and not 0) cannot enter: 0 until the heap is full, then its root's. */
  cut = 0;
  private rootReduced = 0;
  private rootRank = -1;
  readonly coach: Int32Array;
  readonly weight: Int32Array;
  readonly reduced: Float64Array;
  readonly tightCoach: Int32Array;
  readonly tightWeight: Int32Array;

  constructor(
    private readonly limit: number,
    m: number,
    private readonly coachRank: Int32Array,
  ) {
    this.coach = new Int32Array(limit);
    this.weight = new Int32Array(limit);
    this.reduced = new Float64Array(limit);
    this.tightCoach = new Int32Array(m);
    this.tightWeight = new Int32Array(m);
  }

  reset(): void {
    this.size = 0;
    this.tight = 0;
    this.cut = 0;
  }

  /** Offers pair (k, w) of reduced cost <= 0. */
  offer(k: number, w: number, reduced: number): void {
    if (reduced === 0) {
      this.tightCoach[this.tight] = k;
      this.tightWeight[this.tight++] = w;
      return;
    }
    const { coach, weight, coachRank } = this;
    const heapReduced = this.reduced;
    const rk = coachRank[k];
    let size = this.size;
    if (size === this.limit) {
      if (reduced > this.rootReduced || (reduced === this.rootReduced && rk > this.rootRank)) return;
      // Replace the root and sift down (max-heap on (reduced, rank)).
      let p = 0;
      for (;;) {
        let c = 2 * p + 1;
        if (c >= size) break;
        if (c + 1 < size) {
          const ra = heapReduced[c];
          const rb = heapReduced[c + 1];
          if (rb > ra || (rb === ra && coachRank[coach[c + 1]] > coachRank[coach[c]])) c++;
        }
        const rc = heapReduced[c];
        if (!(rc > reduced || (rc === reduced && coachRank[coach[c]] > rk))) break;
        heapReduced[p] = rc;
        coach[p] = coach[c];
        weight[p] = weight[c];
        p = c;
      }
      heapReduced[p] = reduced;
      coach[p] = k;
      weight[p] = w;
    } else {
      let p = size++;
      this.size = size;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        const rp = heapReduced[parent];
        if (!(reduced > rp || (reduced === rp && rk > coachRank[coach[parent]]))) break;
        heapReduced[p] = rp;
        coach[p] = coach[parent];
        weight[p] = weight[parent];
        p = parent;
      }
      heapReduced[p] = reduced;
      coach[p] = k;
      weight[p] = w;
    }
    if (size === this.limit) {
      this.rootReduced = heapReduced[0];
      this.rootRank = coachRank[coach[0]];
      this.cut = this.rootReduced;
    }
  }
}

/** Prices dense row `row[off .. off + m - 1]`: reduced cost of (i, k) is `base - A*w - coachPi[k]`. */
function priceDense(row: Int32Array, off: number, m: number, minWeight: number, base: number, A: number, coachPi: Float64Array, picks: RowPicks): void {
  let cut = 0;
  for (let k = 0; k < m; k++) {
    const w = row[off + k];
    const reduced = base - A * w - coachPi[k];
    if (reduced <= 0 && w >= minWeight && (reduced <= cut || reduced === 0)) {
      picks.offer(k, w, reduced);
      cut = picks.cut;
    }
  }
}

/**
 * A pool scored by `rows` keeps, per pair, only its weight halved (`w >> 1`, two bytes; FORBIDDEN_BUCKET where the
 * pair is forbidden): the weight is then known to within BUCKET_WIDTH, and pricing scores a pair again only when
 * that bound leaves it a chance to enter (see priceBounded).
 */
const BUCKET_WIDTH = 2;
const FORBIDDEN_BUCKET = 0xffff;

/**
 * Prices row i of a `rows` pool from its buckets as priceDense prices a dense row. With w in [lo, lo + 1], the
 * reduced cost lies in [lb, lb + A]: a pair is scored again only when it could enter the row's heap (lb <= cut)
 * or be tight (lb <= 0 <= lb + A). The rest, most pairs of a pass, costs two array reads.
 */
function priceBounded(bucket: Uint16Array, off: number, m: number, minWeight: number, base: number, A: number, coachPi: Float64Array, picks: RowPicks, rows: PairRows, i: number): void {
  let cut = 0;
  for (let k = 0; k < m; k++) {
    const q = bucket[off + k];
    if (q === FORBIDDEN_BUCKET) continue;
    const lb = base - A * (q * BUCKET_WIDTH + 1) - coachPi[k];
    if (lb > cut && (lb > 0 || lb + A < 0)) continue;
    const w = rows.allowedWeight(i, k);
    const reduced = base - A * w - coachPi[k];
    if (reduced <= 0 && w >= minWeight && (reduced <= cut || reduced === 0)) {
      picks.offer(k, w, reduced);
      cut = picks.cut;
    }
  }
}

/** Prices the sparse row of arcs a0 .. a1 - 1 (same reduced cost as priceDense). */
function priceSparse(coach: Int32Array, weight: Int32Array, a0: number, a1: number, minWeight: number, base: number, A: number, coachPi: Float64Array, picks: RowPicks): void {
  let cut = 0;
  for (let a = a0; a < a1; a++) {
    const w = weight[a];
    const k = coach[a];
    const reduced = base - A * w - coachPi[k];
    if (reduced <= 0 && w >= minWeight && (reduced <= cut || reduced === 0)) {
      picks.offer(k, w, reduced);
      cut = picks.cut;
    }
  }
}

/**
 * The second-phase cost of pair (coachee rank r, coach rank c) among equal optima: minus (r + 1)(c + 1), scaled to
 * at most TIE_LIMIT. The least total pairs ranks in the same order as far as the ties allow (the rearrangement
 * inequality), so the lowest ids go together; pairs whose scaled products are equal are left to the pivot order.
 */
function tieBreakCost(n: number, m: number): (r: number, c: number) => number {
  const scale = TIE_LIMIT / (Math.max(1, n) * Math.max(1, m));
  return (r, c) => -Math.round((r + 1) * (c + 1) * scale);
}

/** Default number of candidate coaches per coachee before the dual check. */
export const DEFAULT_CANDIDATES = 16;

/** Default number of candidate coachees per capacity unit of a coach (first shortlist of the slots and simplex engines). */
export const DEFAULT_COACH_CANDIDATES = 8;

/** Simplex engine: columns whose reduced cost exceeds this many weight units (2 score points) x A are dropped after each pricing pass. */
const DROP_SLACK = 2 * SCORE_SCALE;

/** Shortlist sizes when capacity is scarce and rows are long (see capacityBound). */
const SCARCE_CANDIDATES = 8;
const SCARCE_COACH_CANDIDATES = 32;
const SCARCE_ROW_LENGTH = 1000;

/** Slots engine: pairs within this many score points of violating the duals join the next round too. */
export const DEFAULT_SLACK = 1;

/** Slots engine: most pairs added per coachee after one dual check. */
export const DEFAULT_SLACK_LIMIT = 16;

type Rows = { start: Int32Array; coach: Int32Array; weight: Int32Array };

const MAX_ROUNDS = 12;

// Costs, distances and potentials must stay exact integers in a float64.
const SAFE = 2 ** 53;

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ranks of ids in code-unit order: the deterministic tie-break of the whole solver. */
function rankById(ids: readonly string[]): Int32Array {
  const idx = Array.from(ids.keys()).sort((x, y) => compareIds(ids[x], ids[y]) || x - y);
  const rank = new Int32Array(ids.length);
  idx.forEach((i, r) => (rank[i] = r));
  return rank;
}

/**
 * Solves a scored pool exactly for the chosen objective, with pins and exclusions. Pairs are optimised on
 * integer weights (score x SCORE_SCALE), so the optimum is exact on scores rounded to 0.001.
 */
export function solve(problem: ScoredPairs, options: SolveOptions = {}): Solution {
  return new PoolSolver(problem, options).run();
}

/**
 * Each coach's best coachees so far (the coach side of the first shortlist), as a buffer per coach (stored flat: coach j's is [bufferStart[j],
 * bufferStart[j + 1]), twice the `keep[j]` entries it must end with). Entries are appended unsorted; a full
 * buffer is cut back to its best keep[j] by a linear-time selection. That costs a few stores per admitted
 * pair where a heap costs a sift, and a pass over 20M pairs admits over a million.
 * An entry is one number, `weight * RANK_SPAN + (RANK_SPAN - 1 - coachee rank)`: higher is better, and
 * equal weights order by coachee rank (distinct per coach, so entries never tie).
 */
interface CoachLists {
  readonly bufferStart: Int32Array;
  readonly keep: Int32Array;
  readonly entry: Float64Array;
  readonly size: Int32Array;
  /** Lowest weight a coach can still admit (that of its worst kept entry once cut back): a cheap first filter. */
  readonly low: Int32Array;
  /** Coachee index by rank. */
  readonly coacheeAt: Int32Array;
}

/** Coachee ranks fit below this in a coach-buffer entry (and weight * RANK_SPAN stays an exact integer). */
const RANK_SPAN = 2 ** 24;

/** Reorders `a[lo .. lo + count - 1]` (distinct values) so that its `keep` largest come first, in expected linear time. */
function selectLargest(a: Float64Array, lo: number, count: number, keep: number): void {
  let left = lo;
  let right = lo + count - 1;
  const target = lo + keep - 1;
  while (left < right) {
    const x = a[left];
    const y = a[(left + right) >> 1];
    const z = a[right];
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) right = j;
    else if (target >= i) left = i;
    else return;
  }
}

/** Cuts coach j's buffer back to its best keep[j] entries and raises low[j] to the worst kept weight. */
function cutBack(lists: CoachLists, j: number): void {
  const { bufferStart, keep, entry, size, low } = lists;
  const b0 = bufferStart[j];
  const h = keep[j];
  selectLargest(entry, b0, size[j], h);
  size[j] = h;
  let worst = entry[b0];
  for (let y = b0 + 1; y < b0 + h; y++) if (entry[y] < worst) worst = entry[y];
  low[j] = Math.floor(worst / RANK_SPAN);
}

/** Sorts `a[0 .. size - 1]` ascending in place: for the few entries of one row, cheaper than TypedArray sort. */
function insertionSort(a: Int32Array, size: number): void {
  for (let z = 1; z < size; z++) {
    const v = a[z];
    let y = z - 1;
    while (y >= 0 && a[y] > v) {
      a[y + 1] = a[y];
      y--;
    }
    a[y + 1] = v;
  }
}

/**
 * The first shortlist pass over the dense rows read in place: keeps each row's `k` best pairs (weight
 * descending, then coach rank) as row positions in `heap`, offers every usable pair to the coaches' lists, and
 * counts the usable pairs. Most pairs fail both cheap threshold tests (`rowLow`, `low[x]`), so the pass over
 * 20M pairs stays a tight loop; the row heap and the coach lists see only the few pairs that pass.
 */
class Shortlister {
  readonly heap: Int32Array;
  private readonly heapWeight: Int32Array;
  private readonly heapRank: Int32Array;
  size = 0;
  allowed = 0;
  private rowLow = 0;
  private rootRank = -1;
  private ri = 0;
  private readonly low: Int32Array;

  constructor(
    private readonly k: number,
    private readonly minWeight: number,
    private readonly coachRank: Int32Array,
    private readonly coacheeRank: Int32Array,
    private readonly lists: CoachLists | null,
    m: number,
  ) {
    this.heap = new Int32Array(k);
    this.heapWeight = new Int32Array(k);
    this.heapRank = new Int32Array(k);
    // Without coach lists no pair passes the coach test.
    this.low = lists ? lists.low : new Int32Array(m).fill(MAX_WEIGHT + 1);
    if (lists) for (let j = 0; j < m; j++) if (this.low[j] < minWeight) this.low[j] = minWeight;
  }

  private begin(i: number): void {
    this.size = 0;
    this.rowLow = this.k > 0 ? this.minWeight : MAX_WEIGHT + 1;
    this.rootRank = -1;
    this.ri = this.coacheeRank[i];
  }

  /** Dense row: pair x is coach x. Returns the number of pairs kept in `heap`. */
  denseRow(i: number, row: Int32Array, off: number, m: number): number {
    this.begin(i);
    const { low, minWeight } = this;
    let rowLow = this.rowLow;
    let allowed = 0;
    for (let x = 0; x < m; x++) {
      const w = row[off + x];
      // Branch-free count: a third of the pairs are forbidden, in no pattern a predictor could learn.
      allowed += 1 - ((w - minWeight) >>> 31);
      if (w >= low[x]) this.offerCoach(x, w);
      if (w >= rowLow) rowLow = this.offerRow(x, x, w);
    }
    this.allowed += allowed;
    return this.size;
  }

  /**
   * Offers pair x (coach j, weight w) to the row heap, a min-heap whose root is the worst pair kept (lowest
   * weight, then highest coach rank); weight and rank sit beside each position, so sifting reads no row.
   * Returns the new rowLow.
   */
  private offerRow(x: number, j: number, w: number): number {
    const { heap, heapWeight, heapRank, k } = this;
    const rj = this.coachRank[j];
    let size = this.size;
    if (size === k) {
      // w >= rowLow = the root's weight: only an equal weight with a higher rank loses.
      if (w === this.rowLow && rj > this.rootRank) return this.rowLow;
      let p = 0;
      for (;;) {
        let c = 2 * p + 1;
        if (c >= size) break;
        // Move to the worse child.
        if (c + 1 < size && (heapWeight[c + 1] < heapWeight[c] || (heapWeight[c + 1] === heapWeight[c] && heapRank[c + 1] > heapRank[c]))) c++;
        const wy = heapWeight[c];
        // Stop when x is no better than the worse child.
        if (!(w > wy || (w === wy && rj < heapRank[c]))) break;
        heap[p] = heap[c];
        heapWeight[p] = wy;
        heapRank[p] = heapRank[c];
        p = c;
      }
      heap[p] = x;
      heapWeight[p] = w;
      heapRank[p] = rj;
    } else {
      // Sift up: the parent must not be worse than x.
      let p = size++;
      this.size = size;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        const wy = heapWeight[parent];
        if (!(wy > w || (wy === w && heapRank[parent] < rj))) break;
        heap[p] = heap[parent];
        heapWeight[p] = wy;
        heapRank[p] = heapRank[parent];
        p = parent;
      }
      heap[p] = x;
      heapWeight[p] = w;
      heapRank[p] = rj;
    }
    if (size === k) {
      this.rowLow = heapWeight[0];
      this.rootRank = heapRank[0];
    }
    return this.rowLow;
  }

  private offerCoach(j: number, w: number): void {
    offerToCoach(this.lists as CoachLists, j, w, this.ri);
  }
}

/** Offers every pair of a loaded row (coach[x], weight[x], x < len) of coachee i to the coaches' lists. */
function offerRowToCoaches(lists: CoachLists, coach: Int32Array, weight: Int32Array, len: number, i: number, coacheeRank: Int32Array): void {
  const low = lists.low;
  const ri = coacheeRank[i];
  for (let x = 0; x < len; x++) if (weight[x] >= low[coach[x]]) offerToCoach(lists, coach[x], weight[x], ri);
}

/** Offers (w, the coachee of rank ri) to coach j's buffer. */
function offerToCoach(lists: CoachLists, j: number, w: number, ri: number): void {
  const { bufferStart, entry, size } = lists;
  const b0 = bufferStart[j];
  entry[b0 + size[j]++] = w * RANK_SPAN + (RANK_SPAN - 1 - ri);
  if (b0 + size[j] === bufferStart[j + 1]) cutBack(lists, j);
}

class PoolSolver {
  private readonly n: number;
  private readonly m: number;
  private readonly objective: Objective;
  private readonly minWeight: number;
  private readonly capLeft: Int32Array;
  private readonly pinnedCoach: Int32Array;
  private readonly pinnedWeight: Int32Array;
  private readonly coacheeRank: Int32Array;
  private readonly coachRank: Int32Array;
  private readonly exclStart: Int32Array;
  private readonly exclCoach: Int32Array;
  private readonly candidatesPerCoachee: number;
  private readonly engine: SolverEngine;
  private readonly coachCandidates: number;
  // Scratch row: the usable pairs of one coachee, filled by loadRow.
  private readonly rowCoach: Int32Array;
  private readonly rowWeight: Int32Array;
  private readonly excludedMark: Uint8Array;
  readonly stats: SolveStats;
  private readonly slack: number;
  private readonly slackLimit: number;
  private readonly warmStart: boolean;
  private markScratch: Uint8Array | null = null;
  /** Usable pairs counted by the latest topCandidates pass. */
  private lastAllowed = 0;
  /** A `rows` pool: the row fullRow scored last, and each pair's bound bucket (BUCKET_WIDTH), filled as rows are scored. */
  private readonly scratch: Int32Array;
  private readonly bucket: Uint16Array | null = null;
  private readonly bucketDone: Uint8Array | null = null;
  /** The array fullRow's row is in (dense, or scratch). */
  private rowData: Int32Array;

  constructor(
    private readonly problem: ScoredPairs,
    options: SolveOptions,
  ) {
    const n = problem.coacheeIds.length;
    const m = problem.coachIds.length;
    if (problem.capacities.length !== m) throw new MatchingError('invalid-input', 'capacities must have one entry per coach');
    if ((problem.arcs ? 1 : 0) + (problem.dense ? 1 : 0) + (problem.rows ? 1 : 0) !== 1) throw new MatchingError('invalid-input', 'exactly one of arcs, dense and rows must be given');
    if (problem.dense && problem.dense.length !== n * m) throw new MatchingError('invalid-input', 'dense must hold coachees x coaches weights');
    this.n = n;
    this.m = m;
    this.objective = options.objective ?? 'matched-then-score';
    const minScore = options.minScore ?? 0;
    if (!(minScore >= 0 && minScore <= 100)) throw new MatchingError('invalid-input', 'minScore must be a number in 0..100');
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
      if (w < this.minWeight) throw new MatchingError('invalid-pin', `pinned pair ${pin.coachee}/${pin.coach} scores under minScore`);
      if (this.isExcluded(i, k)) throw new MatchingError('invalid-pin', `pinned pair ${pin.coachee}/${pin.coach} is also excluded`);
      if (this.capLeft[k] <= 0) throw new MatchingError('invalid-pin', `coach "${pin.coach}" has more pins than capacity`);
      this.capLeft[k]--;
      this.pinnedCoach[i] = k;
      this.pinnedWeight[i] = w;
    }
    if (this.engine === 'simplex' && options.candidates === undefined && options.coachCandidates === undefined && this.capacityBound()) {
      this.candidatesPerCoachee = SCARCE_CANDIDATES;
      this.coachCandidates = SCARCE_COACH_CANDIDATES;
    }
    this.stats = { coachees: n, coaches: m, allowedPairs: 0, candidatePairs: 0, rounds: 0, searches: 0, threshold: null };
  }

  /**
   * True when capacity is the scarce side (more coachees to place than capacity left) and rows are long (at
   * least SCARCE_ROW_LENGTH coaches per coachee). Then most coachees cannot have one of their own best few
   * coaches, and which coachee fills each unit is what the first shortlist has to get right: its coach side
   * grows and its coachee side shrinks (measured on 10k x 1k-2k program pools: solve ~10-20% faster; on
   * short rows or with spare capacity the default sizes measured faster). Speed only, never the answer.
   */
  private capacityBound(): boolean {
    const { n, m, problem } = this;
    const rowLength = problem.dense || problem.rows ? m : problem.arcs ? problem.arcs.coach.length / Math.max(1, n) : 0;
    if (rowLength < SCARCE_ROW_LENGTH) return false;
    let toPlace = 0;
    for (let i = 0; i < n; i++) if (this.pinnedCoach[i] < 0) toPlace++;
    let capacity = 0;
    for (let j = 0; j < m; j++) capacity += this.capLeft[j];
    return toPlace >= capacity;
  }

  run(): Solution {
    let minWeight = this.minWeight;
    if (this.objective === 'maximin-then-score') minWeight = this.maximinThreshold();
    const costMode = this.objective === 'score' ? 'score' : 'matched';
    const coachOf = this.solveExact(minWeight, costMode);
    return this.finish(coachOf);
  }

  private pairWeight(i: number, k: number): number {
    const { dense, arcs, rows } = this.problem;
    if (dense) return dense[i * this.m + k];
    if (rows) {
      if (this.bucketDone?.[i] === 1) return this.bucket![i * this.m + k] === FORBIDDEN_BUCKET ? -1 : rows.allowedWeight(i, k);
      return this.rowData[this.fullRow(i) + k];
    }
    if (!arcs) return -1;
    for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) if (arcs.coach[a] === k) return arcs.weight[a];
    return -1;
  }

  private isExcluded(i: number, k: number): boolean {
    for (let e = this.exclStart[i]; e < this.exclStart[i + 1]; e++) if (this.exclCoach[e] === k) return true;
    return false;
  }

  /**
   * Coachee i's weights over every coach (-1 where forbidden) as `rowData[off .. off + m - 1]`; returns off. A
   * dense row is read in place; a `rows` row is scored into the scratch row, and its buckets are kept the first time.
   */
  private fullRow(i: number): number {
    const { dense, rows } = this.problem;
    if (dense) {
      this.rowData = dense;
      return i * this.m;
    }
    const { m, scratch, bucket, bucketDone } = this;
    rows!.scoreRow(i, scratch, 0);
    this.rowData = scratch;
    if (bucket && bucketDone && bucketDone[i] === 0) {
      const base = i * m;
      for (let k = 0; k < m; k++) {
        const w = scratch[k];
        bucket[base + k] = w < 0 ? FORBIDDEN_BUCKET : w >> 1;
      }
      bucketDone[i] = 1;
    }
    return 0;
  }

  /** Fills rowCoach/rowWeight with coachee i's pairs that are allowed, not excluded, >= minWeight, with room. */
  private loadRow(i: number, minWeight: number): number {
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

  /** The highest lowest-pair weight that still allows the maximum number of matches (maximin objective). */
  private maximinThreshold(): number {
    const n = this.n;
    const start = new Int32Array(n + 1);
    const coachParts: Int32Array[] = [];
    const weightParts: Int32Array[] = [];
    const distinct = new Set<number>();
    for (let i = 0; i < n; i++) {
      const len = this.loadRow(i, this.minWeight);
      start[i + 1] = start[i] + len;
      coachParts.push(this.rowCoach.slice(0, len));
      const ws = this.rowWeight.slice(0, len);
      weightParts.push(ws);
      for (let x = 0; x < len; x++) distinct.add(ws[x]);
    }
    const coach = new Int32Array(start[n]);
    const weight = new Int32Array(start[n]);
    for (let i = 0; i < n; i++) {
      coach.set(coachParts[i], start[i]);
      weight.set(weightParts[i], start[i]);
    }
    const best = maxCardinality(n, this.capLeft, start, coach, weight, this.minWeight);
    let pinnedMin = Infinity;
    for (let i = 0; i < n; i++) if (this.pinnedCoach[i] >= 0) pinnedMin = Math.min(pinnedMin, this.pinnedWeight[i]);
    let threshold = this.minWeight;
    if (best > 0) {
      const values = Float64Array.from(distinct).sort();
      // values[lo] is feasible, values[hi] is not (hi may be one past the end).
      let lo = 0;
      let hi = values.length;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (maxCardinality(n, this.capLeft, start, coach, weight, values[mid]) === best) lo = mid;
        else hi = mid;
      }
      threshold = Math.max(this.minWeight, values[lo]);
    }
    // Pins are part of the assignment: no lowest score above the lowest pinned one is worth giving up total for.
    if (pinnedMin < threshold) threshold = Math.max(this.minWeight, pinnedMin);
    this.stats.threshold = threshold / SCORE_SCALE;
    return threshold;
  }

  /** Min-cost flow on each coachee's best candidates, then the dual check over all usable pairs. */
  solveExact(minWeight: number, mode: 'matched' | 'score'): Int32Array {
    const { n, m } = this;
    if (this.engine === 'simplex') {
      // No pass over the pairs first: B = n * MAX_WEIGHT + 1 already exceeds any total score, and the first
      // pricing pass counts the allowed pairs.
      const A = mode === 'matched' ? 1 : n + 1;
      const B = mode === 'matched' ? n * MAX_WEIGHT + 1 : 1;
      if ((A * MAX_WEIGHT + B) * (2 * n + 2) >= SAFE) throw new MatchingError('too-large', `a pool of ${n} coachees is too large for exact integer costs`);
      return this.solveBySimplex(minWeight, A, B, this.candidatesPerCoachee > 0 ? this.candidatesPerCoachee : m);
    }
    let allowed = 0;
    let sumMax = 0;
    for (let i = 0; i < n; i++) {
      const len = this.loadRow(i, minWeight);
      allowed += len;
      let best = 0;
      for (let x = 0; x < len; x++) if (this.rowWeight[x] > best) best = this.rowWeight[x];
      sumMax += best;
    }
    this.stats.allowedPairs = allowed;
    // cost(w) = -(A*w + B): "matched" makes one more match worth more than any total score (B > sum of
    // best weights); "score" makes total score dominate and breaks its ties towards more matches.
    const A = mode === 'matched' ? 1 : n + 1;
    const B = mode === 'matched' ? sumMax + 1 : 1;
    if ((A * MAX_WEIGHT + B) * (2 * n + 2) >= SAFE) throw new MatchingError('too-large', `a pool of ${n} coachees is too large for exact integer costs`);

    const k = this.candidatesPerCoachee > 0 ? this.candidatesPerCoachee : m;
    const order = Int32Array.from(
      Array.from({ length: n }, (_, i) => i).sort((x, y) => this.coacheeRank[x] - this.coacheeRank[y]),
    );
    if (this.engine === 'slots') return this.solveBySlots(minWeight, A, B, allowed, k);
    // Candidate rows: built once from the top-k, then grown by the pairs the duals flag.
    let rows = this.topCandidates(minWeight, k);
    for (;;) {
      this.stats.rounds++;
      const graph = this.toGraph(rows, A, B, order);
      this.stats.candidatePairs = graph.coach.length;
      const result = minCostAssignment(graph);
      this.stats.searches += result.searches;
      const violations = this.violations(result, graph.cost, A, B, minWeight);
      if (violations === null) return result.coachOf;
      if (rows.coach.length === allowed) throw new Error('internal: the dual check failed with every pair in the solve');
      // Rarely needed more than twice; past that, solving on every pair settles it.
      rows = this.stats.rounds >= MAX_ROUNDS ? this.topCandidates(minWeight, m) : this.merge(rows, violations);
    }
  }

  /**
   * The same min-cost flow with the roles swapped: every capacity unit of a coach is a source (all units of
   * one coach share one row of candidate coachees, so no column per slot is ever built) and coachees are the
   * capacity-1 targets. Capacity is the scarce side, so the few units that stay empty, not the many coachees
   * left out, are the ones whose search has to cover the whole graph. The dual check is the same in kind:
   * the reduced cost of (coachee i, coach k) must be >= 0 against every unit of k, i.e. against the lowest
   * unit potential of k.
   */
  private solveBySlots(minWeight: number, A: number, B: number, allowed: number, k: number): Int32Array {
    const { n, m, capLeft } = this;
    const order = Int32Array.from(
      Array.from({ length: n }, (_, i) => i).sort((x, y) => this.coacheeRank[x] - this.coacheeRank[y]),
    );
    const coachOrder = Array.from({ length: m }, (_, j) => j).sort((x, y) => this.coachRank[x] - this.coachRank[y]);
    let slots = 0;
    for (let j = 0; j < m; j++) slots += capLeft[j];
    const slotCoach = new Int32Array(slots);
    const slotOrder = new Int32Array(slots);
    let x = 0;
    for (const j of coachOrder) {
      for (let c = 0; c < capLeft[j]; c++) {
        slotCoach[x] = j;
        slotOrder[x] = x;
        x++;
      }
    }
    const targetCapacity = new Int32Array(n);
    for (let i = 0; i < n; i++) targetCapacity[i] = this.pinnedCoach[i] >= 0 ? 0 : 1;

    let warm: SlotState | null = null;
    let rows = this.topCandidates(minWeight, k);
    // Capacity is the scarce side: each coach also brings its own best coachees, a few per unit.
    if (k < m && this.coachCandidates > 0) rows = this.mergeRows(rows, this.coachTopCandidates(rows, minWeight));
    for (;;) {
      this.stats.rounds++;
      // Columns by coach, coachees in rank order inside each column.
      const E = rows.coach.length;
      const colStart = new Int32Array(m + 1);
      for (let a = 0; a < E; a++) colStart[rows.coach[a] + 1]++;
      for (let j = 0; j < m; j++) colStart[j + 1] += colStart[j];
      const fill = colStart.slice(0, m);
      const colCoachee = new Int32Array(E);
      const cost = new Float64Array(E);
      for (let t = 0; t < n; t++) {
        const i = order[t];
        for (let a = rows.start[i]; a < rows.start[i + 1]; a++) {
          const p = fill[rows.coach[a]]++;
          colCoachee[p] = i;
          cost[p] = -(A * rows.weight[a] + B);
        }
      }
      this.stats.candidatePairs = E;
      const cols = { colStart, colCoachee, cost };
      let v: Float64Array;
      const coachOf = new Int32Array(n).fill(-1);
      // Lowest potential over the units of each coach (an empty unit has potential 0).
      const unitPotential = new Float64Array(m).fill(Infinity);
      const repaired = warm ? warmRepair(warm, cols, this.warmLimit(slots)) : -1;
      if (warm && repaired >= 0) {
        this.stats.searches += repaired;
        v = warm.coacheePotential;
        for (let s = 0; s < slots; s++) {
          const j = slotCoach[s];
          const p = warm.slotPotential[s];
          if (p < unitPotential[j]) unitPotential[j] = p;
          const i = warm.target[s];
          if (i >= 0) coachOf[i] = j;
        }
      } else {
        const result = minCostAssignment({
          coacheeCount: slots,
          coachCount: n,
          capacity: targetCapacity,
          start: colStart,
          coach: colCoachee,
          cost,
          order: slotOrder,
          coachRank: this.coacheeRank,
          row: slotCoach,
        });
        this.stats.searches += result.searches;
        v = result.potential;
        for (let s = 0; s < slots; s++) {
          const i = result.coachOf[s];
          const j = slotCoach[s];
          const p = i >= 0 ? v[i] - cost[result.arcOf[s]] : 0;
          if (p < unitPotential[j]) unitPotential[j] = p;
          if (i >= 0) coachOf[i] = j;
        }
        if (this.warmStart) warm = stateFromAssignment(slotCoach, n, result.coachOf, (s) => cost[result.arcOf[s]], v);
      }
      const extra = this.slotViolations(v, unitPotential, A, B, minWeight, rows, this.slack, this.slackLimit);
      if (extra === null) return coachOf;
      if (E === allowed) throw new Error('internal: the dual check failed with every pair in the solve');
      rows = this.stats.rounds >= MAX_ROUNDS ? this.topCandidates(minWeight, m) : this.mergeRows(rows, extra);
    }
  }

  /**
   * Primal network simplex with column generation. Nodes are numbered in id order (coachee rank, coach rank),
   * and arcs are added in id order, so the answer does not depend on the order of the input. The first
   * solve runs on a shortlist (each coachee's best coaches plus each coach's best coachees); then every
   * usable pair is priced against the node potentials, the most violated few per coachee join as new
   * columns, and pivoting continues from the current basis. No pair pricing negative proves optimality.
   */
  private solveBySimplex(minWeight: number, A: number, B: number, k: number): Int32Array {
    const { n, m, capLeft, coacheeRank, coachRank } = this;
    const coacheeAt = new Int32Array(n);
    for (let i = 0; i < n; i++) coacheeAt[coacheeRank[i]] = i;
    const capByRank = new Int32Array(m);
    for (let j = 0; j < m; j++) capByRank[coachRank[j]] = capLeft[j];
    // One pass over the pairs fills both shortlists: each coachee's best coaches and each coach's best coachees.
    const lists = k < m && this.coachCandidates > 0 ? this.newCoachLists() : undefined;
    let rows = this.topCandidates(minWeight, k, lists);
    this.stats.allowedPairs = this.lastAllowed;
    if (lists) rows = this.mergeRows(rows, this.coachTopCandidates(rows, minWeight, lists));
    const ns = new TransportSimplex(n, m, capByRank, rows.coach.length);
    const pi = ns.pi;
    const limit = Math.max(1, this.slackLimit);
    const selRank = new Int32Array(m);
    const selWeight = new Int32Array(m);
    const idx: number[] = [];
    const addSorted = (r: number, count: number): void => {
      // Columns of one coachee in coach-rank order: deterministic whatever order they were found in.
      if (count <= 32) {
        // Insertion sort in place (ranks are distinct): a pricing pass adds a few columns to thousands of rows.
        for (let z = 1; z < count; z++) {
          const rank = selRank[z];
          const w = selWeight[z];
          let y = z - 1;
          while (y >= 0 && selRank[y] > rank) {
            selRank[y + 1] = selRank[y];
            selWeight[y + 1] = selWeight[y];
            y--;
          }
          selRank[y + 1] = rank;
          selWeight[y + 1] = w;
        }
        for (let z = 0; z < count; z++) ns.addPair(r, selRank[z], -(A * selWeight[z] + B));
        return;
      }
      idx.length = 0;
      for (let z = 0; z < count; z++) idx.push(z);
      idx.sort((p, q) => selRank[p] - selRank[q]);
      for (const z of idx) ns.addPair(r, selRank[z], -(A * selWeight[z] + B));
    };
    for (let r = 0; r < n; r++) {
      const i = coacheeAt[r];
      let c = 0;
      for (let a = rows.start[i]; a < rows.start[i + 1]; a++) {
        selRank[c] = coachRank[rows.coach[a]];
        selWeight[c++] = rows.weight[a];
      }
      addSorted(r, c);
    }
    rows = { start: new Int32Array(0), coach: new Int32Array(0), weight: new Int32Array(0) };
    const { dense, arcs, rows: pairRows } = this.problem;
    const { bucket, bucketDone } = this;
    const coachPi = new Float64Array(m);
    const picks = new RowPicks(limit, m, coachRank);
    // Pairs of zero reduced cost found by the latest pricing pass: coachee rank r's are tightRow[r] .. tightEnd[r] - 1.
    const tightRow = new Int32Array(n);
    const tightEnd = new Int32Array(n);
    let tightCoachBuf = new Int32Array(1 << 16);
    let tightWeightBuf = new Int32Array(1 << 16);
    let tightPos = 0;
    for (;;) {
      this.stats.rounds++;
      ns.optimize();
      this.stats.candidatePairs = ns.arcCount - n - m;
      this.stats.searches = ns.pivots;
      // A full coach gets potential -infinity: its pairs price at +infinity and never yield a column.
      for (let j = 0; j < m; j++) coachPi[j] = capLeft[j] > 0 ? pi[n + coachRank[j]] : -Infinity;
      let added = 0;
      tightPos = 0;
      for (let r = 0; r < n; r++) {
        tightRow[r] = tightPos;
        tightEnd[r] = tightPos;
        const i = coacheeAt[r];
        if (this.pinnedCoach[i] >= 0) continue;
        const base = pi[r] - B;
        // An excluded pair prices at +infinity for this row only.
        const e0 = this.exclStart[i];
        const e1 = this.exclStart[i + 1];
        for (let e = e0; e < e1; e++) coachPi[this.exclCoach[e]] = -Infinity;
        picks.reset();
        if (dense) {
          priceDense(dense, i * m, m, minWeight, base, A, coachPi, picks);
        } else if (pairRows && bucket && bucketDone) {
          if (bucketDone[i] === 0) this.fullRow(i);
          priceBounded(bucket, i * m, m, minWeight, base, A, coachPi, picks, pairRows, i);
        } else if (arcs) {
          const a0 = arcs.start[i];
          const a1 = arcs.start[i + 1];
          priceSparse(arcs.coach, arcs.weight, a0, a1, minWeight, base, A, coachPi, picks);
        }
        for (let e = e0; e < e1; e++) {
          const k = this.exclCoach[e];
          coachPi[k] = capLeft[k] > 0 ? pi[n + coachRank[k]] : -Infinity;
        }
        const tight = picks.tight;
        const count = picks.size;
        // Zero reduced cost: tight pairs, kept aside for the tie-break.
        if (tight > 0) {
          if (tightPos + tight > tightCoachBuf.length) {
            const grown = new Int32Array(Math.max(tightCoachBuf.length * 2, tightPos + tight));
            grown.set(tightCoachBuf);
            tightCoachBuf = grown;
            const grownW = new Int32Array(grown.length);
            grownW.set(tightWeightBuf);
            tightWeightBuf = grownW;
          }
          tightCoachBuf.set(picks.tightCoach.subarray(0, tight), tightPos);
          tightWeightBuf.set(picks.tightWeight.subarray(0, tight), tightPos);
          tightPos += tight;
          tightEnd[r] = tightPos;
        }
        if (count === 0) continue;
        // The most violated `limit` pairs (ties by coach id) join as columns.
        for (let z = 0; z < count; z++) {
          selRank[z] = coachRank[picks.coach[z]];
          selWeight[z] = picks.weight[z];
        }
        addSorted(r, count);
        added += count;
      }
      if (added === 0) break;
      // Columns pricing well above zero rarely enter again but every pivot's block search would keep pricing
      // them; dropping them leaves them to the next pricing pass like any other pair (measured: a third fewer
      // pivot-search work on the program round, same number of rounds).
      ns.dropColumns(A * DROP_SLACK);
    }
    // Ties: every optimum uses only pairs whose reduced cost is 0 under these (optimal) potentials, and every
    // flow on those pairs that keeps the other arcs where they are is an optimum. The last pricing pass ran
    // under these potentials, so its tight pairs are all of them; with them as the only columns, a second
    // phase from the same basis picks the optimum that pairs coachees and coaches in id order as far as the
    // ties allow (tieBreakCost), pivoting in id order. Only this phase decides among equal optima.
    ns.dropColumns(0);
    const present = new Set<number>();
    ns.forEachPair((r, c) => present.add(r * m + c));
    for (let r = 0; r < n; r++) {
      for (let t = tightRow[r]; t < tightEnd[r]; t++) {
        const c = coachRank[tightCoachBuf[t]];
        if (!present.has(r * m + c)) ns.addPair(r, c, -(A * tightWeightBuf[t] + B));
      }
    }
    ns.tieBreak(tieBreakCost(n, m));
    this.stats.searches = ns.pivots;
    const coachAt = new Int32Array(m);
    for (let j = 0; j < m; j++) coachAt[coachRank[j]] = j;
    const byRank = ns.assignment();
    const coachOf = new Int32Array(n).fill(-1);
    for (let r = 0; r < n; r++) if (byRank[r] >= 0) coachOf[coacheeAt[r]] = coachAt[byRank[r]];
    return coachOf;
  }

  /**
   * The dual check of the slot solve. Returns null when no usable pair has a negative reduced cost (the flow
   * is proven optimal over all pairs). Otherwise returns, per coachee, the pairs to add: the violated ones
   * and, while `slack` > 0, the nearly violated ones too (reduced cost below slack), most violated first,
   * at most `limit` per coachee. Near-violations are what the next duals would flag, so taking them now
   * saves rounds; they never change the answer, only how fast it is proven.
   */
  private slotViolations(
    v: Float64Array,
    unitPotential: Float64Array,
    A: number,
    B: number,
    minWeight: number,
    rows: Rows,
    slack: number,
    limit: number,
  ): Rows | null {
    const { n, m, coachRank, rowCoach, rowWeight } = this;
    const inRows = this.excludedMarkScratch();
    const candCoach = new Int32Array(m);
    const candWeight = new Int32Array(m);
    const candReduced = new Float64Array(m);
    const start = new Int32Array(n + 1);
    let coach = new Int32Array(1 << 16);
    let weight = new Int32Array(coach.length);
    let pos = 0;
    let violated = 0;
    const bound = slack * A;
    for (let i = 0; i < n; i++) {
      start[i] = pos;
      if (this.pinnedCoach[i] >= 0) continue;
      const vi = v[i];
      const len = this.loadRow(i, minWeight);
      for (let a = rows.start[i]; a < rows.start[i + 1]; a++) inRows[rows.coach[a]] = 1;
      let c = 0;
      for (let y = 0; y < len; y++) {
        const kk = rowCoach[y];
        const w = rowWeight[y];
        const reduced = unitPotential[kk] - (A * w + B) - vi;
        if (reduced < bound) {
          if (reduced < 0) violated++;
          if (inRows[kk] === 1) continue;
          candCoach[c] = kk;
          candWeight[c] = w;
          candReduced[c++] = reduced;
        }
      }
      for (let a = rows.start[i]; a < rows.start[i + 1]; a++) inRows[rows.coach[a]] = 0;
      if (c === 0) continue;
      let keep: ArrayLike<number>;
      if (c > limit) {
        keep = Array.from({ length: c }, (_, z) => z)
          .sort((p, q) => candReduced[p] - candReduced[q] || coachRank[candCoach[p]] - coachRank[candCoach[q]])
          .slice(0, limit)
          .sort((p, q) => p - q);
      } else keep = Array.from({ length: c }, (_, z) => z);
      if (pos + keep.length > coach.length) {
        const size = Math.max(coach.length * 2, pos + keep.length);
        const c2 = new Int32Array(size);
        c2.set(coach);
        coach = c2;
        const w2 = new Int32Array(size);
        w2.set(weight);
        weight = w2;
      }
      for (let z = 0; z < keep.length; z++) {
        coach[pos] = candCoach[keep[z]];
        weight[pos++] = candWeight[keep[z]];
      }
    }
    start[n] = pos;
    if (violated === 0) return null;
    return { start, coach: coach.slice(0, pos), weight: weight.slice(0, pos) };
  }

  /** Most slots a warm repair may re-route; past that a cold solve is faster. */
  private warmLimit(slots: number): number {
    return this.warmStart ? Math.max(64, Math.floor(slots / 16)) : -1;
  }

  /** A zeroed per-coach mark array (all zero again when the caller is done with it). */
  private excludedMarkScratch(): Uint8Array {
    if (!this.markScratch) this.markScratch = new Uint8Array(this.m);
    return this.markScratch;
  }

  /** Appends `extra` (pairs not yet in `rows`) to each coachee's row. */
  private mergeRows(rows: Rows, extra: Rows): Rows {
    const n = this.n;
    const start = new Int32Array(n + 1);
    const coach = new Int32Array(rows.coach.length + extra.coach.length);
    const weight = new Int32Array(coach.length);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const a0 = rows.start[i];
      const a1 = rows.start[i + 1];
      coach.set(rows.coach.subarray(a0, a1), pos);
      weight.set(rows.weight.subarray(a0, a1), pos);
      pos += a1 - a0;
      const b0 = extra.start[i];
      const b1 = extra.start[i + 1];
      coach.set(extra.coach.subarray(b0, b1), pos);
      weight.set(extra.weight.subarray(b0, b1), pos);
      pos += b1 - b0;
      start[i + 1] = pos;
    }
    return { start, coach, weight };
  }

  /** Empty per-coach lists for coachTopCandidates: coachCandidates per capacity unit of each coach. */
  private newCoachLists(): CoachLists {
    const { n, m, capLeft } = this;
    if (n >= RANK_SPAN) throw new MatchingError('too-large', `a pool of ${n} coachees is too large`);
    const keep = new Int32Array(m);
    const bufferStart = new Int32Array(m + 1);
    for (let j = 0; j < m; j++) {
      keep[j] = Math.min(n, capLeft[j] * this.coachCandidates);
      bufferStart[j + 1] = bufferStart[j] + 2 * keep[j];
    }
    // An empty buffer admits any usable pair; a coach without room admits none.
    const low = new Int32Array(m);
    for (let j = 0; j < m; j++) low[j] = keep[j] > 0 ? -1 : MAX_WEIGHT + 1;
    const coacheeAt = new Int32Array(n);
    for (let i = 0; i < n; i++) coacheeAt[this.coacheeRank[i]] = i;
    return { bufferStart, keep, entry: new Float64Array(bufferStart[m]), size: new Int32Array(m), low, coacheeAt };
  }

  /**
   * Each coach's best coachees (coachCandidates per capacity unit, ties by coachee rank) that are not in
   * `rows` yet, as rows by coachee (each in coach order), ready for mergeRows(). `lists`, when given, were filled during topCandidates' pass
   * (one scan of the pairs for both shortlists); otherwise the pairs are scanned here.
   */
  private coachTopCandidates(rows: Rows, minWeight: number, lists?: CoachLists): Rows {
    const { n, m } = this;
    if (!lists) {
      lists = this.newCoachLists();
      for (let i = 0; i < n; i++) offerRowToCoaches(lists, this.rowCoach, this.rowWeight, this.loadRow(i, minWeight), i, this.coacheeRank);
    }
    const { bufferStart, keep, entry, size, coacheeAt } = lists;
    let total = 0;
    for (let j = 0; j < m; j++) {
      if (size[j] > keep[j]) cutBack(lists, j);
      total += size[j];
    }
    // Flat (coachee, coach, weight) triples, coach by coach, then a stable counting sort by coachee: each
    // coachee's extra pairs stay in coach order whatever the order inside a buffer.
    const ti = new Int32Array(total);
    const tj = new Int32Array(total);
    const tw = new Int32Array(total);
    const start = new Int32Array(n + 1);
    let t = 0;
    for (let j = 0; j < m; j++) {
      for (let y = bufferStart[j]; y < bufferStart[j] + size[j]; y++) {
        const w = Math.floor(entry[y] / RANK_SPAN);
        const i = coacheeAt[RANK_SPAN - 1 - (entry[y] - w * RANK_SPAN)];
        let known = false;
        for (let a = rows.start[i]; a < rows.start[i + 1]; a++) if (rows.coach[a] === j) known = true;
        if (known) continue;
        ti[t] = i;
        tj[t] = j;
        tw[t++] = w;
        start[i + 1]++;
      }
    }
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const coach = new Int32Array(t);
    const weight = new Int32Array(t);
    for (let x = 0; x < t; x++) {
      const p = fill[ti[x]]++;
      coach[p] = tj[x];
      weight[p] = tw[x];
    }
    return { start, coach, weight };
  }

  /**
   * Each coachee's k best usable pairs (weight descending, ties by coach rank), in row order; fills `lists`
   * on the same pass when given, and sets `lastAllowed` to the number of usable pairs. Dense rows are read in
   * place with cheap threshold filters; sparse rows (short) and rows that need loadRow's filter (a full coach,
   * an exclusion, a pin) are copied first, which measured faster for them.
   */
  private topCandidates(minWeight: number, k: number, lists?: CoachLists): Rows {
    const { n, m, coachRank, coacheeRank, rowCoach, rowWeight, pinnedCoach, exclStart, problem } = this;
    const start = new Int32Array(n + 1);
    let coach = new Int32Array(Math.min(n * k, 1 << 20));
    let weight = new Int32Array(coach.length);
    const lister = problem.dense || problem.rows ? new Shortlister(k, minWeight, coachRank, coacheeRank, lists ?? null, m) : null;
    const heap = new Int32Array(k);
    let anyFull = false;
    for (let j = 0; j < m; j++) if (this.capLeft[j] === 0) anyFull = true;
    let allowed = 0;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      let size: number;
      let chosen: Int32Array;
      let src: Int32Array;
      let coaches: Int32Array | null;
      let off: number;
      if (lister && pinnedCoach[i] < 0 && !anyFull && exclStart[i + 1] === exclStart[i]) {
        off = this.fullRow(i);
        src = this.rowData;
        size = lister.denseRow(i, src, off, m);
        chosen = lister.heap;
        coaches = null;
      } else {
        const len = this.loadRow(i, minWeight);
        allowed += len;
        if (lists) offerRowToCoaches(lists, rowCoach, rowWeight, len, i, coacheeRank);
        size = this.selectLoaded(len, k, heap);
        chosen = heap;
        src = rowWeight;
        coaches = rowCoach;
        off = 0;
      }
      if (pos + size > coach.length) {
        const grown = Math.max(coach.length * 2, pos + size);
        const c2 = new Int32Array(grown);
        c2.set(coach);
        coach = c2;
        const w2 = new Int32Array(grown);
        w2.set(weight);
        weight = w2;
      }
      // Row order keeps coach order stable, which keeps the solver deterministic.
      insertionSort(chosen, size);
      for (let y = 0; y < size; y++) {
        const x = chosen[y];
        coach[pos] = coaches === null ? x : coaches[off + x];
        weight[pos++] = src[off + x];
      }
      start[i + 1] = pos;
    }
    this.lastAllowed = allowed + (lister ? lister.allowed : 0);
    return { start, coach: coach.slice(0, pos), weight: weight.slice(0, pos) };
  }

  /** The k best positions of the loaded row (rowCoach/rowWeight, `len` pairs) into `heap`; returns how many. */
  private selectLoaded(len: number, k: number, heap: Int32Array): number {
    if (len <= k) {
      for (let x = 0; x < len; x++) heap[x] = x;
      return len;
    }
    const { rowCoach, rowWeight, coachRank } = this;
    const better = (x: number, y: number): boolean =>
      rowWeight[x] > rowWeight[y] || (rowWeight[x] === rowWeight[y] && coachRank[rowCoach[x]] < coachRank[rowCoach[y]]);
    // Min-heap (by "better") of the k best row positions seen so far.
    let size = 0;
    for (let x = 0; x < len; x++) {
      if (size < k) {
        let p = size++;
        while (p > 0) {
          const parent = (p - 1) >> 1;
          if (!better(heap[parent], x)) break;
          heap[p] = heap[parent];
          p = parent;
        }
        heap[p] = x;
      } else if (better(x, heap[0])) {
        let p = 0;
        for (;;) {
          let c = 2 * p + 1;
          if (c >= size) break;
          if (c + 1 < size && better(heap[c], heap[c + 1])) c++;
          if (!better(x, heap[c])) break;
          heap[p] = heap[c];
          p = c;
        }
        heap[p] = x;
      }
    }
    return size;
  }

  private toGraph(rows: { start: Int32Array; coach: Int32Array; weight: Int32Array }, A: number, B: number, order: Int32Array) {
    const cost = new Float64Array(rows.weight.length);
    for (let a = 0; a < cost.length; a++) cost[a] = -(A * rows.weight[a] + B);
    return {
      coacheeCount: this.n,
      coachCount: this.m,
      capacity: this.capLeft,
      start: rows.start,
      coach: rows.coach,
      cost,
      weight: rows.weight,
      order,
      coachRank: this.coachRank,
    };
  }

  /**
   * Checks every usable pair's reduced cost against the duals. Null proves the flow optimal over all pairs;
   * otherwise returns the violated pairs per coachee.
   */
  private violations(
    result: AssignmentResult,
    cost: Float64Array,
    A: number,
    B: number,
    minWeight: number,
  ): Map<number, { coach: number[]; weight: number[]; reduced: number[] }> | null {
    const v = result.potential;
    const found = new Map<number, { coach: number[]; weight: number[]; reduced: number[] }>();
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.pinnedCoach[i] >= 0) continue;
      const j = result.coachOf[i];
      const pi = j >= 0 ? v[j] - cost[result.arcOf[i]] : 0;
      const len = this.loadRow(i, minWeight);
      for (let x = 0; x < len; x++) {
        const k = this.rowCoach[x];
        const w = this.rowWeight[x];
        const reduced = -(A * w + B) + pi - v[k];
        if (reduced < 0) {
          let entry = found.get(i);
          if (!entry) found.set(i, (entry = { coach: [], weight: [], reduced: [] }));
          entry.coach.push(k);
          entry.weight.push(w);
          entry.reduced.push(reduced);
          total++;
        }
      }
    }
    if (total === 0) return null;
    // Adding every violated pair can swamp the next solve; the most violated few per coachee are enough
    // to make progress, and the next dual check catches the rest.
    const limit = Math.max(1, this.candidatesPerCoachee);
    for (const [i, e] of found) {
      if (e.coach.length <= limit) continue;
      const keep = e.coach
        .map((_, x) => x)
        .sort((x, y) => e.reduced[x] - e.reduced[y] || this.coachRank[e.coach[x]] - this.coachRank[e.coach[y]])
        .slice(0, limit);
      found.set(i, { coach: keep.map((x) => e.coach[x]), weight: keep.map((x) => e.weight[x]), reduced: keep.map((x) => e.reduced[x]) });
    }
    return found;
  }

  private merge(
    rows: { start: Int32Array; coach: Int32Array; weight: Int32Array },
    extra: Map<number, { coach: number[]; weight: number[] }>,
  ): { start: Int32Array; coach: Int32Array; weight: Int32Array } {
    let added = 0;
    for (const e of extra.values()) added += e.coach.length;
    const n = this.n;
    const start = new Int32Array(n + 1);
    const coach = new Int32Array(rows.coach.length + added);
    const weight = new Int32Array(coach.length);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      for (let a = rows.start[i]; a < rows.start[i + 1]; a++) {
        coach[pos] = rows.coach[a];
        weight[pos++] = rows.weight[a];
      }
      const e = extra.get(i);
      if (e) {
        for (let x = 0; x < e.coach.length; x++) {
          coach[pos] = e.coach[x];
          weight[pos++] = e.weight[x];
        }
      }
      start[i + 1] = pos;
    }
    return { start, coach, weight };
  }

  private finish(found: Int32Array): Solution {
    const { n, m } = this;
    const coachOf = new Int32Array(n).fill(-1);
    const weightOf = new Int32Array(n).fill(-1);
    const pinned = new Uint8Array(n);
    const reasons: (UnmatchedReason | null)[] = new Array<UnmatchedReason | null>(n).fill(null);
    let matched = 0;
    let totalWeight = 0;
    for (let i = 0; i < n; i++) {
      const k = this.pinnedCoach[i] >= 0 ? this.pinnedCoach[i] : found[i];
      if (this.pinnedCoach[i] >= 0) pinned[i] = 1;
      if (k >= 0) {
        const w = this.pairWeight(i, k);
        coachOf[i] = k;
        weightOf[i] = w;
        matched++;
        totalWeight += w;
      } else reasons[i] = m === 0 ? 'no-coaches' : this.unmatchedReason(i, this.minWeight);
    }
    return { objective: this.objective, coachOf, weightOf, pinned, unmatchedReason: reasons, matched, totalWeight, stats: this.stats };
  }

  /** The honest reason coachee i is unmatched: capacity went elsewhere, or the rule that ruled out most coaches. */
  private unmatchedReason(i: number, minWeight: number): UnmatchedReason {
    const { dense, arcs, rows, ruledOut } = this.problem;
    const counts = new Float64Array(REASON_COUNT);
    let scored = 0;
    let capacityBound = false;
    const visit = (k: number, w: number): void => {
      if (w < 0) return;
      scored++;
      if (this.isExcluded(i, k)) counts[REASON_INDEX.excluded]++;
      else if (w < minWeight) counts[REASON_INDEX['below-min-score']]++;
      else capacityBound = true;
    };
    if (dense) for (let k = 0; k < this.m; k++) visit(k, dense[i * this.m + k]);
    else if (rows && this.bucketDone?.[i] === 1) {
      // The bucket's floor settles most pairs against minWeight; only the others are scored again.
      const bucket = this.bucket!;
      for (let k = 0; k < this.m; k++) {
        const q = bucket[i * this.m + k];
        visit(k, q === FORBIDDEN_BUCKET ? -1 : q * BUCKET_WIDTH >= minWeight ? q * BUCKET_WIDTH : rows.allowedWeight(i, k));
      }
    } else if (rows) {
      const off = this.fullRow(i);
      for (let k = 0; k < this.m; k++) visit(k, this.rowData[off + k]);
    }
    else if (arcs) for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) visit(arcs.coach[a], arcs.weight[a]);
    if (capacityBound) return 'no-capacity';
    if (ruledOut) for (let r = 0; r < REASON_COUNT; r++) counts[r] += ruledOut[i * REASON_COUNT + r];
    else counts[REASON_INDEX.forbidden] += this.m - scored;
    let best: PairReason = REASON_CODES[0];
    for (let r = 1; r < REASON_COUNT; r++) if (counts[r] > counts[REASON_INDEX[best]]) best = REASON_CODES[r];
    return counts[REASON_INDEX[best]] > 0 ? best : 'no-capacity';
  }
}
