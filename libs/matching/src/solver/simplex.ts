import { TIE_LIMIT, TransportSimplex } from '../network-simplex';
import { SCORE_SCALE } from '../types';
import { CoachBlocks } from './blocks';
import { Pool } from './pool';
import { RowPicks, priceDense, priceSparse } from './pricing';
import { coachTopCandidates, mergeRows, newCoachLists, topCandidates } from './shortlist';

/** Simplex engine: columns whose reduced cost exceeds this many weight units (2 score points) x A are dropped after each pricing pass. */
const DROP_SLACK = 2 * SCORE_SCALE;

/**
 * The second-phase cost of pair (coachee rank r, coach rank c) among equal optima: minus (r + 1)(c + 1), scaled to
 * at most TIE_LIMIT. The least total pairs ranks in the same order as far as the ties allow (the rearrangement
 * inequality), so the lowest ids go together; pairs whose scaled products are equal are left to the pivot order.
 */
function tieBreakCost(n: number, m: number): (r: number, c: number) => number {
  const scale = TIE_LIMIT / (Math.max(1, n) * Math.max(1, m));
  return (r, c) => -Math.round((r + 1) * (c + 1) * scale);
}

/**
 * Primal network simplex with column generation. Nodes are numbered in id order (coachee rank, coach rank),
 * and arcs are added in id order, so the answer does not depend on the order of the input. The first
 * solve runs on a shortlist (each coachee's best coaches plus each coach's best coachees); then every
 * usable pair is priced against the node potentials, the most violated few per coachee join as new
 * columns, and pivoting continues from the current basis. No pair pricing negative proves optimality.
 */
export function solveBySimplex(pool: Pool, minWeight: number, A: number, B: number, k: number): Int32Array {
  const { n, m, capLeft, coacheeRank, coachRank } = pool;
  const coacheeAt = new Int32Array(n);
  for (let i = 0; i < n; i++) coacheeAt[coacheeRank[i]] = i;
  const capByRank = new Int32Array(m);
  for (let j = 0; j < m; j++) capByRank[coachRank[j]] = capLeft[j];
  // One pass over the pairs fills both shortlists: each coachee's best coaches and each coach's best coachees.
  const lists = k < m && pool.coachCandidates > 0 ? newCoachLists(pool) : undefined;
  let rows = topCandidates(pool, minWeight, k, lists);
  pool.stats.allowedPairs = pool.lastAllowed;
  if (lists) rows = mergeRows(pool, rows, coachTopCandidates(pool, rows, minWeight, lists));
  const ns = new TransportSimplex(n, m, capByRank, rows.coach.length);
  const pi = ns.pi;
  const limit = Math.max(1, pool.slackLimit);
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
  const { dense, arcs, rows: pairRows } = pool.problem;
  const { bucket, bucketDone } = pool;
  // A `rows` pool prices by blocks of coaches (blocks.ts): most blocks are skipped unread near the optimum.
  const blocks = pairRows && bucket && bucketDone ? new CoachBlocks(pool) : null;
  const coachPi = new Float64Array(m);
  const picks = new RowPicks(limit, m, coachRank);
  // Pairs of zero reduced cost found by the latest pricing pass: coachee rank r's are tightRow[r] .. tightEnd[r] - 1.
  const tightRow = new Int32Array(n);
  const tightEnd = new Int32Array(n);
  let tightCoachBuf = new Int32Array(1 << 16);
  let tightWeightBuf = new Int32Array(1 << 16);
  let tightPos = 0;
  for (;;) {
    pool.stats.rounds++;
    ns.optimize();
    pool.stats.candidatePairs = ns.arcCount - n - m;
    pool.stats.searches = ns.pivots;
    // A full coach gets potential -infinity: its pairs price at +infinity and never yield a column.
    for (let j = 0; j < m; j++) coachPi[j] = capLeft[j] > 0 ? pi[n + coachRank[j]] : -Infinity;
    blocks?.begin(coachPi);
    let priced = 0;
    let added = 0;
    tightPos = 0;
    for (let r = 0; r < n; r++) {
      tightRow[r] = tightPos;
      tightEnd[r] = tightPos;
      const i = coacheeAt[r];
      if (blocks && bucketDone) {
        // A pass that reorders the coaches moves every scored row, a pinned one's too (pairWeight reads it).
        if (bucketDone[i] === 0 && pool.pinnedCoach[i] < 0) {
          pool.fullRow(i);
          if (!blocks.reordering) blocks.fillTops(i);
        }
        if (blocks.reordering && bucketDone[i] === 1) blocks.moveRow(i);
      }
      if (pool.pinnedCoach[i] >= 0) continue;
      const base = pi[r] - B;
      // An excluded pair prices at +infinity for this row only.
      const e0 = pool.exclStart[i];
      const e1 = pool.exclStart[i + 1];
      for (let e = e0; e < e1; e++) coachPi[pool.exclCoach[e]] = -Infinity;
      picks.reset();
      if (dense) {
        priceDense(dense, i * m, m, minWeight, base, A, coachPi, picks);
      } else if (blocks) {
        for (let e = e0; e < e1; e++) blocks.setPi(pool.exclCoach[e], -Infinity);
        blocks.priceRow(i, minWeight, base, A, picks);
        priced++;
        // Blocks are read in the pass's coach order; the tight pairs go on in coach order, as a dense row gives them.
        picks.sortTight();
      } else if (arcs) {
        const a0 = arcs.start[i];
        const a1 = arcs.start[i + 1];
        priceSparse(arcs.coach, arcs.weight, a0, a1, minWeight, base, A, coachPi, picks);
      }
      for (let e = e0; e < e1; e++) {
        const k = pool.exclCoach[e];
        coachPi[k] = capLeft[k] > 0 ? pi[n + coachRank[k]] : -Infinity;
        blocks?.setPi(k, coachPi[k]);
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
    blocks?.end(priced);
    if (added === 0) break;
    // Columns pricing well above zero rarely enter again but every pivot's block search would keep pricing
    // them; dropping them leaves them to the next pricing pass like any other pair (measured: a third fewer
    // pivot-search work on the program round, same number of rounds).
    ns.dropColumns(A * DROP_SLACK);
  }
  // Ties: every optimum uses only pairs whose reduced cost is 0 under these (optimal) potentials, and every
  // flow on those pairs that keeps the other arcs where they are is an optimum. The last pricing pass ran
  // under these potentials, so its tight pairs are all of them (it added no column, so no row's cut fell below 0 and
  // no block holding one was skipped); with them as the only columns, a second
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
  pool.stats.searches = ns.pivots;
  const coachAt = new Int32Array(m);
  for (let j = 0; j < m; j++) coachAt[coachRank[j]] = j;
  const byRank = ns.assignment();
  const coachOf = new Int32Array(n).fill(-1);
  for (let r = 0; r < n; r++) if (byRank[r] >= 0) coachOf[coacheeAt[r]] = coachAt[byRank[r]];
  return coachOf;
}
