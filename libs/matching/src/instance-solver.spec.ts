import fc from 'fast-check';
import { InstanceError, MatchingError } from './errors';
import { ProgramInstance } from './instance';
import { parseInstance } from './instance-parser';
import { rematchCoachee, solveInstance } from './instance-solver';
import { explainPair } from './explain';
import { pairViolation, scoreProgram } from './scoring';
import { OBJECTIVES } from './types';
import { seededRandom as prng } from './seeded-random';

const clock = () => 0;

const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'UTC', 'America/Los_Angeles'];
const SKILLS = ['active_listening', 'empathy', 'emotional_intelligence', 'trust_building', 'clear_communication'];

function randomProgram(seed: number, n: number, m: number): unknown {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const person = (id: string) => ({
    id,
    name: `${id.toUpperCase()} Person`,
    department: pick(['Sales', 'R&D', 'Ops']),
    manager: r() < 0.5 ? `m${Math.floor(r() * 4)}` : undefined,
    level: Math.floor(r() * 5),
    timezone: pick(ZONES),
    languages: r() < 0.8 ? ['en'] : [pick(['fr', 'ja', 'de'])],
  });
  const levels = () => Object.fromEntries(SKILLS.map((s) => [s, Math.floor(r() * 6)]));
  return {
    kind: 'program',
    policy: { forbidSameDepartment: r() < 0.5, maxTimezoneGapHours: 6 },
    people: [{ id: 'm0', manager: 'm3' }],
    coaches: Array.from({ length: m }, (_, k) => ({
      ...person(`c${k}`),
      capacity: Math.floor(r() * 4),
      strengths: levels(),
    })),
    coachees: Array.from({ length: n }, (_, i) => ({ ...person(`e${i}`), needs: levels() })),
    effectiveness: m > 0 ? { c0: { empathy: 5 } } : {},
    exclusions: n > 1 && m > 1 ? [{ coachee: 'e1', coach: 'c1', reason: 'declined-before' }] : [],
  };
}

describe('parseInstance', () => {
  it.each([
    [
      { kind: 'scores', coachees: ['a'], coaches: [{ id: 'c', capacity: 1.5 }], scores: [[1]] },
      'coaches[0].capacity must be a whole number >= 0',
    ],
    [
      { kind: 'scores', coachees: ['a'], coaches: [{ id: 'c', capacity: 1 }], scores: [[101]] },
      'scores[0][0] must be a number in 0..100',
    ],
    [
      { kind: 'scores', coachees: ['a', 'a'], coaches: [], scores: [[], []] },
      'coachees[1] duplicates coachees[0] ("a")',
    ],
    [
      {
        kind: 'scores',
        coachees: ['a'],
        coaches: [{ id: 'c', capacity: 1 }],
        edges: [
          [0, 0, 5],
          [0, 0, 6],
        ],
      },
      'edges[1] duplicates edges[0]',
    ],
    [
      { kind: 'scores', coachees: ['a'], coaches: [{ id: 'c', capacity: 1 }], edges: [[0, 3, 5]] },
      'edges[0][1] must be a coach index below 1',
    ],
    [
      { kind: 'program', coaches: [{ id: 'c', capacity: 1, timezone: 'Mars/Base' }], coachees: [] },
      'coaches[0].timezone must be an IANA time zone',
    ],
    [
      { kind: 'program', coaches: [], coachees: [{ id: 'e', needs: { juggling: 3 } }] },
      'coachees[0].needs.juggling is not a program skill',
    ],
    [{ kind: 'nope' }, 'kind must be "scores" or "program"'],
  ])('names the place of a mistake (%#)', (input, message) => {
    expect(() => parseInstance(input)).toThrow(InstanceError);
    expect(() => parseInstance(input)).toThrow(message);
  });
});

