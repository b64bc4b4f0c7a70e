import { BUCKET_WIDTH, FORBIDDEN_BUCKET, Pool } from './pool';
import { RowPicks } from './pricing';

/** Coaches per block of the block bounds (measured at 10,000 x 2,000: 16 leaves 4 % of the pairs to read near the optimum, 32 leaves 9 %). */
export const BLOCK_SIZE = 16;

/**
 * A pass that read more than this share of the pairs orders the coaches again (its potentials have moved away from
 * the order's), unless the share is still within REORDER_GROWTH of the share the order began with.
 */
const REORDER_SHARE = 0.1;
const REORDER_GROWTH = 2;

/**
 * Block bounds for the pricing of a `rows` pool. The coaches are kept in an order (Pool.coachAt: position -> coach),
 * the buckets of each row are stored in that order, and every run of BLOCK_SIZE positions is a block. For each row
 * and block, `top` holds 1 + the highest bucket of an allowed pair in the block (0: none). A pass takes the highest
 * coach potential of each block: no pair of the block can price below
 * `base - A * (highest weight) - (highest potential)`, and when that bound exceeds the row's cut the block is
 * skipped unread. Ordering the coaches by potential puts coaches of like potential together, so the bound is
 * close; the order is made again (and the buckets moved into it, row by row, during a pass) when the potentials
 * have drifted from it. The bound is valid in any order, so the columns each pass finds are the same as a full
 * read's; only the tight pairs of a pass that adds columns may be fewer, and those are never used (see simplex.ts).
 */
export class CoachBlocks {
  readonly blocks: number;
  readonly top: Uint16Array;
  /** Highest coach potential per block, and each position's potential, for this pass. */
  readonly piMax: Float64Array;
  readonly piAt: Float64Array;
  /** Set while a pass moves the rows into a new order: the new order, and each new position's old one. */
  private next: Int32Array | null = null;
  private readonly source: Int32Array;
  private readonly moved: Uint16Array;
  /** Coach -> position in the order of the current pass. */
  private readonly pos: Int32Array;
  /** Pairs (positions) read in the current pass; the share of the pairs the last pass read, and the first pass of the current order. */
  private read = 0;
  private lastShare = 1;
  private orderShare = -1;

  constructor(private readonly pool: Pool) {
    const { n, m } = pool;
    this.blocks = Math.ceil(m / BLOCK_SIZE);
    this.top = new Uint16Array(n * this.blocks);
    this.piMax = new Float64Array(this.blocks);
    this.piAt = new Float64Array(m);
    this.source = new Int32Array(m);
    this.moved = new Uint16Array(m);
    this.pos = new Int32Array(m);
  }

  /** True while the current pass moves the rows into a new order. */
  get reordering(): boolean {
    return this.next !== null;
  }

  /**
   * Starts a pass under coach potentials `coachPi` (by coach): on the first pass, or when the last one read too
   * much, a new order by potential (highest first, ties by coach index), and each block's highest potential.
   */
  begin(coachPi: Float64Array): void {
    const { m, coachAt, coachPos } = this.pool;
    const drifted = this.lastShare > REORDER_SHARE && this.lastShare > REORDER_GROWTH * this.orderShare;
    if (this.orderShare < 0 || drifted) {
      const next = Int32Array.from(coachAt).sort((a, b) => coachPi[b] - coachPi[a] || a - b);
      for (let x = 0; x < m; x++) this.source[x] = coachPos[next[x]];
      this.next = next;
    }
    const order = this.next ?? coachAt;
    const { piAt, piMax, pos } = this;
    for (let x = 0; x < m; x++) pos[order[x]] = x;
    piMax.fill(-Infinity);
    for (let x = 0; x < m; x++) {
      const p = coachPi[order[x]];
      piAt[x] = p;
      const g = (x / BLOCK_SIZE) | 0;
      if (p > piMax[g]) piMax[g] = p;
    }
    this.read = 0;
  }

  /** Sets coach k's potential for the rows that follow (-Infinity while a row excludes it). */
  setPi(k: number, p: number): void {
    this.piAt[this.pos[k]] = p;
  }

