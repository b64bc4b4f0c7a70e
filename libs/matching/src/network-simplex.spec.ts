import fc from 'fast-check';
import { TransportSimplex } from './network-simplex';
import { seededRandom } from './seeded-random';

/** A random transportation instance: n coachees, m coaches with capacities, pairs with integer costs. */
const instance = fc
  .record({ n: fc.integer({ min: 1, max: 25 }), m: fc.integer({ min: 1, max: 6 }), seed: fc.nat() })
  .map(({ n, m, seed }) => {
    const next = seededRandom(seed);
    // The solver never offers a pair to a coach without capacity left, so neither does this.
    const capacity = Int32Array.from({ length: m }, () => 1 + Math.floor(next() * 3));
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) if (next() < 0.7) pairs.push([i, j, -(1 + Math.floor(next() * 20))]);
    return { n, m, capacity, pairs };
  });

function total(ns: TransportSimplex, pairs: [number, number, number][]): number {
  const coachOf = ns.assignment();
  let sum = 0;
  coachOf.forEach((j, i) => {
    if (j >= 0) sum += pairs.find(([pi, pj]) => pi === i && pj === j)![2];
  });
  return sum;
}

describe('TransportSimplex.dropColumns', () => {
  it('keeps the basis, the flow and the potentials, and the solve stays optimal once dropped pairs come back', () => {
    fc.assert(
      fc.property(instance, fc.constantFrom(0, 3, 10), ({ n, m, capacity, pairs }, slack) => {
        const full = new TransportSimplex(n, m, capacity);
        for (const [i, j, c] of pairs) full.addPair(i, j, c);
        full.optimize();
        const optimum = total(full, pairs);

        // Half the pairs first; drop what prices above `slack`; then the rest and the dropped ones again.
        const ns = new TransportSimplex(n, m, capacity);
        const firstHalf = pairs.filter((_, x) => x % 2 === 0);
        for (const [i, j, c] of firstHalf) ns.addPair(i, j, c);
        ns.optimize();
        const before = Array.from(ns.assignment());
        const potentials = Array.from(ns.pi);
        const pivots = ns.pivots;
        const dropped = ns.dropColumns(slack);
        expect(ns.arcCount).toBe(n + m + firstHalf.length - dropped);
        expect(Array.from(ns.assignment())).toEqual(before);
        expect(Array.from(ns.pi)).toEqual(potentials);
        // Still optimal over the columns it kept: no pivot.
        ns.optimize();
        expect(ns.pivots).toBe(pivots);
        for (const [i, j, c] of pairs) ns.addPair(i, j, c);
        ns.optimize();
        expect(total(ns, pairs)).toBe(optimum);
      }),
      { numRuns: 500 },
    );
  });
});
