/**
 * The person-level model of each coach, as pure arithmetic (the database side is in effectiveness.ts).
 *
 * Per organization, coach person and skill, the coachees' progress answers (1..5, mapped to libs/matching's 0..5
 * scale) are a normal sample around the coach's true effectiveness: each answer x_a with weight w_a = 0.5^(age/half-life)
 * (age measured back from the organization's latest answer, so the result depends on the rows alone). The prior is the
 * organization's mean for the skill, worth PRIOR_ANSWERS answers; the per-answer noise is pooled from the
 * organization's data. The posterior:
 *   mean = (k0 * prior + sum w x) / (k0 + sum w),   sd = sigma / sqrt(k0 + sum w),   certainty = sum w / (k0 + sum w)
 * (certainty = 1 - posterior variance / prior variance).
 *
 * Matching then calibrates each coach enrollment's self-ratings: the coach's bias (self-rating minus estimate on the
 * measured skills, weighted by certainty and shrunk by BIAS_PRIOR) corrects every self-rating; on a measured skill the
 * estimate and the corrected self-rating are combined by precision (1 / sd^2 and 1 / SELF_VARIANCE). The policy's `learning` (0..1) says how far
 * the calibrated value replaces the self-rating in both the skills and the effectiveness term.
 */

/**
 * How many answers the prior (the organization's mean for the skill) counts for until the organization has measured
 * enough coaches (MIN_GROUPS) to say how far its coaches differ: then noise variance / between-coach variance.
 */
export const PRIOR_ANSWERS = 3;

/** (coach, skill) estimates an organization needs before its own spread between coaches sets the prior's strength. */
const MIN_GROUPS = 10;

/** Bounds of the prior's strength, in answers. */
const PRIOR_ANSWERS_RANGE = [0.5, 10] as const;

/**
 * Variance of a self-rating once corrected by the coach's bias, around the coach's true strength (0..5 scale): how
 * much a measured skill still listens to the coach's own rating beside the answers.
 */
export const SELF_VARIANCE = 1;

/** Certainty-weighted measured skills worth of doubt about a coach's bias: the bias estimate is shrunk by it. */
export const BIAS_PRIOR = 0.5;

/** How far learning may move a score by default (1 = the calibrated estimate replaces the self-rating in full). */
export const DEFAULT_LEARNING = 1;

/** Answers lose half their weight this long before the organization's latest answer, unless the program says otherwise. */
export const DEFAULT_LEARNING_HALF_LIFE = 'P730D';

/** Distinct coachees an estimate must rest on before any figure of it is shown to anyone. */
export const MIN_DISTINCT_COACHEES = 3;

/** Without a quotable figure, an estimate at least this high is named as "strong feedback from past coachees". */
export const STRONG_FEEDBACK = 3.75;

/** The middle of the 0..5 scale: where the organization's mean starts before it has answers. */
const SCALE_MIDDLE = 2.5;

/** Per-answer noise variance assumed before the organization's own spread is known, and what it counts for. */
const NOISE_VARIANCE = 1;
const NOISE_PRIOR_ANSWERS = 10;

/** A progress answer (1..5) on libs/matching's 0..5 scale. */
export const progressScore = (answer: number): number => (answer - 1) * 1.25;

/** The weight of an answer `ageSeconds` before the reference time, with a half-life in seconds. */
export const fadeWeight = (ageSeconds: number, halfLifeSeconds: number): number =>
  Math.pow(0.5, Math.max(0, ageSeconds) / halfLifeSeconds);

/** The faded sums of one coach's answers in one skill, and what they rest on. */
export interface SkillSums {
  personId: string;
  skill: string;
  /** Sum of answer weights, of weight x score, of weight x score^2. */
  w: number;
  wx: number;
  wxx: number;
  answers: number;
  coachees: number;
  programs: number;
}

/** The posterior of one coach in one skill. */
export interface SkillPosterior {
  personId: string;
  skill: string;
  estimate: number;
  sd: number;
  certainty: number;
  priorMean: number;
  answers: number;
  coachees: number;
  programs: number;
}

/**
 * The prior's strength in answers: noise / between-coach variance, the latter by the method of moments over the
 * organization's (coach, skill) means (their spread minus what the noise explains); PRIOR_ANSWERS below MIN_GROUPS.
 */
export function priorStrength(sums: readonly SkillSums[], noise: number): number {
  const bySkill = new Map<string, SkillSums[]>();
  for (const s of sums) if (s.w > 0) bySkill.set(s.skill, [...(bySkill.get(s.skill) ?? []), s]);
  let between = 0;
  let groups = 0;
  for (const rows of bySkill.values()) {
    if (rows.length < 2) continue;
    const means = rows.map((r) => r.wx / r.w);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const spread = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (means.length - 1);
    const explained = (noise * rows.reduce((a, r) => a + 1 / r.w, 0)) / rows.length;
    between += (spread - explained) * rows.length;
    groups += rows.length;
  }
  if (groups < MIN_GROUPS) return PRIOR_ANSWERS;
  const tau2 = Math.max(1e-6, between / groups);
  return Math.min(PRIOR_ANSWERS_RANGE[1], Math.max(PRIOR_ANSWERS_RANGE[0], noise / tau2));
}