describe('solveInstance edge cases', () => {
  const scores = (
    coachees: string[],
    coaches: { id: string; capacity: number }[],
    s: (number | null)[][],
    extra = {},
  ) => solveInstance({ kind: 'scores', coachees, coaches, scores: s, ...extra }, { clock });

  it('handles no coachees and no coaches', () => {
    expect(scores([], [{ id: 'c', capacity: 1 }], [])).toMatchObject({
      pairs: [],
      unmatched: [],
      matched: 0,
      totalScore: 0,
    });
    expect(scores(['a', 'b'], [], [[], []]).unmatched).toEqual([
      { coachee: 'a', reason: 'no-coaches' },
      { coachee: 'b', reason: 'no-coaches' },
    ]);
  });

  it('reports no-capacity when every capacity is 0', () => {
    const r = scores(['a'], [{ id: 'c', capacity: 0 }], [[50]]);
    expect(r.unmatched).toEqual([{ coachee: 'a', reason: 'no-capacity' }]);
  });

  it('reports forbidden when every pair is forbidden', () => {
    expect(scores(['a'], [{ id: 'c', capacity: 3 }], [[null]]).unmatched).toEqual([
      { coachee: 'a', reason: 'forbidden' },
    ]);
  });

  it('breaks ties by id when all scores are equal, and is stable across input order', () => {
    const a = scores(
      ['b', 'a'],
      [
        { id: 'y', capacity: 1 },
        { id: 'x', capacity: 1 },
      ],
      [
        [10, 10],
        [10, 10],
      ],
    );
    expect(a.matched).toBe(2);
    const b = scores(
      ['a', 'b'],
      [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 1 },
      ],
      [
        [10, 10],
        [10, 10],
      ],
    );
    const sorted = (r: typeof a) => [...r.pairs].sort((p, q) => (p.coachee < q.coachee ? -1 : 1));
    expect(sorted(a)).toEqual(sorted(b));
    expect(sorted(b)).toEqual([
      { coachee: 'a', coach: 'x', score: 10 },
      { coachee: 'b', coach: 'y', score: 10 },
    ]);
  });

  it('lets one coach take the whole pool when its capacity exceeds it', () => {
    const r = scores(['a', 'b', 'c'], [{ id: 'x', capacity: 1000000 }], [[1], [2], [3]]);
    expect(r.matched).toBe(3);
    expect(r.totalScore).toBe(6);
  });

  it('leaves everyone unmatched with below-min-score when minScore is above every score', () => {
    const r = scores(['a', 'b'], [{ id: 'x', capacity: 2 }], [[40], [50.5]], { minScore: 60 });
    expect(r.unmatched).toEqual([
      { coachee: 'a', reason: 'below-min-score' },
      { coachee: 'b', reason: 'below-min-score' },
    ]);
  });

  it('keeps fractional scores exact to 0.001', () => {
    const r = scores(
      ['a', 'b'],
      [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 1 },
      ],
      [
        [87.5, 87.501],
        [87.502, 87.5],
      ],
    );
    expect(r.totalScore).toBeCloseTo(175.003, 6);
  });

  it('solves sparse edges the same as the dense equivalent', () => {
    const dense = scores(
      ['a', 'b'],
      [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 1 },
      ],
      [
        [90, null],
        [80, 70],
      ],
    );
    const sparse = solveInstance(
      {
        kind: 'scores',
        coachees: ['a', 'b'],
        coaches: [
          { id: 'x', capacity: 1 },
          { id: 'y', capacity: 1 },
        ],
        edges: [
          [1, 1, 70],
          [0, 0, 90],
          [1, 0, 80],
        ],
      },
      { clock },
    );
    expect(sparse.pairs).toEqual(dense.pairs);
    expect(dense.totalScore).toBe(160);
  });

  it('rejects a pin on a forbidden pair', () => {
    expect(() =>
      solveInstance({
        kind: 'scores',
        coachees: ['a'],
        coaches: [{ id: 'x', capacity: 1 }],
        scores: [[null]],
        pins: [{ coachee: 'a', coach: 'x' }],
      }),
    ).toThrow(MatchingError);
  });
});

