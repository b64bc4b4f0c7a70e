import {
  calibrate,
  coachBias,
  disclosure,
  fadeWeight,
  posteriors,
  PRIOR_ANSWERS,
  priorStrength,
  SELF_VARIANCE,
  progressScore,
  type SkillEvidence,
  type SkillSums,
} from './learning-model';

/** The faded sums of some answers (0..5 scores), each with its weight. */
function sums(
  personId: string,
  skill: string,
  scores: number[],
  options: { weights?: number[]; coachees?: number } = {},
): SkillSums {
  const w = options.weights ?? scores.map(() => 1);
  return {
    personId,
    skill,
    w: w.reduce((a, b) => a + b, 0),
    wx: scores.reduce((a, x, i) => a + w[i] * x, 0),
    wxx: scores.reduce((a, x, i) => a + w[i] * x * x, 0),
    answers: scores.length,
    coachees: options.coachees ?? 1,
    programs: 1,
  };
}

/** Evidence whose posterior sd follows from its certainty (noise variance 1, so sd^2 = (1 - certainty) / 3 at 3 prior answers). */
const evidence = (estimate: number, certainty: number, coachees = 3): SkillEvidence => ({
  estimate,
  sd: Math.sqrt((1 - certainty) / 3),
  certainty,
  answers: 6,
  coachees,
  programs: 1,
});

describe('posteriors (normal-normal, the organization’s mean as prior)', () => {
  it('moves little on one answer, further with each answer that agrees, and grows surer', () => {
    const top = progressScore(5);
    expect(top).toBe(5);
    const [one] = posteriors([sums('a', 'empathy', [top])]);
    // The organization's mean starts mid-scale: (3 x 2.5 + 5) / 4 = 3.125; the coach then (3 x 3.125 + 5) / 4.
    expect(one.priorMean).toBeCloseTo((PRIOR_ANSWERS * 2.5 + 5) / (PRIOR_ANSWERS + 1), 10);
    expect(one.estimate).toBeCloseTo((PRIOR_ANSWERS * one.priorMean + 5) / (PRIOR_ANSWERS + 1), 10);
    expect(one.certainty).toBeCloseTo(1 / (PRIOR_ANSWERS + 1), 10);
    const [six] = posteriors([sums('a', 'empathy', [top, top, top, top, top, top])]);
    expect(six.estimate).toBeGreaterThan(one.estimate);
    expect(six.certainty).toBeCloseTo(6 / (PRIOR_ANSWERS + 6), 10);
    expect(six.sd).toBeLessThan(one.sd);
  });

  it('shrinks a coach toward the organization’s mean for the skill, not the scale’s', () => {
    const others = Array.from({ length: 10 }, (_, i) => sums(`o${i}`, 'empathy', [1.25, 1.25, 1.25, 1.25]));
    const all = posteriors([...others, sums('a', 'empathy', [3.75])], PRIOR_ANSWERS);
    const a = all.find((p) => p.personId === 'a')!;
    expect(a.priorMean).toBeLessThan(1.5);
    expect(a.estimate).toBeGreaterThan(a.priorMean);
    expect(a.estimate).toBeLessThan(2.5);
  });

  it('does not depend on the order of the rows', () => {
    const rows = [sums('a', 'empathy', [5, 3.75]), sums('b', 'empathy', [1.25]), sums('a', 'trust', [2.5, 2.5, 5])];
    const key = (ps: ReturnType<typeof posteriors>) =>
      ps.map((p) => `${p.personId}.${p.skill}=${p.estimate}/${p.sd}`).sort();
    expect(key(posteriors([...rows].reverse()))).toEqual(key(posteriors(rows)));
  });

  it('sets the prior’s strength from how far the organization’s coaches differ, once it has measured enough of them', () => {
    // Two coaches only: the default.
    expect(priorStrength([sums('a', 'empathy', [5]), sums('b', 'empathy', [0])], 1)).toBe(PRIOR_ANSWERS);
    // Twenty coaches far apart (0, 2.5, 5), each well measured: a weak prior. Twenty alike: a strong one.
    const apart = Array.from({ length: 20 }, (_, i) => sums(`p${i}`, 'empathy', Array(8).fill((i % 3) * 2.5)));
    const alike = Array.from({ length: 20 }, (_, i) => sums(`q${i}`, 'empathy', Array(8).fill(2.5 + (i % 2) * 0.25)));
    expect(priorStrength(apart, 1)).toBeLessThan(0.6);
    expect(priorStrength(alike, 1)).toBe(10);
  });

  it('lets older answers count less: a faded answer moves the estimate less than a fresh one', () => {
    const year = 365 * 86400;
    expect(fadeWeight(0, 2 * year)).toBe(1);
    expect(fadeWeight(2 * year, 2 * year)).toBeCloseTo(0.5, 12);
    expect(fadeWeight(4 * year, 2 * year)).toBeCloseTo(0.25, 12);
    // An old low answer and a fresh high one: the estimate leans to the fresh one, and less so without fading.
    const [faded] = posteriors([sums('a', 'empathy', [0, 5], { weights: [fadeWeight(4 * year, 2 * year), 1] })]);
    const [flat] = posteriors([sums('a', 'empathy', [0, 5])]);
    expect(faded.estimate).toBeGreaterThan(flat.estimate);
    expect(faded.certainty).toBeLessThan(flat.certainty);
  });
});

