import { MatchingError } from '../errors';
import { MAX_WEIGHT } from '../types';
import { Pool, Rows } from './pool';

/**
 * Each coach's best coachees so far (the coach side of the first shortlist), as a buffer per coach (stored flat: coach j's is [bufferStart[j],
 * bufferStart[j + 1]), twice the `keep[j]` entries it must end with). Entries are appended unsorted; a full
 * buffer is cut back to its best keep[j] by a linear-time selection. That costs a few stores per admitted
 * pair where a heap costs a sift, and a pass over 20M pairs admits over a million.
 * An entry is one number, `weight * RANK_SPAN + (RANK_SPAN - 1 - coachee rank)`: higher is better, and
 * equal weights order by coachee rank (distinct per coach, so entries never tie).
 */
export interface CoachLists {
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
        if (
          c + 1 < size &&
          (heapWeight[c + 1] < heapWeight[c] || (heapWeight[c + 1] === heapWeight[c] && heapRank[c + 1] > heapRank[c]))
        )
          c++;
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
export function offerRowToCoaches(
  lists: CoachLists,
  coach: Int32Array,
  weight: Int32Array,
  len: number,
  i: number,
  coacheeRank: Int32Array,
): void {
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

/** Appends `extra` (pairs not yet in `rows`) to each coachee's row. */
export function mergeRows(pool: Pool, rows: Rows, extra: Rows): Rows {
  const n = pool.n;
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
export function newCoachLists(pool: Pool): CoachLists {
  const { n, m, capLeft } = pool;
  if (n >= RANK_SPAN) throw new MatchingError('too-large', `a pool of ${n} coachees is too large`);
  const keep = new Int32Array(m);
  const bufferStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) {
    keep[j] = Math.min(n, capLeft[j] * pool.coachCandidates);
    bufferStart[j + 1] = bufferStart[j] + 2 * keep[j];
  }
  // An empty buffer admits any usable pair; a coach without room admits none.
  const low = new Int32Array(m);
  for (let j = 0; j < m; j++) low[j] = keep[j] > 0 ? -1 : MAX_WEIGHT + 1;
  const coacheeAt = new Int32Array(n);
  for (let i = 0; i < n; i++) coacheeAt[pool.coacheeRank[i]] = i;
  return { bufferStart, keep, entry: new Float64Array(bufferStart[m]), size: new Int32Array(m), low, coacheeAt };
}

/**
 * Each coach's best coachees (coachCandidates per capacity unit, ties by coachee rank) that are not in
 * `rows` yet, as rows by coachee (each in coach order), ready for mergeRows(). `lists`, when given, were filled during topCandidates' pass
 * (one scan of the pairs for both shortlists); otherwise the pairs are scanned here.
 */
export function coachTopCandidates(pool: Pool, rows: Rows, minWeight: number, lists?: CoachLists): Rows {
  const { n, m } = pool;
  if (!lists) {
    lists = newCoachLists(pool);
    for (let i = 0; i < n; i++)
      offerRowToCoaches(lists, pool.rowCoach, pool.rowWeight, pool.loadRow(i, minWeight), i, pool.coacheeRank);
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
export function topCandidates(pool: Pool, minWeight: number, k: number, lists?: CoachLists): Rows {
  const { n, m, coachRank, coacheeRank, rowCoach, rowWeight, pinnedCoach, exclStart, problem } = pool;
  const start = new Int32Array(n + 1);
  let coach = new Int32Array(Math.min(n * k, 1 << 20));
  let weight = new Int32Array(coach.length);
  const lister =
    problem.dense || problem.rows ? new Shortlister(k, minWeight, coachRank, coacheeRank, lists ?? null, m) : null;
  const heap = new Int32Array(k);
  let anyFull = false;
  for (let j = 0; j < m; j++) if (pool.capLeft[j] === 0) anyFull = true;
  let allowed = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    let size: number;
    let chosen: Int32Array;
    let src: Int32Array;
    let coaches: Int32Array | null;
    let off: number;
    if (lister && pinnedCoach[i] < 0 && !anyFull && exclStart[i + 1] === exclStart[i]) {
      off = pool.fullRow(i);
      src = pool.rowData;
      size = lister.denseRow(i, src, off, m);
      chosen = lister.heap;
      coaches = null;
    } else {
      const len = pool.loadRow(i, minWeight);
      allowed += len;
      if (lists) offerRowToCoaches(lists, rowCoach, rowWeight, len, i, coacheeRank);
      size = selectLoaded(pool, len, k, heap);
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
  pool.lastAllowed = allowed + (lister ? lister.allowed : 0);
  return { start, coach: coach.slice(0, pos), weight: weight.slice(0, pos) };
}

/** The k best positions of the loaded row (rowCoach/rowWeight, `len` pairs) into `heap`; returns how many. */
function selectLoaded(pool: Pool, len: number, k: number, heap: Int32Array): number {
  if (len <= k) {
    for (let x = 0; x < len; x++) heap[x] = x;
    return len;
  }
  const { rowCoach, rowWeight, coachRank } = pool;
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
