import type { ScoredPairs, Solution } from './types';

/**
 * How short lists of coaches are built for coachees to choose from (a library function: no round mode calls it yet).
 */
export interface ChoiceListOptions {
  /** Entries per list, the coach of the exact assignment first (default 3). */
  length?: number;
  /**
   * Coach k's profile (for example their strength per skill). A further entry like one already listed is passed over
   * for one that differs; without profiles only the weights count.
   */
  profileOf?: (k: number) => ArrayLike<number>;
  /** What being like an entry already listed costs, against the pair's weight as a share of the list's best (0..1; default 0.25). */
  diversity?: number;
}

/** The short lists of every coachee: `length` entries each, -1 where a list is shorter. */
export interface ChoiceLists {
  readonly length: number;
  /** Coach index of coachee i's entry r at `i * length + r`; entry 0 is the assignment's coach. */
  readonly coach: Int32Array;
  /** The pair's integer weight, as `coach`. */
  readonly weight: Int32Array;
}

/** How many candidates per coachee are kept from one read of their row; a list that runs out reads the row again. */
const KEPT = 24;

/**
 * A short list of good coaches per coachee that differ from each other, for coachees to choose from. The first entry
 * of each list is the coachee's coach in the exact assignment (`solution`), so every coachee it matches gets a list
 * and picking the first entries is that optimum. Each further position is filled for every coachee before the next
 * (the most constrained coachees first: those with the fewest allowed coaches), from the coachee's best allowed pairs
 * (their 24 best by weight, or the whole row once those are taken),
 * with a coach at that position on no more lists than their free places: at each position the entries form an
 * assignment the coaches' capacity can serve, as the first position does. A coach is therefore on at most `length`
 * times their free places of lists, and at most their free places at any one position. A list ends at the first
 * position where every allowed coach not on it is full. Unmatched coachees get no list.
 * One read of every matched coachee's row: about as long as scoring the pairs once, far less than the solve. Pairs are
 * taken as `pairs` has them: a caller must leave out exclusions and pairs under the minimum score first.
 */
export function choiceLists(pairs: ScoredPairs, solution: Solution, options: ChoiceListOptions = {}): ChoiceLists {
  const length = Math.max(1, Math.floor(options.length ?? 3));
  const diversity = options.diversity ?? 0.25;
  const n = pairs.coacheeIds.length;
  const m = pairs.coachIds.length;
  const coach = new Int32Array(n * length).fill(-1);
  const weight = new Int32Array(n * length).fill(-1);
  const profiles = options.profileOf && diversity > 0 ? unitProfiles(m, options.profileOf) : undefined;

  const row = new Int32Array(m);
  const readRow = (i: number): Int32Array => {
    if (pairs.dense) return pairs.dense.subarray(i * m, (i + 1) * m);
    row.fill(-1);
    if (pairs.rows) pairs.rows.scoreRow(i, row, 0);
    else if (pairs.arcs)
      for (let a = pairs.arcs.start[i]; a < pairs.arcs.start[i + 1]; a++)
        row[pairs.arcs.coach[a]] = pairs.arcs.weight[a];
    return row;
  };

  // Each matched coachee's best allowed coaches (weight descending, then coach index), and how many they may have.
  const matched: number[] = [];
  const allowed = new Int32Array(n);
  const best = new Int32Array(n);
  const kept = new Int32Array(n * KEPT).fill(-1);
  for (let i = 0; i < n; i++) {
    const k0 = solution.coachOf[i];
    if (k0 < 0) continue;
    matched.push(i);
    coach[i * length] = k0;
    weight[i * length] = solution.weightOf[i];
    const w = readRow(i);
    let count = 0;
    let size = 0;
    for (let k = 0; k < m; k++) {
      const wk = w[k];
      if (wk < 0) continue;
      count++;
      if (k === k0) continue;
      // Insertion into the kept candidates, best first.
      if (size === KEPT && wk <= w[kept[i * KEPT + KEPT - 1]]) continue;
      let at = Math.min(size, KEPT - 1);
      while (at > 0 && w[kept[i * KEPT + at - 1]] < wk) {
        kept[i * KEPT + at] = kept[i * KEPT + at - 1];
        at--;
      }
      kept[i * KEPT + at] = k;
      if (size < KEPT) size++;
    }
    allowed[i] = count;
    best[i] = Math.max(solution.weightOf[i], size > 0 ? w[kept[i * KEPT]] : 0, 1);
  }
  matched.sort((a, b) => allowed[a] - allowed[b] || a - b);

  const onList = (i: number, k: number, upTo: number) => {
    for (let r = 0; r < upTo; r++) if (coach[i * length + r] === k) return true;
    return false;
  };
  /** The value of listing coach k with weight wk at position r of coachee i's list: the weight less the likeness. */
  const value = (i: number, k: number, wk: number, r: number): number => {
    let like = 0;
    if (profiles) for (let q = 0; q < r; q++) like = Math.max(like, similarity(profiles, k, coach[i * length + q]));
    return wk / best[i] - diversity * like;
  };

  for (let r = 1; r < length; r++) {
    const used = new Int32Array(m);
    for (const i of matched) {
      // A list that found nobody at the last position ends there.
      if (coach[i * length + r - 1] < 0) continue;
      let pick = -1;
      let pickWeight = -1;
      let pickValue = -Infinity;
      const consider = (k: number, wk: number) => {
        if (wk < 0 || used[k] >= pairs.capacities[k]) return;
        // Likeness only lowers a value: a weight that cannot beat the pick as it stands is passed over unread.
        if (wk / best[i] < pickValue || onList(i, k, r)) return;
        const v = value(i, k, wk, r);
        if (v > pickValue || (v === pickValue && k < pick)) {
          pick = k;
          pickWeight = wk;
          pickValue = v;
        }
      };
      let fromKept = false;
      for (let c = 0; c < KEPT; c++) {
        const k = kept[i * KEPT + c];
        if (k < 0) break;
        // Weights of the kept candidates are read from the row only when needed (a row layout scores it again).
        const before = pick;
        consider(k, pairs.dense ? pairs.dense[i * m + k] : keptWeight(pairs, i, k));
        if (pick !== before) fromKept = true;
      }
      // Every kept candidate is full or listed: read the whole row for one that is not.
      if (!fromKept && allowed[i] - 1 > KEPT) {
        const w = readRow(i);
        for (let k = 0; k < m; k++) consider(k, w[k]);
      }
      if (pick < 0) continue;
      used[pick]++;
      coach[i * length + r] = pick;
      weight[i * length + r] = pickWeight;
    }
  }
  return { length, coach, weight };
}

/** The weight of an allowed pair of a sparse or row layout. */
function keptWeight(pairs: ScoredPairs, i: number, k: number): number {
  if (pairs.rows) return pairs.rows.allowedWeight(i, k);
  const arcs = pairs.arcs!;
  for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) if (arcs.coach[a] === k) return arcs.weight[a];
  return -1;
}

/** Every coach's profile scaled to length 1 (a profile of zeros stays zeros: like nobody). */
function unitProfiles(m: number, profileOf: (k: number) => ArrayLike<number>): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < m; k++) {
    const p = Float64Array.from(profileOf(k));
    let norm = 0;
    for (const x of p) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < p.length; d++) p[d] /= norm;
    out.push(p);
  }
  return out;
}

/** Cosine similarity of two coaches' profiles (0 when either is empty). */
function similarity(profiles: Float64Array[], a: number, b: number): number {
  const pa = profiles[a];
  const pb = profiles[b];
  let dot = 0;
  for (let d = 0; d < pa.length; d++) dot += pa[d] * pb[d];
  return dot;
}
