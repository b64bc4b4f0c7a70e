import fc from 'fast-check';
import { choiceLists } from './choice-lists';
import { solve } from './solver';
import type { ScoredPairs } from './types';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** The same pairs in each layout the scorer makes: a dense matrix, compressed rows, rows scored on demand. */
function layouts(w: number[][], caps: number[]): Record<'dense' | 'arcs' | 'rows', ScoredPairs> {
  const n = w.length;
  const m = caps.length;
  const base = { coacheeIds: ids('e', n), coachIds: ids('c', m), capacities: Int32Array.from(caps) };
  const start = new Int32Array(n + 1);
  const coach: number[] = [];
  const weight: number[] = [];
  w.forEach((row, i) => {
    row.forEach((x, k) => {
      if (x >= 0) {
        coach.push(k);
        weight.push(x);
      }
    });
    start[i + 1] = coach.length;
  });
  return {
    dense: { ...base, dense: Int32Array.from(w.flat()) },
    arcs: { ...base, arcs: { start, coach: Int32Array.from(coach), weight: Int32Array.from(weight) } },
    rows: {
      ...base,
      rows: {
        scoreRow: (i, out, off) => w[i].forEach((x, k) => (out[off + k] = x)),
        allowedWeight: (i, k) => w[i][k],
        ms: 0,
      },
    },
  };
}

const instance = fc
  .record({ n: fc.integer({ min: 1, max: 14 }), m: fc.integer({ min: 1, max: 7 }) })
  .chain(({ n, m }) =>
    fc.record({
      caps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: m, maxLength: m }),
      w: fc.array(
        fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 1000 })), { minLength: m, maxLength: m }),
        {
          minLength: n,
          maxLength: n,
        },
      ),
      length: fc.integer({ min: 1, max: 4 }),
    }),
  );

describe('choice lists', () => {
  it('start with the assignment, list each coach at a position no more often than their places, and skip a better coach only when full', () => {
    fc.assert(
      fc.property(instance, ({ caps, w, length }) => {
        const pairs = layouts(w, caps);
        const solution = solve(pairs.dense, { objective: 'score' });
        const lists = choiceLists(pairs.dense, solution, { length });
        const n = w.length;
        for (let i = 0; i < n; i++) {
          const entries = Array.from(lists.coach.subarray(i * length, (i + 1) * length));
          const weights = Array.from(lists.weight.subarray(i * length, (i + 1) * length));
          if (solution.coachOf[i] < 0) {
            expect(entries.every((k) => k === -1)).toBe(true);
            continue;
          }
          expect(entries[0]).toBe(solution.coachOf[i]);
          const listed = entries.filter((k) => k >= 0);
          // Entries first, then -1s; distinct, allowed, with their own pair's weight.
          expect(entries.slice(0, listed.length)).toEqual(listed);
          expect(new Set(listed).size).toBe(listed.length);
          listed.forEach((k, r) => expect(weights[r]).toBe(w[i][k]));
        }
        for (let r = 0; r < length; r++) {
          const count = new Array(caps.length).fill(0);
          for (let i = 0; i < n; i++) if (lists.coach[i * length + r] >= 0) count[lists.coach[i * length + r]]++;
          count.forEach((c, k) => expect(c).toBeLessThanOrEqual(caps[k]));
        }
        // Without profiles only weights count: an unlisted allowed coach better than entry r was full at position r,
        // and a list ends only where every allowed coach not on it was full.
        const countAt = (r: number, k: number) => {
          let c = 0;
          for (let i = 0; i < n; i++) if (lists.coach[i * length + r] === k) c++;
          return c;
        };
        for (let i = 0; i < n; i++) {
          if (solution.coachOf[i] < 0) continue;
          const entries = Array.from(lists.coach.subarray(i * length, (i + 1) * length));
          for (let r = 1; r < length; r++) {
            for (let k = 0; k < caps.length; k++) {
              if (w[i][k] < 0 || entries.includes(k)) continue;
              if (entries[r] < 0 || w[i][k] > w[i][entries[r]]) {
                const full = countAt(r, k) >= caps[k] || (entries[r] < 0 && entries[r - 1] < 0);
                expect({ i, k, r, full }).toEqual({ i, k, r, full: true });
              }
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same lists for every layout of the same pairs', () => {
    fc.assert(
      fc.property(instance, ({ caps, w, length }) => {
        const pairs = layouts(w, caps);
        const solution = solve(pairs.dense, { objective: 'score' });
        const dense = choiceLists(pairs.dense, solution, { length });
        for (const layout of [pairs.arcs, pairs.rows]) {
          const other = choiceLists(layout, solution, { length });
          expect(Array.from(other.coach)).toEqual(Array.from(dense.coach));
          expect(Array.from(other.weight)).toEqual(Array.from(dense.weight));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('prefers a coach who differs from those listed over a near twin of a slightly higher weight', () => {
    // Coaches A and A2 are strong in the same skill, B in another; the coachee fits A best, A2 nearly as well, B less.
    const w = [[900, 880, 800]];
    const profiles = [
      [5, 0],
      [5, 0.2],
      [0, 5],
    ];
    const pairs = layouts(w, [1, 1, 1]).dense;
    const solution = solve(pairs, { objective: 'score' });
    expect(Array.from(choiceLists(pairs, solution, { length: 3, diversity: 0 }).coach)).toEqual([0, 1, 2]);
    const diverse = choiceLists(pairs, solution, { length: 3, profileOf: (k) => profiles[k] });
    expect(Array.from(diverse.coach)).toEqual([0, 2, 1]);
  });

  it('shares a popular coach among lists only as far as their places go at each position', () => {
    // Everyone fits coach 0 best; coach 0 has 1 place, the others 1 each.
    const w = [
      [1000, 500, 400, 300],
      [1000, 600, 300, 200],
      [1000, 700, 200, 100],
    ];
    const pairs = layouts(w, [1, 1, 1, 1]).dense;
    const solution = solve(pairs, { objective: 'score' });
    const lists = choiceLists(pairs, solution, { length: 2 });
    const second = [1, 3, 5].map((x) => lists.coach[x]);
    // Coach 0 is first on one list (the assignment's) and second on exactly one more.
    expect(second.filter((k) => k === 0)).toHaveLength(1);
    expect([0, 2, 4].map((x) => lists.coach[x]).filter((k) => k === 0)).toHaveLength(1);
  });
});
