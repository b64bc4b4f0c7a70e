/**
 * What one pricing pass keeps of a row: its tight pairs (reduced cost 0, for the tie-break) and its `limit`
 * most violated pairs (most negative reduced cost, ties by lower coach rank) in a bounded max-heap whose root
 * is the worst one kept. A row of an unmatched coachee can violate on most of its pairs; the heap keeps that
 * linear with no per-pair writes.
 */
export class RowPicks {
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

  /** Puts the tight pairs in coach index order (the order a read of the row in coach order offers them). */
  sortTight(): void {
    const { tightCoach, tightWeight } = this;
    const count = this.tight;
    if (count <= 64) {
      for (let z = 1; z < count; z++) {
        const k = tightCoach[z];
        const w = tightWeight[z];
        let y = z - 1;
        while (y >= 0 && tightCoach[y] > k) {
          tightCoach[y + 1] = tightCoach[y];
          tightWeight[y + 1] = tightWeight[y];
          y--;
        }
        tightCoach[y + 1] = k;
        tightWeight[y + 1] = w;
      }
      return;
    }
    const idx = Array.from({ length: count }, (_, z) => z).sort((a, b) => tightCoach[a] - tightCoach[b]);
    const coaches = idx.map((z) => tightCoach[z]);
    const weights = idx.map((z) => tightWeight[z]);
    for (let z = 0; z < count; z++) {
      tightCoach[z] = coaches[z];
      tightWeight[z] = weights[z];
    }
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
export function priceDense(
  row: Int32Array,
  off: number,
  m: number,
  minWeight: number,
  base: number,
  A: number,
  coachPi: Float64Array,
  picks: RowPicks,
): void {
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

/** Prices the sparse row of arcs a0 .. a1 - 1 (same reduced cost as priceDense). */
export function priceSparse(
  coach: Int32Array,
  weight: Int32Array,
  a0: number,
  a1: number,
  minWeight: number,
  base: number,
  A: number,
  coachPi: Float64Array,
  picks: RowPicks,
): void {
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
