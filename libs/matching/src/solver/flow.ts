import { AssignmentResult, minCostAssignment } from '../min-cost-flow';
import { MAX_ROUNDS, Pool } from './pool';
import { topCandidates } from './shortlist';

/**
 * The flow engine: min-cost flow (successive shortest paths) on each coachee's best candidates, then the dual check
 * over all usable pairs; the pairs it flags join the candidates and the flow is solved again until none is flagged.
 */
export function solveByFlow(
  pool: Pool,
  minWeight: number,
  A: number,
  B: number,
  allowed: number,
  k: number,
  order: Int32Array,
): Int32Array {
  const m = pool.m;
  // Candidate rows: built once from the top-k, then grown by the pairs the duals flag.
  let rows = topCandidates(pool, minWeight, k);
  for (;;) {
    pool.stats.rounds++;
    const graph = toGraph(pool, rows, A, B, order);
    pool.stats.candidatePairs = graph.coach.length;
    const result = minCostAssignment(graph);
    pool.stats.searches += result.searches;
    const flagged = violations(pool, result, graph.cost, A, B, minWeight);
    if (flagged === null) return result.coachOf;
    if (rows.coach.length === allowed) throw new Error('internal: the dual check failed with every pair in the solve');
    // Rarely needed more than twice; past that, solving on every pair settles it.
    rows = pool.stats.rounds >= MAX_ROUNDS ? topCandidates(pool, minWeight, m) : merge(pool, rows, flagged);
  }
}

function toGraph(
  pool: Pool,
  rows: { start: Int32Array; coach: Int32Array; weight: Int32Array },
  A: number,
  B: number,
  order: Int32Array,
) {
  const cost = new Float64Array(rows.weight.length);
  for (let a = 0; a < cost.length; a++) cost[a] = -(A * rows.weight[a] + B);
  return {
    coacheeCount: pool.n,
    coachCount: pool.m,
    capacity: pool.capLeft,
    start: rows.start,
    coach: rows.coach,
    cost,
    weight: rows.weight,
    order,
    coachRank: pool.coachRank,
  };
}

/**
 * Checks every usable pair's reduced cost against the duals. Null proves the flow optimal over all pairs;
 * otherwise returns the violated pairs per coachee.
 */
function violations(
  pool: Pool,
  result: AssignmentResult,
  cost: Float64Array,
  A: number,
  B: number,
  minWeight: number,
): Map<number, { coach: number[]; weight: number[]; reduced: number[] }> | null {
  const v = result.potential;
  const found = new Map<number, { coach: number[]; weight: number[]; reduced: number[] }>();
  let total = 0;
  for (let i = 0; i < pool.n; i++) {
    if (pool.pinnedCoach[i] >= 0) continue;
    const j = result.coachOf[i];
    const pi = j >= 0 ? v[j] - cost[result.arcOf[i]] : 0;
    const len = pool.loadRow(i, minWeight);
    for (let x = 0; x < len; x++) {
      const k = pool.rowCoach[x];
      const w = pool.rowWeight[x];
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
  const limit = Math.max(1, pool.candidatesPerCoachee);
  for (const [i, e] of found) {
    if (e.coach.length <= limit) continue;
    const keep = e.coach
      .map((_, x) => x)
      .sort((x, y) => e.reduced[x] - e.reduced[y] || pool.coachRank[e.coach[x]] - pool.coachRank[e.coach[y]])
      .slice(0, limit);
    found.set(i, {
      coach: keep.map((x) => e.coach[x]),
      weight: keep.map((x) => e.weight[x]),
      reduced: keep.map((x) => e.reduced[x]),
    });
  }
  return found;
}

function merge(
  pool: Pool,
  rows: { start: Int32Array; coach: Int32Array; weight: Int32Array },
  extra: Map<number, { coach: number[]; weight: number[] }>,
): { start: Int32Array; coach: Int32Array; weight: Int32Array } {
  let added = 0;
  for (const e of extra.values()) added += e.coach.length;
  const n = pool.n;
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
