/**
 * Primal network simplex for the capacitated assignment (a transportation problem), built for column
 * generation: arcs can be added at any time and pivoting continues from the current basis.
 *
 * Network (node indices): coachees 0..n-1 each supply one unit; coaches n..n+m-1; the sink T = n+m is the
 * root of the spanning tree. Arc x < n is coachee x's "unassigned" arc x->T (cost 0); arc n+j is coach j's
 * capacity arc (n+j)->T; later arcs are coachee->coach pairs. Only the capacity arcs are bounded: a coachee
 * supplies one unit, so no other arc can carry more than one anyway (an unbounded arc keeps the initial tree
 * strongly feasible).
 *
 * The basis is a spanning tree stored as parent/pred/thread/rev_thread/succ_num/last_succ arrays, updated
 * exactly as in LEMON's NetworkSimplex (strongly feasible trees, block-search pivot rule), so the method
 * terminates and is deterministic: the same arcs added in the same order give the same pivots.
 * Costs are integers below 2^53 and so are potentials: all arithmetic is exact in float64.
 */

const STATE_UPPER = -1;
const STATE_TREE = 0;
const STATE_LOWER = 1;
const DIR_UP = 1;
const DIR_DOWN = -1;
const INF = 0x3fffffff;
/** Largest |cost| of a pair in the second phase (tieBreak). */
export const TIE_LIMIT = 2 ** 20;
/** Second-phase cost of an arc held at its bound: above any path of second-phase costs (nodes x TIE_LIMIT), exact in float64. */
const HOLD = 2 ** 50;

export class TransportSimplex {
  readonly n: number;
  readonly m: number;
  readonly root: number;
  /** Node potentials: the reduced cost of arc (u, v) is `cost + pi[u] - pi[v]`. */
  readonly pi: Float64Array;
  arcCount: number;
  pivots = 0;

  private source: Int32Array;
  private target: Int32Array;
  private cost: Float64Array;
  private cap: Int32Array;
  private flow: Int32Array;
  private state: Int8Array;

  private readonly parent: Int32Array;
  private readonly pred: Int32Array;
  private readonly predDir: Int8Array;
  private readonly thread: Int32Array;
  private readonly revThread: Int32Array;
  private readonly succNum: Int32Array;
  private readonly lastSucc: Int32Array;
  private readonly dirty: Int32Array;

  private nextArc = 0;
  private blockSize = 10;

  constructor(n: number, m: number, capacity: Int32Array, expectedArcs = 0) {
    this.n = n;
    this.m = m;
    const nodes = n + m + 1;
    const root = n + m;
    this.root = root;
    const size = Math.max(16, n + m + expectedArcs);
    this.source = new Int32Array(size);
    this.target = new Int32Array(size);
    this.cost = new Float64Array(size);
    this.cap = new Int32Array(size);
    this.flow = new Int32Array(size);
    this.state = new Int8Array(size);
    this.pi = new Float64Array(nodes);
    this.parent = new Int32Array(nodes);
    this.pred = new Int32Array(nodes);
    this.predDir = new Int8Array(nodes);
    this.thread = new Int32Array(nodes);
    this.revThread = new Int32Array(nodes);
    this.succNum = new Int32Array(nodes);
    this.lastSucc = new Int32Array(nodes);
    this.dirty = new Int32Array(nodes + 1);
    // Initial tree: every node hangs off the root by its own arc; every coachee is unassigned.
    for (let u = 0; u < n + m; u++) {
      this.source[u] = u;
      this.target[u] = root;
      this.cap[u] = u < n ? INF : Math.max(0, capacity[u - n]);
      this.flow[u] = u < n ? 1 : 0;
      this.state[u] = STATE_TREE;
      this.parent[u] = root;
      this.pred[u] = u;
      this.predDir[u] = DIR_UP;
      this.thread[u] = u + 1;
      this.revThread[u] = u === 0 ? root : u - 1;
      this.succNum[u] = 1;
      this.lastSucc[u] = u;
    }
    this.parent[root] = -1;
    this.pred[root] = -1;
    this.succNum[root] = nodes;
    this.thread[root] = n + m > 0 ? 0 : root;
    if (n + m > 0) this.thread[n + m - 1] = root;
    this.revThread[root] = n + m > 0 ? n + m - 1 : root;
    this.lastSucc[root] = n + m > 0 ? n + m - 1 : root;
    this.arcCount = n + m;
  }

