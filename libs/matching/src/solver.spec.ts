import fc from 'fast-check';
import { solve } from './solver';
import { Objective, OBJECTIVES, PairRef, ScoredPairs, Solution, SolveOptions } from './types';
import { seededRandom } from './seeded-random';

interface Small {
  n: number;
  m: number;
  caps: number[];
  // weight per pair (integer, scaled) or -1 where forbidden
  w: number[][];
  pins: [number, number][];
  exclusions: [number, number][];
  minWeight: number;
}

const ids = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

function toProblem(s: Small, sparse: boolean): ScoredPairs {
  const coacheeIds = ids('e', s.n);
  const coachIds = ids('c', s.m);
  const capacities = Int32Array.from(s.caps);
  if (!sparse) return { coacheeIds, coachIds, capacities, dense: Int32Array.from(s.w.flat()) };
  const start = new Int32Array(s.n + 1);
  const coach: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < s.m; j++) {
      if (s.w[i][j] < 0) continue;
      coach.push(j);
      weight.push(s.w[i][j]);
    }
    start[i + 1] = coach.length;
  }
  return {
    coacheeIds,
    coachIds,
    capacities,
    arcs: { start, coach: Int32Array.from(coach), weight: Int32Array.from(weight) },
  };
}

const refs = (pairs: [number, number][]): PairRef[] => pairs.map(([i, j]) => ({ coachee: `e${i}`, coach: `c${j}` }));

/** Lexicographic objective value, bigger is better. */
function value(objective: Objective, choice: number[], s: Small): number[] {
  let matched = 0;
  let total = 0;
  let min = Infinity;
  choice.forEach((j, i) => {
    if (j < 0) return;
    matched++;
    total += s.w[i][j];
    min = Math.min(min, s.w[i][j]);
  });
  if (objective === 'score') return [total, matched];
  if (objective === 'matched-then-score') return [matched, total];
  return [matched, min, total];
}

const better = (a: number[], b: number[]): boolean => {
  for (let x = 0; x < a.length; x++) if (a[x] !== b[x]) return a[x] > b[x];
  return false;
};

function bruteForce(s: Small, objective: Objective): number[] | null {
  const pinned = new Map(s.pins);
  const excluded = new Set(s.exclusions.map(([i, j]) => i * 100 + j));
  const used = new Array<number>(s.m).fill(0);
  const choice = new Array<number>(s.n).fill(-1);
  let best: number[] | null = null;
  const go = (i: number): void => {
    if (i === s.n) {
      const v = value(objective, choice, s);
      if (!best || better(v, best)) best = v;
      return;
    }
    const pin = pinned.get(i);
    const options = pin !== undefined ? [pin] : [-1, ...Array.from({ length: s.m }, (_, j) => j)];
    for (const j of options) {
      if (j >= 0) {
        if (pin === undefined && (s.w[i][j] < s.minWeight || excluded.has(i * 100 + j))) continue;
        if (used[j] >= s.caps[j]) continue;
        used[j]++;
      }
      choice[i] = j;
      go(i + 1);
      if (j >= 0) used[j]--;
    }
    choice[i] = -1;
  };
  go(0);
  return best;
}

function checkValid(s: Small, sol: Solution): void {
  const used = new Array<number>(s.m).fill(0);
  const excluded = new Set(s.exclusions.map(([i, j]) => i * 100 + j));
  for (let i = 0; i < s.n; i++) {
    const j = sol.coachOf[i];
    if (j < 0) {
      expect(sol.unmatchedReason[i]).not.toBeNull();
      continue;
    }
    used[j]++;
    expect(s.w[i][j]).toBeGreaterThanOrEqual(0);
    expect(sol.weightOf[i]).toBe(s.w[i][j]);
    if (!s.pins.some(([pi]) => pi === i)) {
      expect(excluded.has(i * 100 + j)).toBe(false);
      expect(s.w[i][j]).toBeGreaterThanOrEqual(s.minWeight);
    } else expect(s.pins).toContainEqual([i, j]);
  }
  used.forEach((u, j) => expect(u).toBeLessThanOrEqual(s.caps[j]));
}

