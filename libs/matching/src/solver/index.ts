/**
 * The exact solver of a scored pool. Its parts, one file each:
 * - pool.ts: the validated input and the row access every engine shares;
 * - shortlist.ts: the first candidates (each coachee's best coaches, each coach's best coachees);
 * - flow.ts, slots.ts, simplex.ts: the three engines (min-cost flow by coachee, by capacity unit, network simplex
 *   with column generation), each proving its answer optimal against every usable pair;
 * - pricing.ts: the simplex engine's pricing pass over the rows;
 * - maximin.ts: the threshold of the maximin objective; finish.ts: the answer and each unmatched coachee's reason.
 */
import { MatchingError } from '../errors';
import { MAX_WEIGHT, ScoredPairs, Solution, SolveOptions } from '../types';
import { solveByFlow } from './flow';
import { finish } from './finish';
import { maximinThreshold } from './maximin';
import { Pool, SAFE } from './pool';
import { solveBySimplex } from './simplex';
import { solveBySlots } from './slots';

export { DEFAULT_CANDIDATES, DEFAULT_COACH_CANDIDATES, DEFAULT_SLACK, DEFAULT_SLACK_LIMIT } from './pool';

/**
 * Solves a scored pool exactly for the chosen objective, with pins and exclusions. Pairs are optimised on
 * integer weights (score x SCORE_SCALE), so the optimum is exact on scores rounded to 0.001.
 */
export function solve(problem: ScoredPairs, options: SolveOptions = {}): Solution {
  const pool = new Pool(problem, options);
  let minWeight = pool.minWeight;
  if (pool.objective === 'maximin-then-score') minWeight = maximinThreshold(pool);
  const costMode = pool.objective === 'score' ? 'score' : 'matched';
  return finish(pool, solveExact(pool, minWeight, costMode));
}

/** Min-cost flow on each coachee's best candidates, then the dual check over all usable pairs. */
function solveExact(pool: Pool, minWeight: number, mode: 'matched' | 'score'): Int32Array {
  const { n, m } = pool;
  if (pool.engine === 'simplex') {
    // No pass over the pairs first: B = n * MAX_WEIGHT + 1 already exceeds any total score, and the first
    // pricing pass counts the allowed pairs.
    const A = mode === 'matched' ? 1 : n + 1;
    const B = mode === 'matched' ? n * MAX_WEIGHT + 1 : 1;
    if ((A * MAX_WEIGHT + B) * (2 * n + 2) >= SAFE)
      throw new MatchingError('too-large', `a pool of ${n} coachees is too large for exact integer costs`);
    return solveBySimplex(pool, minWeight, A, B, pool.candidatesPerCoachee > 0 ? pool.candidatesPerCoachee : m);
  }
  let allowed = 0;
  let sumMax = 0;
  for (let i = 0; i < n; i++) {
    const len = pool.loadRow(i, minWeight);
    allowed += len;
    let best = 0;
    for (let x = 0; x < len; x++) if (pool.rowWeight[x] > best) best = pool.rowWeight[x];
    sumMax += best;
  }
  pool.stats.allowedPairs = allowed;
  // cost(w) = -(A*w + B): "matched" makes one more match worth more than any total score (B > sum of
  // best weights); "score" makes total score dominate and breaks its ties towards more matches.
  const A = mode === 'matched' ? 1 : n + 1;
  const B = mode === 'matched' ? sumMax + 1 : 1;
  if ((A * MAX_WEIGHT + B) * (2 * n + 2) >= SAFE)
    throw new MatchingError('too-large', `a pool of ${n} coachees is too large for exact integer costs`);

  const k = pool.candidatesPerCoachee > 0 ? pool.candidatesPerCoachee : m;
  const order = Int32Array.from(
    Array.from({ length: n }, (_, i) => i).sort((x, y) => pool.coacheeRank[x] - pool.coacheeRank[y]),
  );
  if (pool.engine === 'slots') return solveBySlots(pool, minWeight, A, B, allowed, k);
  return solveByFlow(pool, minWeight, A, B, allowed, k, order);
}
