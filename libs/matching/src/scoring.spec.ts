import fc from 'fast-check';
import { ProgramInstance } from './instance';
import { parseInstance } from './instance-parser';
import { languageFit, levelFit, pairViolation, roundHalfUp, ScoringContext, scoreProgram } from './scoring';
import { solve } from './solver';
import { OBJECTIVES, PairReason, PairRef, REASON_COUNT, REASON_INDEX, SolveOptions } from './types';
import { seededRandom as prng } from './seeded-random';

const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'UTC', 'America/Los_Angeles'];
const SKILLS = ['active_listening', 'empathy', 'emotional_intelligence', 'trust_building', 'clear_communication'];

/**
 * Pools where every rule fires: shared people (a coach who is also a coachee), managers and skip levels from
 * `people`, departments, languages (some unknown), unknown zones and levels, and exclusions listed twice.
 */
function pool(seed: number, n: number, m: number, options: { skills?: number; languages?: number }): unknown {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const langs = ['en', 'fr', 'ja', 'de', 'es', 'it', 'pt', 'nl', 'sv', 'pl'].concat(
    Array.from({ length: options.languages ?? 0 }, (_, x) => `l${x}`),
  );
  const skills = SKILLS.slice(0, options.skills ?? 5);
  const person = (id: string) => ({
    id,
    personId: r() < 0.1 ? `p${Math.floor(r() * 6)}` : undefined,
    name: `${id} Person`,
    department: r() < 0.9 ? pick(['Sales', 'R&D', 'Ops', 'sales ']) : undefined,
    manager: r() < 0.7 ? `m${Math.floor(r() * 6)}` : undefined,
    level: r() < 0.9 ? Math.floor(r() * 6) : undefined,
    timezone: r() < 0.9 ? pick(ZONES) : undefined,
    languages: r() < 0.1 ? [] : r() < 0.6 ? ['en'] : [pick(langs), pick(langs)].filter((l, x, a) => a.indexOf(l) === x),
  });
  const levels = () => Object.fromEntries(skills.map((s) => [s, Math.floor(r() * 6)]));
  const exclusions = Array.from({ length: n > 0 && m > 0 ? Math.floor(r() * 6) : 0 }, () => ({
    coachee: `e${Math.floor(r() * n)}`,
    coach: `c${Math.floor(r() * m)}`,
    reason: r() < 0.5 ? 'declined-before' : 'excluded',
  }));
  return {
    kind: 'program',
    skills: skills.map((key, x) => ({ key, weight: 1 + (x % 3) })),
    policy: {
      forbidSameDepartment: r() < 0.7,
      forbidReportingLine: r() < 0.8,
      requireSharedLanguage: r() < 0.8,
      maxTimezoneGapHours: r() < 0.8 ? 4 + Math.floor(r() * 6) : null,
      preferredLevelGap: Math.floor(r() * 3),
    },
    people: Array.from({ length: 6 }, (_, x) => ({ id: `m${x}`, manager: x > 0 ? `m${x - 1}` : undefined })),
    coaches: Array.from({ length: m }, (_, k) => ({
      ...person(`c${k}`),
      capacity: 1 + Math.floor(r() * 3),
      strengths: levels(),
    })),
    coachees: Array.from({ length: n }, (_, i) => ({
      ...person(`e${i}`),
      needs: levels(),
      preferredLanguage: r() < 0.3 ? pick(langs) : undefined,
    })),
    effectiveness: m > 1 ? { c1: { [skills[0]]: 4 } } : {},
    exclusions,
  };
}

/** One pair scored the slow way, from the context's public pieces, in the kernel's order of additions. */
function referencePair(ctx: ScoringContext, i: number, k: number): { weight: number; reason: PairReason | null } {
  const { instance } = ctx;
  let reason = pairViolation(ctx, i, k);
  if (reason !== 'same-person') {
    // A pair listed twice keeps the reason it was listed with last.
    const listed = instance.exclusions
      .filter((x) => x.coachee === instance.coachees[i].id && x.coach === instance.coaches[k].id)
      .pop();
    if (listed) reason = listed.reason;
  }
  if (reason) return { weight: -1, reason };
  const S = ctx.skillCount;
  const lang = languageFit(ctx, i, k) * ctx.termPoints.language;
  const level = levelFit(ctx.levelC[k], ctx.levelE[i], instance.policy.preferredLevelGap) * ctx.termPoints.level;
  let points = ctx.zonePoints[ctx.zoneE[i] * ctx.zoneCount + ctx.zoneC[k]] + lang + level;
  for (let s = 0; s < S; s++)
    points += ctx.needShare[i * S + s] * (ctx.strengthPoints[k * S + s] + ctx.effectivenessPoints[k * S + s]);
  return { weight: Math.round(points * 1000), reason: null };
}