// Few distinct weights make ties (and so tie-breaking and maximin plateaus) common.
const smallInstance = fc
  .record({ n: fc.integer({ min: 0, max: 6 }), m: fc.integer({ min: 0, max: 3 }) })
  .chain(({ n, m }) =>
    fc.record({
      n: fc.constant(n),
      m: fc.constant(m),
      caps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: m, maxLength: m }),
      w: fc.array(
        fc.array(fc.oneof(fc.constant(-1), fc.constantFrom(0, 500, 1000, 2000), fc.integer({ min: 0, max: 100000 })), {
          minLength: m,
          maxLength: m,
        }),
        {
          minLength: n,
          maxLength: n,
        },
      ),
      pinSeeds: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
      exclSeeds: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
      minWeight: fc.oneof(fc.constant(0), fc.constantFrom(500, 1000, 50000)),
      candidates: fc.constantFrom(0, 1, 2, 16),
    }),
  )
  .map(({ n, m, caps, w, pinSeeds, exclSeeds, minWeight, candidates }) => {
    const s: Small = { n, m, caps, w, pins: [], exclusions: [], minWeight };
    const used = new Array<number>(m).fill(0);
    if (n > 0 && m > 0) {
      for (const [a, b] of pinSeeds) {
        const i = a % n;
        const j = b % m;
        if (s.pins.some(([pi]) => pi === i) || w[i][j] < minWeight || used[j] >= caps[j]) continue;
        used[j]++;
        s.pins.push([i, j]);
      }
      for (const [a, b] of exclSeeds) {
        const i = a % n;
        const j = b % m;
        if (!s.pins.some(([pi, pj]) => pi === i && pj === j)) s.exclusions.push([i, j]);
      }
    }
    return { s, candidates };
  });

