import { minCostAssignment } from '../min-cost-flow';
import { SlotState, stateFromAssignment, warmRepair } from '../warm-repair';
import { MAX_ROUNDS, Pool, Rows } from './pool';
import { coachTopCandidates, mergeRows, topCandidates } from './shortlist';

/**
 * The same min-cost flow with the roles swapped: every capacity unit of a coach is a source (all units of
 * one coach share one row of candidate coachees, so no column per slot is ever built) and coachees are the
 * capacity-1 targets. Capacity is the scarce side, so the few units that stay empty, not the many coachees
 * left out, are the ones whose search has to cover the whole graph. The dual check is the same in kind:
 * the reduced cost of (coachee i, coach k) must be >= 0 against every unit of k, i.e. against the lowest
 * unit potential of k.
 */
export function solveBySlots(
  pool: Pool,
  minWeight: number,
  A: number,
  B: number,
  allowed: number,
  k: number,
): Int32Array {
  const { n, m, capLeft } = pool;
  const order = Int32Array.from(
    Array.from({ length: n }, (_, i) => i).sort((x, y) => pool.coacheeRank[x] - pool.coacheeRank[y]),
  );
  const coachOrder = Array.from({ length: m }, (_, j) => j).sort((x, y) => pool.coachRank[x] - pool.coachRank[y]);
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
  for (let i = 0; i < n; i++) targetCapacity[i] = pool.pinnedCoach[i] >= 0 ? 0 : 1;

  let warm: SlotState | null = null;
  let rows = topCandidates(pool, minWeight, k);
  // Capacity is the scarce side: each coach also brings its own best coachees, a few per unit.
  if (k < m && pool.coachCandidates > 0) rows = mergeRows(pool, rows, coachTopCandidates(pool, rows, minWeight));
  for (;;) {
    pool.stats.rounds++;
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
    pool.stats.candidatePairs = E;
    const cols = { colStart, colCoachee, cost };
    let v: Float64Array;
    const coachOf = new Int32Array(n).fill(-1);
    // Lowest potential over the units of each coach (an empty unit has potential 0).
    const unitPotential = new Float64Array(m).fill(Infinity);
    const repaired = warm ? warmRepair(warm, cols, warmLimit(pool, slots)) : -1;
    if (warm && repaired >= 0) {
      pool.stats.searches += repaired;
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
        coachRank: pool.coacheeRank,
        row: slotCoach,
      });
      pool.stats.searches += result.searches;
      v = result.potential;
      for (let s = 0; s < slots; s++) {
        const i = result.coachOf[s];
        const j = slotCoach[s];
        const p = i >= 0 ? v[i] - cost[result.arcOf[s]] : 0;
        if (p < unitPotential[j]) unitPotential[j] = p;
        if (i >= 0) coachOf[i] = j;
      }
      if (pool.warmStart) warm = stateFromAssignment(slotCoach, n, result.coachOf, (s) => cost[result.arcOf[s]], v);
    }
    const extra = slotViolations(pool, v, unitPotential, A, B, minWeight, rows, pool.slack, pool.slackLimit);
    if (extra === null) return coachOf;
    if (E === allowed) throw new Error('internal: the dual check failed with every pair in the solve');
    rows = pool.stats.rounds >= MAX_ROUNDS ? topCandidates(pool, minWeight, m) : mergeRows(pool, rows, extra);
  }
}

/**
 * The dual check of the slot solve. Returns null when no usable pair has a negative reduced cost (the flow
 * is proven optimal over all pairs). Otherwise returns, per coachee, the pairs to add: the violated ones
 * and, while `slack` > 0, the nearly violated ones too (reduced cost below slack), most violated first,
 * at most `limit` per coachee. Near-violations are what the next duals would flag, so taking them now
 * saves rounds; they never change the answer, only how fast it is proven.
 */
function slotViolations(
  pool: Pool,
  v: Float64Array,
  unitPotential: Float64Array,
  A: number,
  B: number,
  minWeight: number,
  rows: Rows,
  slack: number,
  limit: number,
): Rows | null {
  const { n, m, coachRank, rowCoach, rowWeight } = pool;
  const inRows = pool.excludedMarkScratch();
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
    if (pool.pinnedCoach[i] >= 0) continue;
    const vi = v[i];
    const len = pool.loadRow(i, minWeight);
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
function warmLimit(pool: Pool, slots: number): number {
  return pool.warmStart ? Math.max(64, Math.floor(slots / 16)) : -1;
}
