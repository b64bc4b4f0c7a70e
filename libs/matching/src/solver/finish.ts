import { PairReason, REASON_CODES, REASON_COUNT, REASON_INDEX, Solution, UnmatchedReason } from '../types';
import { BUCKET_WIDTH, FORBIDDEN_BUCKET, Pool } from './pool';

export function finish(pool: Pool, found: Int32Array): Solution {
  const { n, m } = pool;
  const coachOf = new Int32Array(n).fill(-1);
  const weightOf = new Int32Array(n).fill(-1);
  const pinned = new Uint8Array(n);
  const reasons: (UnmatchedReason | null)[] = new Array<UnmatchedReason | null>(n).fill(null);
  let matched = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const k = pool.pinnedCoach[i] >= 0 ? pool.pinnedCoach[i] : found[i];
    if (pool.pinnedCoach[i] >= 0) pinned[i] = 1;
    if (k >= 0) {
      const w = pool.pairWeight(i, k);
      coachOf[i] = k;
      weightOf[i] = w;
      matched++;
      totalWeight += w;
    } else reasons[i] = m === 0 ? 'no-coaches' : unmatchedReason(pool, i, pool.minWeight);
  }
  return {
    objective: pool.objective,
    coachOf,
    weightOf,
    pinned,
    unmatchedReason: reasons,
    matched,
    totalWeight,
    stats: pool.stats,
  };
}

/** The honest reason coachee i is unmatched: capacity went elsewhere, or the rule that ruled out most coaches. */
function unmatchedReason(pool: Pool, i: number, minWeight: number): UnmatchedReason {
  const { dense, arcs, rows, ruledOut } = pool.problem;
  const counts = new Float64Array(REASON_COUNT);
  let scored = 0;
  let capacityBound = false;
  const visit = (k: number, w: number): void => {
    if (w < 0) return;
    scored++;
    if (pool.isExcluded(i, k)) counts[REASON_INDEX.excluded]++;
    else if (w < minWeight) counts[REASON_INDEX['below-min-score']]++;
    else capacityBound = true;
  };
  if (dense) for (let k = 0; k < pool.m; k++) visit(k, dense[i * pool.m + k]);
  else if (rows && pool.bucketDone?.[i] === 1) {
    // The bucket's floor settles most pairs against minWeight; only the others are scored again.
    const bucket = pool.bucket!;
    for (let k = 0; k < pool.m; k++) {
      const q = bucket[i * pool.m + pool.coachPos[k]];
      visit(
        k,
        q === FORBIDDEN_BUCKET ? -1 : q * BUCKET_WIDTH >= minWeight ? q * BUCKET_WIDTH : rows.allowedWeight(i, k),
      );
    }
  } else if (rows) {
    const off = pool.fullRow(i);
    for (let k = 0; k < pool.m; k++) visit(k, pool.rowData[off + k]);
  } else if (arcs) for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) visit(arcs.coach[a], arcs.weight[a]);
  if (capacityBound) return 'no-capacity';
  if (ruledOut) for (let r = 0; r < REASON_COUNT; r++) counts[r] += ruledOut[i * REASON_COUNT + r];
  else counts[REASON_INDEX.forbidden] += pool.m - scored;
  let best: PairReason = REASON_CODES[0];
  for (let r = 1; r < REASON_COUNT; r++) if (counts[r] > counts[REASON_INDEX[best]]) best = REASON_CODES[r];
  return counts[REASON_INDEX[best]] > 0 ? best : 'no-capacity';
}