  /** The order the current pass prices in (position -> coach). */
  get order(): Int32Array {
    return this.next ?? this.pool.coachAt;
  }

  /** Moves row i's buckets into the new order and sets its blocks' tops (a pass that reorders, before pricing row i). */
  moveRow(i: number): void {
    const { m } = this.pool;
    const bucket = this.pool.bucket!;
    const { source, moved, top, blocks } = this;
    const off = i * m;
    const t0 = i * blocks;
    // The row is copied out in one sequential read, then gathered from the copy (in cache) into its new order.
    moved.set(bucket.subarray(off, off + m));
    for (let g = 0; g < blocks; g++) {
      const x0 = g * BLOCK_SIZE;
      const x1 = Math.min(m, x0 + BLOCK_SIZE);
      let best = 0;
      for (let x = x0; x < x1; x++) {
        const q = moved[source[x]];
        bucket[off + x] = q;
        // FORBIDDEN_BUCKET + 1 wraps to 0: no allowed pair.
        const t = (q + 1) & 0xffff;
        if (t > best) best = t;
      }
      top[t0 + g] = best;
    }
  }

  /** Sets the tops of row i, scored in the current order during a pass that keeps it. */
  fillTops(i: number): void {
    const { m } = this.pool;
    const bucket = this.pool.bucket!;
    const { top, blocks } = this;
    for (let g = 0; g < blocks; g++) {
      let best = 0;
      for (let x = g * BLOCK_SIZE; x < Math.min(m, (g + 1) * BLOCK_SIZE); x++) {
        const t = (bucket[i * m + x] + 1) & 0xffff;
        if (t > best) best = t;
      }
      top[i * blocks + g] = best;
    }
  }

  /** Ends a pass: a new order becomes the pool's. */
  end(priced: number): void {
    const share = priced > 0 ? this.read / (priced * this.pool.m) : 0;
    if (this.next) {
      this.pool.setCoachOrder(this.next);
      this.next = null;
      this.orderShare = share;
    }
    this.lastShare = share;
  }

  /**
   * Prices row i (its buckets at `bucket[i * m ..]` in the pass's order; the reduced cost of (i, k) is
   * `base - A*w - pi[k]`), reading only the blocks whose bound leaves a pair a chance to enter the row's picks (or,
   * while the cut is 0, to be tight). In a block read, a pair's bucket puts its weight in [2q, 2q + 1] and so its
   * reduced cost in [lb, lb + A]: the pair is scored again only when it could enter the picks (lb <= cut) or be tight
   * (lb <= 0 <= lb + A); the rest cost two array reads.
   */
  priceRow(i: number, minWeight: number, base: number, A: number, picks: RowPicks): void {
    const { m } = this.pool;
    const bucket = this.pool.bucket!;
    const rows = this.pool.problem.rows!;
    const { top, piMax, piAt, blocks } = this;
    const order = this.order;
    const off = i * m;
    const t0 = i * blocks;
    let cut = 0;
    let read = 0;
    for (let g = 0; g < blocks; g++) {
      const t = top[t0 + g];
      if (t === 0) continue;
      const high = (t - 1) * BUCKET_WIDTH + 1;
      if (high < minWeight || base - A * high - piMax[g] > cut) continue;
      const x0 = g * BLOCK_SIZE;
      const x1 = Math.min(m, x0 + BLOCK_SIZE);
      read += x1 - x0;
      for (let x = x0; x < x1; x++) {
        const q = bucket[off + x];
        if (q === FORBIDDEN_BUCKET) continue;
        const p = piAt[x];
        const lb = base - A * (q * BUCKET_WIDTH + 1) - p;
        if (lb > cut && (lb > 0 || lb + A < 0)) continue;
        const k = order[x];
        const w = rows.allowedWeight(i, k);
        const reduced = base - A * w - p;
        if (reduced <= 0 && w >= minWeight && (reduced <= cut || reduced === 0)) {
          picks.offer(k, w, reduced);
          cut = picks.cut;
        }
      }
    }
    this.read += read;
  }
}