  /** Adds the pair arc coachee i -> coach j (at flow 0) and returns its index. */
  addPair(i: number, j: number, cost: number): number {
    if (this.arcCount === this.source.length) this.grow();
    const a = this.arcCount++;
    this.source[a] = i;
    this.target[a] = this.n + j;
    this.cost[a] = cost;
    this.cap[a] = INF;
    this.flow[a] = 0;
    this.state[a] = STATE_LOWER;
    return a;
  }

  private grow(): void {
    const size = this.source.length * 2;
    const g32 = (x: Int32Array): Int32Array => {
      const y = new Int32Array(size);
      y.set(x);
      return y;
    };
    this.source = g32(this.source);
    this.target = g32(this.target);
    this.cap = g32(this.cap);
    this.flow = g32(this.flow);
    const c = new Float64Array(size);
    c.set(this.cost);
    this.cost = c;
    const s = new Int8Array(size);
    s.set(this.state);
    this.state = s;
  }

  /**
   * Removes the pair arcs at flow 0 outside the tree whose reduced cost exceeds `maxReduced`: they cannot
   * enter until the potentials move by that much, and every pivot's block search would keep pricing them.
   * A removed pair is only a column no longer; column generation prices it again with every other pair.
   * Tree arcs, and so the basis and the potentials, are untouched.
   */
  dropColumns(maxReduced: number): number {
    const { n, m, source, target, cost, cap, flow, state, pi, pred } = this;
    const first = n + m;
    const remap = new Int32Array(this.arcCount - first);
    let out = first;
    for (let a = first; a < this.arcCount; a++) {
      if (state[a] === STATE_LOWER && cost[a] + pi[source[a]] - pi[target[a]] > maxReduced) {
        remap[a - first] = -1;
        continue;
      }
      remap[a - first] = out;
      source[out] = source[a];
      target[out] = target[a];
      cost[out] = cost[a];
      cap[out] = cap[a];
      flow[out] = flow[a];
      state[out] = state[a];
      out++;
    }
    for (let u = 0; u < this.root; u++) if (pred[u] >= first) pred[u] = remap[pred[u] - first];
    const dropped = this.arcCount - out;
    this.arcCount = out;
    if (this.nextArc >= out) this.nextArc = 0;
    return dropped;
  }

  /** Calls `visit(i, j)` for every pair column (coachee i, coach j). */
  forEachPair(visit: (i: number, j: number) => void): void {
    const { n, source, target } = this;
    for (let a = n + this.m; a < this.arcCount; a++) visit(source[a], target[a] - n);
  }

  /**
   * Second phase, among the optima of the current costs: call it once optimize() has proven the basis optimal
   * and every pair column left has reduced cost 0 (dropColumns(0), then the missing pairs of reduced cost 0
   * added). Each pair column then costs `secondary(i, j)` (|value| at most TIE_LIMIT); a coachee's unassigned arc
   * or a coach's capacity arc whose reduced cost is 0 costs 0, and one whose reduced cost is not costs
   * +-HOLD, which keeps it at its bound (no secondary gain can pay for moving it). Potentials are computed again
   * from the tree, which stays feasible, and pivoting continues: the result is an optimum of the first costs
   * with the least secondary cost.
   */
  tieBreak(secondary: (i: number, j: number) => number): void {
    const { n, m, root, source, target, cost, state, pi, parent, pred, predDir, thread } = this;
    for (let a = 0; a < n + m; a++) {
      const reduced = cost[a] + pi[source[a]] - pi[target[a]];
      cost[a] = state[a] === STATE_TREE || reduced === 0 ? 0 : reduced > 0 ? HOLD : -HOLD;
    }
    for (let a = n + m; a < this.arcCount; a++) {
      const c = secondary(source[a], target[a] - n);
      if (!(Math.abs(c) <= TIE_LIMIT)) throw new Error('internal: a second-phase cost out of range');
      cost[a] = c;
    }
    pi[root] = 0;
    for (let x = thread[root]; x !== root; x = thread[x]) pi[x] = pi[parent[x]] - predDir[x] * cost[pred[x]];
    this.nextArc = 0;
    this.optimize();
  }