/** The posterior of every (coach, skill) of an organization from its faded sums (the order of `sums` does not matter). */
export function posteriors(sums: readonly SkillSums[], fixedPriorAnswers?: number): SkillPosterior[] {
  // The organization's mean per skill, itself shrunk toward the scale's middle so its first answer is not its own prior.
  const bySkill = new Map<string, { w: number; wx: number }>();
  let within = 0;
  let dof = 0;
  for (const s of sums) {
    const t = bySkill.get(s.skill) ?? { w: 0, wx: 0 };
    t.w += s.w;
    t.wx += s.wx;
    bySkill.set(s.skill, t);
    if (s.w > 0) {
      within += Math.max(0, s.wxx - (s.wx * s.wx) / s.w);
      dof += Math.max(0, s.w - s.w / Math.max(1, s.answers));
    }
  }
  const noise = Math.max(0.05, (NOISE_PRIOR_ANSWERS * NOISE_VARIANCE + within) / (NOISE_PRIOR_ANSWERS + dof));
  const priorAnswers = fixedPriorAnswers ?? priorStrength(sums, noise);
  return sums.map((s) => {
    const t = bySkill.get(s.skill)!;
    const priorMean = (priorAnswers * SCALE_MIDDLE + t.wx) / (priorAnswers + t.w);
    const strength = priorAnswers + s.w;
    return {
      personId: s.personId,
      skill: s.skill,
      estimate: (priorAnswers * priorMean + s.wx) / strength,
      sd: Math.sqrt(noise / strength),
      certainty: s.w / strength,
      priorMean,
      answers: s.answers,
      coachees: s.coachees,
      programs: s.programs,
    };
  });
}

/** What the model knows of one coach in one skill, as matching reads it. */
export interface SkillEvidence {
  estimate: number;
  /** Posterior standard deviation. */
  sd: number;
  certainty: number;
  answers: number;
  coachees: number;
  programs: number;
}

/** One skill of a coach enrollment after calibration. */
export interface CalibratedSkill {
  /** The coach's own rating (0 when they gave none). */
  self: number;
  /** The calibrated estimate: the self-rating corrected by the coach's bias, combined with the measured estimate by precision. */
  calibrated: number;
  /** What scoring uses: self + learning x (calibrated - self). */
  used: number;
  /** Whether feedback measured this skill itself (else only the coach's bias moved it). */
  measured: boolean;
}

const clamp5 = (x: number): number => Math.min(5, Math.max(0, x));

/**
 * The coach's measured bias: self-rating minus estimate over the measured skills they rated, weighted by certainty and
 * shrunk toward 0 by BIAS_PRIOR. 0 without measured skills.
 */
export function coachBias(
  self: Readonly<Record<string, number>>,
  evidence: Readonly<Record<string, SkillEvidence>>,
  biasPrior = BIAS_PRIOR,
): number {
  let sum = 0;
  let weight = 0;
  for (const [skill, e] of Object.entries(evidence)) {
    const s = self[skill];
    if (s === undefined) continue;
    sum += e.certainty * (s - e.estimate);
    weight += e.certainty;
  }
  return weight > 0 ? sum / (biasPrior + weight) : 0;
}

/**
 * Calibrates one coach enrollment's self-ratings over a program's skills with what the model knows of the person.
 * Answers nothing for a coach the model knows nothing about (scoring then uses the self-ratings as they are).
 */
export function calibrate(
  skills: readonly string[],
  self: Readonly<Record<string, number>>,
  evidence: Readonly<Record<string, SkillEvidence>>,
  learning = DEFAULT_LEARNING,
): Record<string, CalibratedSkill> | undefined {
  if (Object.keys(evidence).length === 0) return undefined;
  const bias = coachBias(self, evidence);
  const out: Record<string, CalibratedSkill> = {};
  for (const skill of skills) {
    const rated = self[skill];
    const e = evidence[skill];
    const corrected = rated === undefined ? e?.estimate : clamp5(rated - bias);
    let calibrated: number;
    // A measured skill: the estimate and the corrected self-rating as two independent measurements, by precision.
    if (e)
      calibrated =
        corrected === undefined
          ? e.estimate
          : (e.estimate / e.sd ** 2 + corrected / SELF_VARIANCE) / (1 / e.sd ** 2 + 1 / SELF_VARIANCE);
    else if (corrected !== undefined) calibrated = corrected;
    else continue;
    const s = rated ?? 0;
    out[skill] = { self: s, calibrated, used: s + learning * (calibrated - s), measured: e !== undefined };
  }
  return out;
}

/** What an explanation may say about a measured skill: a figure, a wording without one, or nothing. */
export function disclosure(e: SkillEvidence | undefined): { figure?: number; strongFeedback?: boolean } {
  if (!e) return {};
  if (e.coachees >= MIN_DISTINCT_COACHEES) return { figure: Math.round(e.estimate * 10) / 10 };
  return e.estimate >= STRONG_FEEDBACK ? { strongFeedback: true } : {};
}
