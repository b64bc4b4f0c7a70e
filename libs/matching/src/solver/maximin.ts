import { maxCardinality } from '../max-flow';
import { SCORE_SCALE } from '../types';
import { Pool } from './pool';

/** The highest lowest-pair weight that still allows the maximum number of matches (maximin objective). */
export function maximinThreshold(pool: Pool): number {
  const n = pool.n;
  const start = new Int32Array(n + 1);
  const coachParts: Int32Array[] = [];
  const weightParts: Int32Array[] = [];
  const distinct = new Set<number>();
  for (let i = 0; i < n; i++) {
    const len = pool.loadRow(i, pool.minWeight);
    start[i + 1] = start[i] + len;
    coachParts.push(pool.rowCoach.slice(0, len));
    const ws = pool.rowWeight.slice(0, len);
    weightParts.push(ws);
    for (let x = 0; x < len; x++) distinct.add(ws[x]);
  }
  const coach = new Int32Array(start[n]);
  const weight = new Int32Array(start[n]);
  for (let i = 0; i < n; i++) {
    coach.set(coachParts[i], start[i]);
    weight.set(weightParts[i], start[i]);
  }
  const best = maxCardinality(n, pool.capLeft, start, coach, weight, pool.minWeight);
  let pinnedMin = Infinity;
  for (let i = 0; i < n; i++) if (pool.pinnedCoach[i] >= 0) pinnedMin = Math.min(pinnedMin, pool.pinnedWeight[i]);
  let threshold = pool.minWeight;
  if (best > 0) {
    const values = Float64Array.from(distinct).sort();
    // values[lo] is feasible, values[hi] is not (hi may be one past the end).
    let lo = 0;
    let hi = values.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (maxCardinality(n, pool.capLeft, start, coach, weight, values[mid]) === best) lo = mid;
      else hi = mid;
    }
    threshold = Math.max(pool.minWeight, values[lo]);
  }
  // Pins are part of the assignment: no lowest score above the lowest pinned one is worth giving up total for.
  if (pinnedMin < threshold) threshold = Math.max(pool.minWeight, pinnedMin);
  pool.stats.threshold = threshold / SCORE_SCALE;
  return threshold;
}