  /** Coach index of coachee i in the current basis solution, or -1 when unassigned. */
  assignment(): Int32Array {
    const coachOf = new Int32Array(this.n).fill(-1);
    const { n, source, target, flow } = this;
    for (let a = n + this.m; a < this.arcCount; a++) if (flow[a] > 0) coachOf[source[a]] = target[a] - n;
    return coachOf;
  }

  /** Pivots until no arc added so far has a negative reduced cost. */
  optimize(): void {
    const { source, target, cost, state, pi } = this;
    const arcs = this.arcCount;
    // A quarter of LEMON's sqrt(arcs): more pivots, but each one prices far fewer arcs (measured faster).
    this.blockSize = Math.max(10, Math.floor(Math.sqrt(arcs) / 4));
    if (this.nextArc >= arcs) this.nextArc = 0;
    const block = this.blockSize;
    for (;;) {
      // Block search: the most negative reduced cost in the first block (cyclically) that has one.
      let min = 0;
      let inArc = -1;
      let cnt = block;
      let e = this.nextArc;
      let found = false;
      for (let scanned = 0; scanned < arcs; scanned++) {
        const c = state[e] * (cost[e] + pi[source[e]] - pi[target[e]]);
        if (c < min) {
          min = c;
          inArc = e;
        }
        e++;
        if (e === arcs) e = 0;
        if (--cnt === 0) {
          if (min < 0) {
            found = true;
            break;
          }
          cnt = block;
        }
      }
      if (!found && min >= 0) return;
      this.nextArc = e;
      this.pivot(inArc);
      this.pivots++;
    }
  }

  private pivot(inArc: number): void {
    const { source, target, cap, flow, state, parent, pred, predDir, succNum } = this;
    // Join node.
    let u = source[inArc];
    let v = target[inArc];
    while (u !== v) {
      if (succNum[u] < succNum[v]) u = parent[u];
      else v = parent[v];
    }
    const join = u;
    // Leaving arc.
    let first: number;
    let second: number;
    if (state[inArc] === STATE_LOWER) {
      first = source[inArc];
      second = target[inArc];
    } else {
      first = target[inArc];
      second = source[inArc];
    }
    let delta = cap[inArc];
    let result = 0;
    let uOut = -1;
    for (let x = first; x !== join; x = parent[x]) {
      const e = pred[x];
      let d = flow[e];
      if (predDir[x] === DIR_DOWN) d = cap[e] >= INF ? INF : cap[e] - d;
      if (d < delta) {
        delta = d;
        uOut = x;
        result = 1;
      }
    }
    for (let x = second; x !== join; x = parent[x]) {
      const e = pred[x];
      let d = flow[e];
      if (predDir[x] === DIR_UP) d = cap[e] >= INF ? INF : cap[e] - d;
      if (d <= delta) {
        delta = d;
        uOut = x;
        result = 2;
      }
    }
    if (result === 0) throw new Error('internal: unbounded network simplex cycle');
    const uIn = result === 1 ? first : second;
    const vIn = result === 1 ? second : first;
    // Change flow.
    if (delta > 0) {
      const val = state[inArc] * delta;
      flow[inArc] += val;
      for (let x = source[inArc]; x !== join; x = parent[x]) flow[pred[x]] -= predDir[x] * val;
      for (let x = target[inArc]; x !== join; x = parent[x]) flow[pred[x]] += predDir[x] * val;
    }
    const change = true; // result !== 0 always (the entering arc never leaves: its cap is INF)
    if (change) {
      state[inArc] = STATE_TREE;
      state[pred[uOut]] = flow[pred[uOut]] === 0 ? STATE_LOWER : STATE_UPPER;
    }
    this.updateTree(inArc, join, uIn, vIn, uOut);
    // Potentials of the moved subtree.
    const pi = this.pi;
    const sigma = pi[vIn] - pi[uIn] - predDir[uIn] * this.cost[inArc];
    const end = this.thread[this.lastSucc[uIn]];
    const thread = this.thread;
    for (let x = uIn; x !== end; x = thread[x]) pi[x] += sigma;
  }