describe('program instances', () => {
  it('scores pairs with a readable breakdown and the hard constraints', () => {
    const instance = parseInstance({
      kind: 'program',
      coaches: [
        { id: 'c1', name: 'Ana', capacity: 1, timezone: 'Europe/Paris', languages: ['en'], strengths: { empathy: 5 } },
        { id: 'boss', name: 'Bo', capacity: 1, timezone: 'Europe/Paris', languages: ['en'], strengths: { empathy: 5 } },
        { id: 'c3', name: 'Cy', capacity: 1, timezone: 'Asia/Tokyo', languages: ['en'], strengths: { empathy: 5 } },
        { id: 'c4', name: 'Di', capacity: 1, timezone: 'Europe/Paris', languages: ['de'], strengths: { empathy: 5 } },
      ],
      coachees: [
        {
          id: 'e1',
          name: 'Dana Smith',
          manager: 'boss',
          timezone: 'America/New_York',
          languages: ['en'],
          needs: { empathy: 5, trust_building: 2 },
        },
      ],
      policy: { maxTimezoneGapHours: 8 },
    }) as ProgramInstance;
    const { pairs, context } = scoreProgram(instance);
    expect(pairViolation(context, 0, 1)).toBe('reporting-line');
    expect(pairViolation(context, 0, 2)).toBe('timezone-gap');
    expect(pairViolation(context, 0, 3)).toBe('no-shared-language');
    expect(pairViolation(context, 0, 0)).toBeNull();
    expect(Array.from(pairs.dense ?? []).slice(1)).toEqual([-1, -1, -1]);
    const b = explainPair(context, 0, 0, pairs.dense![0] / 1000);
    expect(b.reasons[0]).toBe("strong in empathy, Dana's biggest need");
    const sum = b.terms.reduce((acc, t) => acc + t.points, 0);
    expect(Math.abs(sum - b.score)).toBeLessThan(0.05);
  });

  it('reports the reason that ruled out most coaches', () => {
    const r = solveInstance({
      kind: 'program',
      coaches: [
        { id: 'c1', capacity: 1, languages: ['de'] },
        { id: 'c2', capacity: 1, languages: ['fr'] },
        { id: 'c3', capacity: 1, languages: ['en'] },
      ],
      coachees: [{ id: 'e1', languages: ['en'], manager: 'c3' }],
    });
    expect(r.unmatched).toEqual([{ coachee: 'e1', reason: 'no-shared-language' }]);
  });

  it('holds the invariants on random pools for every objective', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(...OBJECTIVES),
        (seed, n, m, objective) => {
          const input = randomProgram(seed, n, m);
          const instance = parseInstance(input) as ProgramInstance;
          const { pairs, context } = scoreProgram(instance);
          const r = solveInstance(input, { objective, clock, candidates: 2 });
          expect(solveInstance(input, { objective, clock, candidates: 2 })).toEqual(r);
          // Pruned and unpruned solves agree on the objective value.
          const full = solveInstance(input, { objective, clock, candidates: 0 });
          expect([full.matched, full.totalScore]).toEqual([r.matched, r.totalScore]);
          expect(r.matched + r.unmatched.length).toBe(n);
          const load = new Map<string, number>();
          for (const p of r.pairs) {
            const i = instance.coachees.findIndex((e) => e.id === p.coachee);
            const k = instance.coaches.findIndex((c) => c.id === p.coach);
            expect(pairViolation(context, i, k)).toBeNull();
            expect(pairs.dense![i * m + k]).toBe(Math.round(p.score * 1000));
            expect(p.breakdown?.reasons.length).toBeGreaterThan(0);
            load.set(p.coach, (load.get(p.coach) ?? 0) + 1);
          }
          for (const c of instance.coaches) expect(load.get(c.id) ?? 0).toBeLessThanOrEqual(c.capacity);
          for (const u of r.unmatched) expect(typeof u.reason).toBe('string');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('re-matches one coachee against the remaining capacity', () => {
    const instance = parseInstance({
      kind: 'program',
      coaches: [
        { id: 'c1', capacity: 1, strengths: { empathy: 5 } },
        { id: 'c2', capacity: 1, strengths: { empathy: 3 } },
        { id: 'c3', capacity: 1, strengths: { empathy: 4 } },
      ],
      coachees: [{ id: 'e1', name: 'Dana', needs: { empathy: 5 } }],
    }) as ProgramInstance;
    expect(rematchCoachee(instance, { coachee: 'e1', remaining: { c1: 1, c2: 1, c3: 1 } })).toMatchObject({
      coach: 'c1',
    });
    expect(
      rematchCoachee(instance, { coachee: 'e1', remaining: { c1: 1, c2: 1, c3: 1 }, excludedCoaches: ['c1'] }),
    ).toMatchObject({ coach: 'c3' });
    expect(rematchCoachee(instance, { coachee: 'e1', remaining: { c1: 0, c2: 1, c3: 0 } })).toMatchObject({
      coach: 'c2',
    });
    expect(rematchCoachee(instance, { coachee: 'e1', remaining: {} })).toEqual({
      coachee: 'e1',
      coach: null,
      reason: 'no-capacity',
    });
    expect(
      rematchCoachee(instance, {
        coachee: 'e1',
        remaining: { c1: 1, c2: 1, c3: 1 },
        excludedCoaches: ['c1', 'c2', 'c3'],
      }),
    ).toEqual({
      coachee: 'e1',
      coach: null,
      reason: 'excluded',
    });
  });
});
