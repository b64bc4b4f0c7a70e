/**
 * Warm start for the slot solve: keeps an optimal flow and its node potentials between the rounds of the
 * candidate + dual-check loop, and repairs only what newly added pairs break instead of solving again.
 *
 * Network (the slot engine's): every capacity unit ("slot") supplies one unit, sent either to a coachee
 * (arc cost `cost`, capacity 1) or straight to the sink (the "unassigned" arc, cost 0); every coachee sends at
 * most one unit on to the sink (cost 0). Potentials are explicit on every node (slots, coachees, sink);
 * the flow is optimal iff every residual arc has reduced cost `cost + p(tail) - p(head) >= 0`.
 *
 * Repair: a slot with an arc of negative reduced cost gives its unit back (its former head is left short of
 * one unit: a deficit) and raises its own potential until all its arcs are non-negative again, which is
 * allowed because no residual arc enters a slot with no outflow. Every residual arc is then non-negative
 * again, and successive shortest paths (Dijkstra on reduced costs) send each returned unit to the nearest
 * deficit. The result is an optimal flow for the new arc set, with potentials that certify it.
 */
import { IndexedMinHeap } from './indexed-heap';

/** Arcs of the slot network in columns by coach: the units of coach j share arcs colStart[j]..colStart[j+1]. */
export interface SlotColumns {
  readonly colStart: Int32Array;
  readonly colCoachee: Int32Array;
  readonly cost: Float64Array;
}

/** An optimal flow of the slot network with its potentials. */
export interface SlotState {
  /** Coach of each slot. */
  readonly slotCoach: Int32Array;
  /** Coachee a slot sends its unit to; -2: the unassigned arc; -1: nowhere yet (only during a repair). */
  readonly target: Int32Array;
  /** Cost of the arc slot -> target (0 when unassigned). */
  readonly targetCost: Float64Array;
  /** Slot sending its unit to coachee i, or -1. */
  readonly slotOf: Int32Array;
  /** 1 when coachee i sends a unit to the sink. */
  readonly outSink: Uint8Array;
  readonly slotPotential: Float64Array;
  readonly coacheePotential: Float64Array;
  sinkPotential: number;
}

/** The state of a cold solve's answer (potentials implied by the assignment, as minCostAssignment keeps them). */
export function stateFromAssignment(
  slotCoach: Int32Array,
  coacheeCount: number,
  coachOf: Int32Array,
  arcCost: (slot: number) => number,
  coacheePotential: Float64Array,
): SlotState {
  const S = slotCoach.length;
  const target = new Int32Array(S).fill(-2);
  const targetCost = new Float64Array(S);
  const slotOf = new Int32Array(coacheeCount).fill(-1);
  const outSink = new Uint8Array(coacheeCount);
  const slotPotential = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const i = coachOf[s];
    if (i < 0) continue;
    const c = arcCost(s);
    target[s] = i;
    targetCost[s] = c;
    slotOf[i] = s;
    outSink[i] = 1;
    slotPotential[s] = coacheePotential[i] - c;
  }
  return {
    slotCoach,
    target,
    targetCost,
    slotOf,
    outSink,
    slotPotential,
    coacheePotential: Float64Array.from(coacheePotential),
    sinkPotential: 0,
  };
}

/**
 * Restores optimality of `state` on the arcs of `cols` (a superset of the arcs it was optimal on). Returns the
 * number of shortest-path searches, or -1 (state untouched) when more than `maxExcess` slots would need one.
 */