  private updateTree(inArc: number, join: number, uIn: number, vIn: number, uOut: number): void {
    const { parent, pred, predDir, thread, revThread, succNum, lastSucc, source, dirty } = this;
    const oldRevThread = revThread[uOut];
    const oldSuccNum = succNum[uOut];
    const oldLastSucc = lastSucc[uOut];
    const vOut = parent[uOut];
    if (uIn === uOut) {
      parent[uIn] = vIn;
      pred[uIn] = inArc;
      predDir[uIn] = uIn === source[inArc] ? DIR_UP : DIR_DOWN;
      if (thread[vIn] !== uOut) {
        let after = thread[oldLastSucc];
        thread[oldRevThread] = after;
        revThread[after] = oldRevThread;
        after = thread[vIn];
        thread[vIn] = uOut;
        revThread[uOut] = vIn;
        thread[oldLastSucc] = after;
        revThread[after] = oldLastSucc;
      }
    } else {
      const threadContinue = oldRevThread === vIn ? thread[oldLastSucc] : thread[vIn];
      let stem = uIn;
      let parStem = vIn;
      let last = lastSucc[uIn];
      let after = thread[last];
      thread[vIn] = uIn;
      let nd = 0;
      dirty[nd++] = vIn;
      while (stem !== uOut) {
        const nextStem = parent[stem];
        thread[last] = nextStem;
        dirty[nd++] = last;
        const before = revThread[stem];
        thread[before] = after;
        revThread[after] = before;
        parent[stem] = parStem;
        parStem = stem;
        stem = nextStem;
        last = lastSucc[stem] === lastSucc[parStem] ? revThread[parStem] : lastSucc[stem];
        after = thread[last];
      }
      parent[uOut] = parStem;
      thread[last] = threadContinue;
      revThread[threadContinue] = last;
      lastSucc[uOut] = last;
      if (oldRevThread !== vIn) {
        thread[oldRevThread] = after;
        revThread[after] = oldRevThread;
      }
      for (let x = 0; x < nd; x++) {
        const w = dirty[x];
        revThread[thread[w]] = w;
      }
      let tmpSc = 0;
      const tmpLs = lastSucc[uOut];
      for (let w = uOut, p = parent[w]; w !== uIn; w = p, p = parent[w]) {
        pred[w] = pred[p];
        predDir[w] = -predDir[p];
        tmpSc += succNum[w] - succNum[p];
        succNum[w] = tmpSc;
        lastSucc[p] = tmpLs;
      }
      pred[uIn] = inArc;
      predDir[uIn] = uIn === source[inArc] ? DIR_UP : DIR_DOWN;
      succNum[uIn] = oldSuccNum;
    }
    const upLimitOut = lastSucc[join] === vIn ? join : -1;
    const lastSuccOut = lastSucc[uOut];
    for (let w = vIn; w !== -1 && lastSucc[w] === vIn; w = parent[w]) lastSucc[w] = lastSuccOut;
    if (join !== oldRevThread && vIn !== oldRevThread) {
      for (let w = vOut; w !== upLimitOut && lastSucc[w] === oldLastSucc; w = parent[w]) lastSucc[w] = oldRevThread;
    } else if (lastSuccOut !== oldLastSucc) {
      for (let w = vOut; w !== upLimitOut && lastSucc[w] === oldLastSucc; w = parent[w]) lastSucc[w] = lastSuccOut;
    }
    for (let w = vIn; w !== join; w = parent[w]) succNum[w] += oldSuccNum;
    for (let w = vOut; w !== join; w = parent[w]) succNum[w] -= oldSuccNum;
  }
}
