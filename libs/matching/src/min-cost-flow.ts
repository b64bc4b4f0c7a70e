/**
 * Capacitated assignment as a min-cost flow, solved by successive shortest paths (Dijkstra with potentials).
 *
 * Network: every coachee supplies one unit; it flows either over a coachee->coach arc (cost `cost[a]`, which
 * the caller makes negative for a worthwhile pair) then over the coach->sink arc that carries the coach's
 * capacity, or over the coachee's own "unassigned" arc (cost 0) straight to the sink. Coachees are added one
 * at a time; after each shortest augmenting path the flow is optimal for the coachees added so far.
 *
 * Only coach potentials are stored. A coachee's potential is implied by its coach (`v[j] - cost(i, j)`, which
 * keeps the reverse arc tight), an unassigned coachee's is 0, the sink's stays 0 because every update is
 * shifted by the terminal distance, and a coach with room left therefore always has potential 0. Costs are
 * integers below 2^53, so every distance and potential is exact in a float64.
 */
import { IndexedMinHeap } from './indexed-heap';

/** Input of the assignment core: arcs in compressed rows by coachee, integer costs. */
export interface AssignmentGraph {
  readonly coacheeCount: number;
  readonly coachCount: number;
  /** Effective capacity per coach (already clamped to the number of coachees). */
  readonly capacity: Int32Array;
  readonly start: Int32Array;
  readonly coach: Int32Array;
  readonly cost: Float64Array;
  /** Order in which coachees are added (a permutation of a subset of coachee indices). */
  readonly order: Int32Array;
  /** Tie-break rank per coach: among equal distances the lower rank wins. */
  readonly coachRank: Int32Array;
  /**
   * Optional row indirection: source i uses the arcs of row `row[i]` (`start[row[i]] .. start[row[i] + 1]`),
   * so identical sources (the capacity units of one coach, when the roles are swapped) share one row.
   * Arc indices in the result still point into `coach`/`cost`.
   */
  readonly row?: Int32Array;
}

/** Optimal flow plus the duals that certify it. */
export interface AssignmentResult {
  /** Arc used by coachee i, or -1 if unassigned (or never added). */
  readonly arcOf: Int32Array;
  readonly coachOf: Int32Array;
  /** Coach potentials: reduced cost of arc (i, k) is `cost + pi(i) - potential[k]`. */
  readonly potential: Float64Array;
  readonly searches: number;
}