describe('scoreProgram', () => {
  it('scores every pair and counts every ruled-out pair exactly as the per-pair definition does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(3, 5),
        fc.constantFrom(0, 40),
        (seed, n, m, skills, languages) => {
          const instance = parseInstance(pool(seed, n, m, { skills, languages })) as ProgramInstance;
          const { pairs, context } = scoreProgram(instance);
          const ruledOut = new Uint32Array(n * REASON_COUNT);
          for (let i = 0; i < n; i++) {
            for (let k = 0; k < m; k++) {
              const want = referencePair(context, i, k);
              expect([i, k, pairs.dense?.[i * m + k]]).toEqual([i, k, want.weight]);
              if (want.reason) ruledOut[i * REASON_COUNT + REASON_INDEX[want.reason]]++;
            }
          }
          expect(Array.from(pairs.ruledOut ?? [])).toEqual(Array.from(ruledOut));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('pools scored row by row (layout rows)', () => {
  it('score every row as dense does, and solve to the same pairs as dense and to the optimum of a solve on every pair', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 40 }),
        // Up to 40 coaches: rows of several pricing blocks (BLOCK_SIZE), so blocks are skipped and coaches reordered.
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...OBJECTIVES),
        fc.constantFrom(1, 2, 16),
        fc.constantFrom<SolveOptions['engine']>('simplex', 'slots', 'coachees'),
        fc.constantFrom(0, 40, 70),
        // No coach side in the first shortlist: the pricing passes, and so the buckets, have to find the rest.
        fc.constantFrom(0, 8),
        (seed, n, m, objective, candidates, engine, minScore, coachCandidates) => {
          const r = prng(seed + 1);
          const parsed = parseInstance(pool(seed, n, m, { skills: 5 })) as ProgramInstance;
          // Capacities 0..3 (full coaches too), so capacity, not only the rules, decides who is matched; in half the
          // pools learned strengths in 0..5 make scores fine-grained, so pairs differ by less than a bucket.
          const learned =
            r() < 0.5
              ? Object.fromEntries(
                  parsed.coaches.map((c) => [c.id, Object.fromEntries(SKILLS.map((s) => [s, { strength: r() * 5 }]))]),
                )
              : undefined;
          const instance: ProgramInstance = {
            ...parsed,
            learned,
            coaches: parsed.coaches.map((c) => ({ ...c, capacity: Math.floor(r() * 4) })),
          };
          const dense = scoreProgram(instance, { layout: 'dense' });
          const rows = scoreProgram(instance, { layout: 'rows' });
          expect(rows.pairs.dense).toBeUndefined();
          const row = new Int32Array(m);
          for (let i = 0; i < n; i++) {
            rows.pairs.rows!.scoreRow(i, row, 0);
            expect(Array.from(row)).toEqual(Array.from(dense.pairs.dense!.subarray(i * m, i * m + m)));
            for (let k = 0; k < m; k++) if (row[k] >= 0) expect(rows.pairs.rows!.allowedWeight(i, k)).toBe(row[k]);
          }
          // Pins on allowed pairs above the minimum, within capacity; exclusions the solver applies on top.
          const used = instance.coaches.map(() => 0);
          const pins: PairRef[] = [];
          const exclusions: PairRef[] = [];
          const minWeight = minScore * 1000;
          for (let i = 0; i < n; i++) {
            const k = Math.floor(r() * m);
            const w = dense.pairs.dense![i * m + k];
            if (r() < 0.15 && w >= minWeight && used[k] < instance.coaches[k].capacity) {
              used[k]++;
              pins.push({ coachee: instance.coachees[i].id, coach: instance.coaches[k].id });
            } else if (m > 0 && r() < 0.15)
              exclusions.push({ coachee: instance.coachees[i].id, coach: instance.coaches[Math.floor(r() * m)].id });
          }
          const options: SolveOptions = { objective, candidates, engine, pins, exclusions, minScore, coachCandidates };
          const a = solve(dense.pairs, options);
          const b = solve(rows.pairs, options);
          expect(Array.from(b.coachOf)).toEqual(Array.from(a.coachOf));
          expect(b.unmatchedReason).toEqual(a.unmatchedReason);
          expect([b.matched, b.totalWeight, b.stats.allowedPairs]).toEqual([
            a.matched,
            a.totalWeight,
            a.stats.allowedPairs,
          ]);
          // The optimum of a solve that takes every pair at once, with the other exact engine.
          const full = solve(dense.pairs, { ...options, candidates: 0, engine: 'coachees' });
          expect([b.matched, b.totalWeight]).toEqual([full.matched, full.totalWeight]);
          if (objective === 'maximin-then-score') expect(b.stats.threshold).toBe(full.stats.threshold);
          expect(Array.from(rows.pairs.ruledOut!)).toEqual(Array.from(dense.pairs.ruledOut!));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('roundHalfUp', () => {
  it('equals Math.round on any double, ties and binade edges included', () => {
    const edges = [
      0.49999999999999994,
      0.5,
      1.5,
      2.5,
      -0.5,
      -2.5,
      65535.5,
      65535.49999999999,
      4503599627370495.5,
      2 ** 52,
      2 ** 53 + 2,
      -0.49999999999999994,
    ];
    for (const v of edges) expect(roundHalfUp(v)).toBe(Math.round(v));
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -4, max: 4 }), (v, ulps) => {
        // Values next to a half-integer are where a naive floor(v + 0.5) goes wrong.
        let x = Math.round(v) + 0.5;
        for (let s = 0; s < Math.abs(ulps); s++)
          x = ulps < 0 ? x - Math.abs(x) * Number.EPSILON : x + Math.abs(x) * Number.EPSILON;
        expect(roundHalfUp(v)).toBe(Math.round(v));
        expect(roundHalfUp(x)).toBe(Math.round(x));
      }),
      { numRuns: 5000 },
    );
  });
});