describe('calibrate', () => {
  const skills = ['empathy', 'trust', 'listening'];

  it('corrects an overrater’s unmeasured skills by the bias measured on the others', () => {
    // Rates themselves 5 everywhere; feedback says 2.5 in empathy and trust, nothing yet on listening.
    const self = { empathy: 5, trust: 5, listening: 5 };
    const known = { empathy: evidence(2.5, 0.8), trust: evidence(2.5, 0.8) };
    const bias = coachBias(self, known);
    expect(bias).toBeCloseTo((0.8 * 2.5 * 2) / (0.5 + 1.6), 10);
    const c = calibrate(skills, self, known)!;
    expect(c.listening.measured).toBe(false);
    expect(c.listening.calibrated).toBeCloseTo(5 - bias, 10);
    expect(c.listening.used).toBeCloseTo(5 - bias, 10);
    // A measured skill: the estimate and the corrected self-rating, each by its precision (1 / sd^2 and 1 / SELF_VARIANCE).
    const precision = 1 / known.empathy.sd ** 2;
    expect(c.empathy.calibrated).toBeCloseTo(
      (precision * 2.5 + (5 - bias) / SELF_VARIANCE) / (precision + 1 / SELF_VARIANCE),
      10,
    );
    expect(c.empathy.used).toBeLessThan(3);
  });

  it('leaves an accurate coach where they are, and scales the move by the policy’s learning weight', () => {
    const accurate = calibrate(
      skills,
      { empathy: 4, trust: 3, listening: 2 },
      { empathy: evidence(4, 0.9), trust: evidence(3, 0.9) },
    )!;
    expect(accurate.listening.used).toBeCloseTo(2, 10);
    expect(accurate.empathy.used).toBeCloseTo(4, 10);
    const self = { empathy: 5, trust: 5, listening: 5 };
    const known = { empathy: evidence(2, 0.9) };
    const full = calibrate(skills, self, known, 1)!;
    const half = calibrate(skills, self, known, 0.5)!;
    const none = calibrate(skills, self, known, 0)!;
    expect(none.empathy.used).toBe(5);
    expect(half.empathy.used).toBeCloseTo((5 + full.empathy.used) / 2, 10);
  });

  it('knows nothing of a coach without feedback, and keeps a measured skill the coach did not rate', () => {
    expect(calibrate(skills, { empathy: 5 }, {})).toBeUndefined();
    const c = calibrate(skills, { trust: 3 }, { empathy: evidence(4, 0.5) })!;
    expect(c.empathy).toMatchObject({ self: 0, measured: true });
    expect(c.empathy.calibrated).toBeCloseTo(4, 10);
    // No bias can be measured on a skill the coach did not rate: trust stays.
    expect(c.trust.used).toBe(3);
    expect(c.listening).toBeUndefined();
  });
});

describe('disclosure', () => {
  it('quotes a figure only over at least 3 distinct coachees, otherwise names strong feedback or nothing', () => {
    expect(disclosure(evidence(4.04, 0.9, 3))).toEqual({ figure: 4 });
    expect(disclosure(evidence(4.4, 0.9, 2))).toEqual({ strongFeedback: true });
    // One coachee's six answers: no figure, whatever their number.
    expect(disclosure({ estimate: 4.6, sd: 0.4, certainty: 0.7, answers: 6, coachees: 1, programs: 1 })).toEqual({
      strongFeedback: true,
    });
    expect(disclosure(evidence(2.4, 0.9, 2))).toEqual({});
    expect(disclosure(undefined)).toEqual({});
  });
});