describe('solve', () => {
  for (const objective of OBJECTIVES) {
    it(`matches brute force for ${objective} (pins, exclusions, minScore, dense and sparse)`, () => {
      fc.assert(
        fc.property(smallInstance, fc.boolean(), ({ s, candidates }, sparse) => {
          const options: SolveOptions = {
            objective,
            pins: refs(s.pins),
            exclusions: refs(s.exclusions),
            minScore: s.minWeight / 1000,
            candidates,
          };
          const sol = solve(toProblem(s, sparse), options);
          checkValid(s, sol);
          const choice = Array.from(sol.coachOf);
          expect(value(objective, choice, s)).toEqual(bruteForce(s, objective));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('matches brute force with the coachee-side engine and any coach shortlist', () => {
    fc.assert(
      fc.property(
        smallInstance,
        fc.constantFrom(...OBJECTIVES),
        fc.constantFrom<SolveOptions['engine']>('coachees', 'slots', 'simplex'),
        fc.constantFrom(0, 1, 3),
        ({ s, candidates }, objective, engine, coachCandidates) => {
          const options: SolveOptions = {
            objective,
            pins: refs(s.pins),
            exclusions: refs(s.exclusions),
            minScore: s.minWeight / 1000,
            candidates,
            engine,
            coachCandidates,
          };
          const sol = solve(toProblem(s, true), options);
          checkValid(s, sol);
          expect(value(objective, Array.from(sol.coachOf), s)).toEqual(bruteForce(s, objective));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reaches the same optimum on larger pools whatever the engine, shortlist and re-solve rounds', () => {
    // Short shortlists force several dual-check rounds; few distinct weights make near-ties common.
    const pool = fc
      .record({ n: fc.integer({ min: 1, max: 40 }), m: fc.integer({ min: 1, max: 8 }), seed: fc.nat() })
      .map(({ n, m, seed }) => {
        const next = seededRandom(seed);
        const caps = Array.from({ length: m }, () => Math.floor(next() * 6));
        const w = Array.from({ length: n }, () =>
          Array.from({ length: m }, () => (next() < 0.25 ? -1 : 1000 * Math.floor(next() * 8))),
        );
        const s: Small = { n, m, caps, w, pins: [], exclusions: [], minWeight: 0 };
        return s;
      });
    fc.assert(
      fc.property(pool, fc.constantFrom(...OBJECTIVES), fc.constantFrom(1, 2, 3), (s, objective, candidates) => {
        const reference = solve(toProblem(s, false), { objective, candidates: 0, engine: 'coachees' });
        const want = value(objective, Array.from(reference.coachOf), s);
        for (const engine of ['slots', 'coachees', 'simplex'] as const) {
          for (const coachCandidates of [0, 1]) {
            const sol = solve(toProblem(s, true), { objective, candidates, engine, coachCandidates });
            checkValid(s, sol);
            expect(value(objective, Array.from(sol.coachOf), s)).toEqual(want);
            expect(
              Array.from(solve(toProblem(s, true), { objective, candidates, engine, coachCandidates }).coachOf),
            ).toEqual(Array.from(sol.coachOf));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('warm-started rounds reach the brute-force optimum (tiny shortlists force several rounds)', () => {
    fc.assert(
      fc.property(smallInstance, fc.constantFrom(...OBJECTIVES), fc.constantFrom(0, 1), ({ s }, objective, slack) => {
        const base: SolveOptions = {
          objective,
          pins: refs(s.pins),
          exclusions: refs(s.exclusions),
          minScore: s.minWeight / 1000,
          candidates: 1,
          coachCandidates: 0,
          slack,
          slackLimit: 1,
        };
        const warm = solve(toProblem(s, true), { ...base, warmStart: true });
        const cold = solve(toProblem(s, true), { ...base, warmStart: false });
        checkValid(s, warm);
        const want = bruteForce(s, objective);
        expect(value(objective, Array.from(warm.coachOf), s)).toEqual(want);
        expect(value(objective, Array.from(cold.coachOf), s)).toEqual(want);
        expect(Array.from(solve(toProblem(s, false), { ...base, warmStart: true }).coachOf)).toEqual(
          Array.from(warm.coachOf),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('warm-started rounds match a cold full solve on larger pools with near-ties', () => {
    const pool = fc
      .record({
        n: fc.integer({ min: 1, max: 60 }),
        m: fc.integer({ min: 1, max: 10 }),
        seed: fc.nat(),
        spread: fc.constantFrom(3, 8, 40),
      })
      .map(({ n, m, seed, spread }) => {
        const next = seededRandom(seed);
        const caps = Array.from({ length: m }, () => Math.floor(next() * 6));
        const w = Array.from({ length: n }, () =>
          Array.from({ length: m }, () =>
            next() < 0.2 ? -1 : 50000 + 1000 * Math.floor(next() * spread) + (next() < 0.3 ? 1 : 0),
          ),
        );
        const s: Small = { n, m, caps, w, pins: [], exclusions: [], minWeight: 0 };
        return s;
      });
    let multiRound = 0;
    fc.assert(
      fc.property(
        pool,
        fc.constantFrom(...OBJECTIVES),
        fc.constantFrom(1, 2),
        fc.constantFrom(0, 0.5),
        (s, objective, candidates, slack) => {
          const reference = solve(toProblem(s, false), { objective, candidates: 0, engine: 'coachees' });
          const want = value(objective, Array.from(reference.coachOf), s);
          const options: SolveOptions = { objective, candidates, coachCandidates: 0, slack, slackLimit: 1 };
          const warm = solve(toProblem(s, true), { ...options, warmStart: true });
          const cold = solve(toProblem(s, true), { ...options, warmStart: false });
          checkValid(s, warm);
          if (warm.stats.rounds > 2) multiRound++;
          expect(value(objective, Array.from(warm.coachOf), s)).toEqual(want);
          expect(value(objective, Array.from(cold.coachOf), s)).toEqual(want);
          expect(Array.from(solve(toProblem(s, true), { ...options, warmStart: true }).coachOf)).toEqual(
            Array.from(warm.coachOf),
          );
        },
      ),
      { numRuns: 300 },
    );
    expect(multiRound).toBeGreaterThan(0);
  });

  it('network simplex matches brute force for every objective (pins, exclusions, minScore, tiny shortlists)', () => {
    fc.assert(
      fc.property(
        smallInstance,
        fc.constantFrom(...OBJECTIVES),
        fc.boolean(),
        fc.constantFrom(0, 1),
        fc.constantFrom(1, 16),
        ({ s, candidates }, objective, sparse, coachCandidates, slackLimit) => {
          const options: SolveOptions = {
            objective,
            pins: refs(s.pins),
            exclusions: refs(s.exclusions),
            minScore: s.minWeight / 1000,
            candidates,
            engine: 'simplex',
            coachCandidates,
            slackLimit,
          };
          const sol = solve(toProblem(s, sparse), options);
          checkValid(s, sol);
          expect(value(objective, Array.from(sol.coachOf), s)).toEqual(bruteForce(s, objective));
          expect(Array.from(solve(toProblem(s, !sparse), options).coachOf)).toEqual(Array.from(sol.coachOf));
        },
      ),
      { numRuns: 600 },
    );
  });

  it("network simplex reaches the existing engine's optimum on larger pools with near-ties, whatever the input order", () => {
    const pool = fc
      .record({
        n: fc.integer({ min: 1, max: 120 }),
        m: fc.integer({ min: 1, max: 14 }),
        seed: fc.nat(),
        spread: fc.constantFrom(2, 3, 8, 40),
      })
      .map(({ n, m, seed, spread }) => {
        const next = seededRandom(seed);
        const caps = Array.from({ length: m }, () => Math.floor(next() * 8));
        const w = Array.from({ length: n }, () =>
          Array.from({ length: m }, () =>
            next() < 0.2 ? -1 : 50000 + 1000 * Math.floor(next() * spread) + (next() < 0.3 ? 1 : 0),
          ),
        );
        const s: Small = { n, m, caps, w, pins: [], exclusions: [], minWeight: 0 };
        return s;
      });
    fc.assert(
      fc.property(
        pool,
        fc.constantFrom(...OBJECTIVES),
        fc.constantFrom(1, 2, 4),
        fc.constantFrom(1, 4),
        (s, objective, candidates, slackLimit) => {
          const reference = solve(toProblem(s, false), { objective, candidates: 0, engine: 'slots' });
          const want = value(objective, Array.from(reference.coachOf), s);
          const options: SolveOptions = { objective, candidates, engine: 'simplex', slackLimit };
          const sol = solve(toProblem(s, true), options);
          checkValid(s, sol);
          expect(value(objective, Array.from(sol.coachOf), s)).toEqual(want);
          // The same pool with coachees and coaches listed in reverse order gives the same pairs.
          const rev: Small = {
            ...s,
            caps: [...s.caps].reverse(),
            w: [...s.w].reverse().map((row) => [...row].reverse()),
          };
          const problem = toProblem(rev, true);
          const renamed = {
            ...problem,
            coacheeIds: [...problem.coacheeIds].reverse(),
            coachIds: [...problem.coachIds].reverse(),
          };
          const back = solve(renamed, options);
          for (let i = 0; i < s.n; i++) {
            const k = back.coachOf[s.n - 1 - i];
            expect(k < 0 ? -1 : s.m - 1 - k).toBe(sol.coachOf[i]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same answer for dense and sparse input, and twice in a row', () => {
    fc.assert(
      fc.property(smallInstance, ({ s, candidates }) => {
        const a = solve(toProblem(s, false), { candidates });
        const b = solve(toProblem(s, true), { candidates });
        const c = solve(toProblem(s, true), { candidates });
        expect(Array.from(a.coachOf)).toEqual(Array.from(b.coachOf));
        expect(Array.from(b.coachOf)).toEqual(Array.from(c.coachOf));
      }),
      { numRuns: 200 },
    );
  });

  it('counts the usable pairs (allowed, not excluded, >= minScore, coach not full after pins) in the shortlist pass', () => {
    fc.assert(
      fc.property(
        smallInstance,
        fc.constantFrom<Objective>('matched-then-score', 'score'),
        fc.boolean(),
        fc.constantFrom(0, 1, 3),
        ({ s, candidates }, objective, sparse, coachCandidates) => {
          const sol = solve(toProblem(s, sparse), {
            objective,
            pins: refs(s.pins),
            exclusions: refs(s.exclusions),
            minScore: s.minWeight / 1000,
            candidates,
            coachCandidates,
          });
          const capLeft = [...s.caps];
          for (const [, j] of s.pins) capLeft[j]--;
          let usable = 0;
          for (let i = 0; i < s.n; i++) {
            if (s.pins.some(([pi]) => pi === i)) continue;
            for (let j = 0; j < s.m; j++) {
              if (
                s.w[i][j] >= 0 &&
                s.w[i][j] >= s.minWeight &&
                capLeft[j] > 0 &&
                !s.exclusions.some(([ei, ej]) => ei === i && ej === j)
              )
                usable++;
            }
          }
          expect(sol.stats.allowedPairs).toBe(usable);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('sizes the first shortlist by capacity pressure on long rows and still reaches the optimum of a full solve', () => {
    // 1,000 coaches: rows are long enough for the capacity-bound sizes when coachees outnumber the capacity.
    const r = seededRandom(12345);
    const m = 1000;
    for (const n of [1300, 700]) {
      const caps = Array.from({ length: m }, () => (r() < 0.3 ? 0 : 1 + Math.floor(r() * 2)));
      // Few distinct weights: many ties, so the tie-break matters too.
      const w = Array.from({ length: n }, () =>
        Array.from({ length: m }, () => (r() < 0.3 ? -1 : 1000 * Math.floor(r() * 40))),
      );
      const pinCoach = caps.findIndex((c, j) => c > 0 && w[0][j] >= 2000);
      const s: Small = {
        n,
        m,
        caps,
        w,
        pins: [[0, pinCoach]],
        exclusions: [
          [1, 2],
          [3, 4],
        ],
        minWeight: 2000,
      };
      for (const objective of ['matched-then-score', 'score'] as const) {
        const options: SolveOptions = { objective, pins: refs(s.pins), exclusions: refs(s.exclusions), minScore: 2 };
        const sol = solve(toProblem(s, false), options);
        checkValid(s, sol);
        const full = solve(toProblem(s, false), { ...options, candidates: 0 });
        const fixed = solve(toProblem(s, false), { ...options, candidates: 16, coachCandidates: 8 });
        expect(value(objective, Array.from(sol.coachOf), s)).toEqual(value(objective, Array.from(full.coachOf), s));
        expect(value(objective, Array.from(sol.coachOf), s)).toEqual(value(objective, Array.from(fixed.coachOf), s));
        expect(Array.from(solve(toProblem(s, false), options).coachOf)).toEqual(Array.from(sol.coachOf));
        // The capacity-bound sizes are used only when coachees outnumber the capacity.
        expect(sol.stats.candidatePairs === fixed.stats.candidatePairs).toBe(n < 1000);
      }
    }
  });
});