export function warmRepair(state: SlotState, cols: SlotColumns, maxExcess = Infinity): number {
  const { slotCoach, target, targetCost, slotOf, outSink, slotPotential: pu, coacheePotential: pv } = state;
  const { colStart, colCoachee, cost } = cols;
  const S = slotCoach.length;
  const n = pv.length;
  const SINK = S + n;
  const N = S + n + 1;

  // 1. Slots with a negative arc give their unit back and raise their potential.
  const excess: number[] = [];
  for (let u = 0; u < S; u++) {
    const j = slotCoach[u];
    // The unassigned arc carries flow when target is -2: it is tight then, not a forward arc to check.
    let minRc = target[u] === -2 ? 0 : pu[u] - state.sinkPotential;
    const base = pu[u];
    const own = target[u];
    for (let a = colStart[j]; a < colStart[j + 1]; a++) {
      const i = colCoachee[a];
      if (i === own) continue;
      const rc = cost[a] + base - pv[i];
      if (rc < minRc) minRc = rc;
    }
    if (minRc < 0) excess.push(u);
  }
  // Too much to repair: the caller is better off solving from scratch.
  if (excess.length > maxExcess) return -1;
  let sinkDeficit = 0;
  for (const u of excess) {
    const j = slotCoach[u];
    const own = target[u];
    const base = pu[u];
    if (own >= 0) slotOf[own] = -1;
    else sinkDeficit++;
    target[u] = -1;
    targetCost[u] = 0;
    // Every arc out of u (the unassigned one included) is now a forward residual arc.
    let lowest = base - state.sinkPotential;
    for (let a = colStart[j]; a < colStart[j + 1]; a++) {
      const rc = cost[a] + base - pv[colCoachee[a]];
      if (rc < lowest) lowest = rc;
    }
    if (lowest < 0) pu[u] -= lowest;
  }
  if (excess.length === 0) return 0;

  // 2. Successive shortest paths from each excess to the nearest deficit.
  const dist = new Float64Array(N).fill(Infinity);
  const pred = new Int32Array(N).fill(-1);
  const predCost = new Float64Array(N);
  const mark = new Uint8Array(N);
  const touched = new Int32Array(N);
  const heap = new IndexedMinHeap(N, dist);
  let touchedLen = 0;
  // pc: cost of the arc used (for a slot -> coachee step, to record the new assignment's cost).
  const relax = (y: number, d: number, from: number, pc: number): void => {
    if (mark[y] === 2) return;
    if (mark[y] === 0) {
      mark[y] = 1;
      touched[touchedLen++] = y;
      dist[y] = d;
      pred[y] = from;
      predCost[y] = pc;
      heap.push(y);
    } else if (d < dist[y]) {
      dist[y] = d;
      pred[y] = from;
      predCost[y] = pc;
      heap.decreased(y);
    }
  };
  const finalised: number[] = [];

  for (const u0 of excess) {
    touchedLen = 0;
    heap.clear();
    finalised.length = 0;
    relax(u0, 0, -1, 0);
    let terminal = -1;
    let D = 0;
    while (heap.size > 0) {
      const x = heap.pop();
      mark[x] = 2;
      finalised.push(x);
      const dx = dist[x];
      if (x < S) {
        const j = slotCoach[x];
        const px = pu[x];
        const own = target[x];
        for (let a = colStart[j]; a < colStart[j + 1]; a++) {
          const i = colCoachee[a];
          if (i === own) continue;
          relax(S + i, dx + cost[a] + px - pv[i], x, cost[a]);
        }
        relax(SINK, dx + px - state.sinkPotential, x, 0);
      } else if (x < SINK) {
        const i = x - S;
        const s = slotOf[i];
        if (outSink[i] === 1 && s < 0) {
          terminal = x;
          D = dx;
          break;
        }
        if (s >= 0) relax(s, dx - (targetCost[s] + pu[s] - pv[i]), x, 0);
        if (outSink[i] === 0) relax(SINK, dx + pv[i] - state.sinkPotential, x, 0);
      } else {
        if (sinkDeficit > 0) {
          terminal = x;
          D = dx;
          break;
        }
        const ps = state.sinkPotential;
        for (let i = 0; i < n; i++) if (outSink[i] === 1) relax(S + i, dx + ps - pv[i], x, 0);
        for (let s = 0; s < S; s++) if (target[s] === -2) relax(s, dx + ps - pu[s], x, 0);
      }
    }
    if (terminal < 0) throw new Error('internal: warm repair found no deficit to send a unit to');
    for (const x of finalised) {
      const d = dist[x];
      if (d >= D) continue;
      if (x < S) pu[x] += d - D;
      else if (x < SINK) pv[x - S] += d - D;
      else state.sinkPotential += d - D;
    }
    // Augment along the path, terminal back to u0.
    if (terminal === SINK) sinkDeficit--;
    let y = terminal;
    while (y !== u0) {
      const x = pred[y];
      if (x < S) {
        // Forward arc out of slot x: to coachee y - S, or the unassigned arc.
        if (y < SINK) {
          target[x] = y - S;
          targetCost[x] = predCost[y];
          slotOf[y - S] = x;
        } else {
          target[x] = -2;
          targetCost[x] = 0;
        }
      } else if (x < SINK) {
        const i = x - S;
        if (y < S) {
          // Reverse of slot y -> coachee i.
          if (slotOf[i] === y) slotOf[i] = -1;
          if (target[y] === i) target[y] = -1;
        } else outSink[i] = 1;
      } else if (y < S) {
        if (target[y] === -2) target[y] = -1;
      } else outSink[y - S] = 0;
      y = x;
    }
    for (let t = 0; t < touchedLen; t++) {
      const z = touched[t];
      mark[z] = 0;
      dist[z] = Infinity;
    }
  }
  return excess.length;
}