/** Solves the assignment exactly; see the module comment for the model. */
export function minCostAssignment(g: AssignmentGraph): AssignmentResult {
  const { coacheeCount: n, coachCount: m, capacity, coach, cost, order, coachRank } = g;
  const row = g.row;
  // rowStart/rowEnd of source i: through the optional indirection.
  let start = g.start;
  let end = g.start.subarray(1);
  if (row) {
    start = new Int32Array(n);
    end = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      start[i] = g.start[row[i]];
      end[i] = g.start[row[i] + 1];
    }
  }
  const v = new Float64Array(m);
  const count = new Int32Array(m);
  const slotStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) slotStart[j + 1] = slotStart[j] + capacity[j];
  const slotCoachee = new Int32Array(slotStart[m]);
  const slotOf = new Int32Array(n).fill(-1);
  const arcOf = new Int32Array(n).fill(-1);
  const coachOf = new Int32Array(n).fill(-1);

  const dist = new Float64Array(m).fill(Infinity);
  const predArc = new Int32Array(m);
  const predCoachee = new Int32Array(m);
  // 0 untouched, 1 labelled (in heap), 2 finalised
  const mark = new Uint8Array(m);
  const touched = new Int32Array(m);
  const finalised = new Int32Array(m);
  const heap = new IndexedMinHeap(m, dist, coachRank);
  let searches = 0;
  let rowCount = 0;
  if (row) for (let i = 0; i < n; i++) rowCount = Math.max(rowCount, row[i] + 1);
  const rowBase = new Float64Array(rowCount).fill(Infinity);
  const rowTouched = new Int32Array(rowCount);
  let rowTouchedLen = 0;

  for (let t = 0; t < order.length; t++) {
    const i0 = order[t];
    const aEnd = end[i0];

    // Fast path: when the cheapest coach (by reduced cost) has room, Dijkstra would stop right there.
    let best = -1;
    let bestArc = -1;
    let bestD = 0;
    for (let a = start[i0]; a < aEnd; a++) {
      const k = coach[a];
      if (capacity[k] === 0) continue;
      const d = cost[a] - v[k];
      if (d < bestD || (d === bestD && best >= 0 && coachRank[k] < coachRank[best])) {
        best = k;
        bestArc = a;
        bestD = d;
      }
    }
    if (best < 0) continue;
    if (count[best] < capacity[best]) {
      const s = slotStart[best] + count[best]++;
      slotCoachee[s] = i0;
      slotOf[i0] = s;
      arcOf[i0] = bestArc;
      coachOf[i0] = best;
      continue;
    }

    searches++;
    let touchedLen = 0;
    for (let a = start[i0]; a < aEnd; a++) {
      const k = coach[a];
      if (capacity[k] === 0) continue;
      const d = cost[a] - v[k];
      if (mark[k] === 0) {
        mark[k] = 1;
        touched[touchedLen++] = k;
        dist[k] = d;
        predArc[k] = a;
        predCoachee[k] = i0;
        heap.push(k);
      } else if (d < dist[k]) {
        dist[k] = d;
        predArc[k] = a;
        heap.decreased(k);
      }
    }

    // Terminal: D is the best distance to the sink, reached via a coach with room (termCoach) or by
    // leaving some coachee unassigned (termCoachee; -1 with termCoach -1 means i0 itself stays unassigned).
    let D = 0;
    let termCoach = -1;
    let termCoachee = -1;
    let finalisedLen = 0;
    while (heap.size > 0) {
      const j = heap.peek();
      const dj = dist[j];
      if (dj >= D) break;
      heap.pop();
      mark[j] = 2;
      finalised[finalisedLen++] = j;
      if (count[j] < capacity[j]) {
        D = dj;
        termCoach = j;
        termCoachee = -1;
        break;
      }
      const vj = v[j];
      const sEnd = slotStart[j] + count[j];
      for (let s = slotStart[j]; s < sEnd; s++) {
        const i = slotCoachee[s];
        const base = dj + vj - cost[arcOf[i]];
        if (base < D) {
          D = base;
          termCoach = -1;
          termCoachee = i;
        }
        if (row) {
          // Sources sharing a row: relaxing it again from a source reached no cheaper changes no label.
          const r = row[i];
          if (rowBase[r] <= base) continue;
          if (rowBase[r] === Infinity) rowTouched[rowTouchedLen++] = r;
          rowBase[r] = base;
        }
        const bEnd = end[i];
        for (let a = start[i]; a < bEnd; a++) {
          const k = coach[a];
          const mk = mark[k];
          if (mk === 2 || capacity[k] === 0) continue;
          const d = base + cost[a] - v[k];
          if (mk === 0) {
            mark[k] = 1;
            touched[touchedLen++] = k;
            dist[k] = d;
            predArc[k] = a;
            predCoachee[k] = i;
            heap.push(k);
          } else if (d < dist[k]) {
            dist[k] = d;
            predArc[k] = a;
            predCoachee[k] = i;
            heap.decreased(k);
          }
        }
      }
    }
    for (let f = 0; f < finalisedLen; f++) {
      const j = finalised[f];
      if (dist[j] < D) v[j] += dist[j] - D;
    }

    // Augment along the predecessor chain, back to i0.
    let k: number;
    let slot: number;
    if (termCoach >= 0) {
      k = termCoach;
      slot = slotStart[k] + count[k]++;
    } else if (termCoachee >= 0) {
      k = coachOf[termCoachee];
      slot = slotOf[termCoachee];
      coachOf[termCoachee] = -1;
      arcOf[termCoachee] = -1;
      slotOf[termCoachee] = -1;
    } else {
      k = -1;
      slot = -1;
    }
    while (k >= 0) {
      const i = predCoachee[k];
      const previousCoach = coachOf[i];
      const previousSlot = slotOf[i];
      slotCoachee[slot] = i;
      slotOf[i] = slot;
      coachOf[i] = k;
      arcOf[i] = predArc[k];
      if (i === i0) break;
      k = previousCoach;
      slot = previousSlot;
    }

    for (let x = 0; x < rowTouchedLen; x++) rowBase[rowTouched[x]] = Infinity;
    rowTouchedLen = 0;
    for (let x = 0; x < touchedLen; x++) {
      const j = touched[x];
      mark[j] = 0;
      dist[j] = Infinity;
    }
    heap.clear();
  }

  return { arcOf, coachOf, potential: v, searches };
}
