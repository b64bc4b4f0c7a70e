import { CoacheeProfile, CoachProfile, ProgramInstance } from './instance';
import { offsetGapHours, utcOffsetHours, workingOverlapHours } from './timezone';
import { PairReason, PairRows, REASON_COUNT, REASON_INDEX, SCORE_SCALE, ScoredPairs } from './types';

/**
 * Precomputed, typed-array view of a program pool. Scoring a pair touches only numbers, so all n x m pairs
 * can be scored in one tight loop; the breakdown of a single pair is derived from the same arrays.
 */
export interface ScoringContext {
  readonly instance: ProgramInstance;
  readonly n: number;
  readonly m: number;
  readonly skillCount: number;
  /** Coachee i's share of attention per skill (need x skill weight, normalised to sum 1). */
  readonly needShare: Float64Array;
  /** Points coach k earns per unit of need share, per skill: strength part and effectiveness part. */
  readonly strengthPoints: Float64Array;
  readonly effectivenessPoints: Float64Array;
  /** Zone index per coachee / coach; the last zone index stands for "unknown". */
  readonly zoneE: Int32Array;
  readonly zoneC: Int32Array;
  readonly zoneCount: number;
  readonly zoneOffset: Float64Array;
  readonly zonePoints: Float64Array;
  readonly zoneGap: Float64Array;
  readonly languageWords: number;
  readonly langE: Uint32Array;
  readonly langC: Uint32Array;
  /** Bit index of the coachee's preferred language, -1 if none. */
  readonly preferredE: Int32Array;
  readonly languages: readonly string[];
  readonly levelE: Float64Array;
  readonly levelC: Float64Array;
  readonly personE: Int32Array;
  readonly managerE: Int32Array;
  readonly skipE: Int32Array;
  readonly personC: Int32Array;
  readonly managerC: Int32Array;
  readonly skipC: Int32Array;
  readonly departmentE: Int32Array;
  readonly departmentC: Int32Array;
  /** Points per term at full value (they sum to 100). */
  readonly termPoints: {
    readonly skills: number;
    readonly effectiveness: number;
    readonly timezone: number;
    readonly language: number;
    readonly level: number;
  };
}

/** A program pool with every pair scored. */
export interface ScoredProgram {
  readonly context: ScoringContext;
  readonly pairs: ScoredPairs;
}

/** Builds the typed-array view of a program pool (linear in its size). */
export function buildScoringContext(instance: ProgramInstance): ScoringContext {
  const { skills, policy, coaches, coachees } = instance;
  const n = coachees.length;
  const m = coaches.length;
  const S = skills.length;
  const w = policy.weights;
  const wSum = w.skills + w.effectiveness + w.timezone + w.language + w.level;
  const termPoints = {
    skills: (100 * w.skills) / wSum,
    effectiveness: (100 * w.effectiveness) / wSum,
    timezone: (100 * w.timezone) / wSum,
    language: (100 * w.language) / wSum,
    level: (100 * w.level) / wSum,
  };

  const needShare = new Float64Array(n * S);
  const skillWeightSum = skills.reduce((acc, s) => acc + s.weight, 0) || 1;
  coachees.forEach((e, i) => {
    let total = 0;
    skills.forEach((s) => (total += s.weight * (e.needs[s.key] ?? 0)));
    // With no stated need every skill counts by its program weight alone.
    skills.forEach(
      (s, x) =>
        (needShare[i * S + x] = total > 0 ? (s.weight * (e.needs[s.key] ?? 0)) / total : s.weight / skillWeightSum),
    );
  });
  const strengthPoints = new Float64Array(m * S);
  const effectivenessPoints = new Float64Array(m * S);
  coaches.forEach((c, k) => {
    const measured = instance.effectiveness[c.id] ?? {};
    const learned = instance.learned?.[c.id];
    skills.forEach((s, x) => {
      if (learned) {
        // The calibrated strength is the best guess of the coach's true strength: both terms rest on it.
        const strength = learned[s.key]?.strength ?? c.strengths[s.key] ?? 0;
        strengthPoints[k * S + x] = (termPoints.skills * strength) / 5;
        effectivenessPoints[k * S + x] = (termPoints.effectiveness * strength) / 5;
        return;
      }
      const strength = c.strengths[s.key] ?? 0;
      strengthPoints[k * S + x] = (termPoints.skills * strength) / 5;
      // Until feedback measures a skill, the coach's own strength stands in for it.
      effectivenessPoints[k * S + x] = (termPoints.effectiveness * (measured[s.key] ?? strength)) / 5;
    });
  });

  const zones: string[] = [];
  const zoneIndex = new Map<string, number>();
  const zoneOf = (p: { timezone?: string }): number => {
    if (p.timezone === undefined) return -1;
    let z = zoneIndex.get(p.timezone);
    if (z === undefined) {
      z = zones.length;
      zones.push(p.timezone);
      zoneIndex.set(p.timezone, z);
    }
    return z;
  };
  const zoneE0 = coachees.map(zoneOf);
  const zoneC0 = coaches.map(zoneOf);
  const Z = zones.length + 1;
  const unknownZone = zones.length;
  const zoneE = Int32Array.from(zoneE0, (z) => (z < 0 ? unknownZone : z));
  const zoneC = Int32Array.from(zoneC0, (z) => (z < 0 ? unknownZone : z));
  const zoneOffset = new Float64Array(Z);
  zones.forEach((zone, z) => (zoneOffset[z] = utcOffsetHours(zone, instance.referenceTime)));
  const zonePoints = new Float64Array(Z * Z);
  const zoneGap = new Float64Array(Z * Z);
  const { start, end } = policy.workingHours;
  for (let a = 0; a < Z; a++) {
    for (let b = 0; b < Z; b++) {
      const known = a !== unknownZone && b !== unknownZone;
      zoneGap[a * Z + b] = known ? offsetGapHours(zoneOffset[a], zoneOffset[b]) : 0;
      // An unknown zone neither helps nor hurts much: half credit.
      zonePoints[a * Z + b] =
        termPoints.timezone *
        (known ? workingOverlapHours(zoneOffset[a], zoneOffset[b], start, end) / (end - start) : 0.5);
    }
  }

  const languages: string[] = [];
  const languageIndex = new Map<string, number>();
  const langOf = (l: string): number => {
    let x = languageIndex.get(l);
    if (x === undefined) {
      x = languages.length;
      languages.push(l);
      languageIndex.set(l, x);
    }
    return x;
  };
  for (const p of [...coachees, ...coaches]) p.languages.forEach(langOf);
  for (const e of coachees) if (e.preferredLanguage) langOf(e.preferredLanguage);
  const L = Math.max(1, Math.ceil(languages.length / 32));
  const langE = new Uint32Array(n * L);
  const langC = new Uint32Array(m * L);
  const setBits = (mask: Uint32Array, row: number, ls: readonly string[]): void => {
    for (const l of ls) {
      const x = languageIndex.get(l) ?? 0;
      mask[row * L + (x >>> 5)] |= 1 << (x & 31);
    }
  };
  coachees.forEach((e, i) => setBits(langE, i, e.languages));
  coaches.forEach((c, k) => setBits(langC, k, c.languages));
  const preferredE = Int32Array.from(coachees, (e) => {
    const l = e.preferredLanguage ?? e.languages[0];
    return l === undefined ? -1 : (languageIndex.get(l) ?? -1);
  });

  const level = (p: { level?: number }): number => (p.level === undefined ? NaN : p.level);
  const levelE = Float64Array.from(coachees, level);
  const levelC = Float64Array.from(coaches, level);

  // People: enrollments by person id, plus managers known only from `people`, so skip levels resolve.
  const personIndex = new Map<string, number>();
  const managerName: (string | undefined)[] = [];
  const personOf = (id: string, manager?: string): number => {
    let x = personIndex.get(id);
    if (x === undefined) {
      x = managerName.length;
      personIndex.set(id, x);
      managerName.push(manager);
    } else if (manager !== undefined && managerName[x] === undefined) managerName[x] = manager;
    return x;
  };
  const personE = Int32Array.from(coachees, (p) => personOf(p.personId, p.manager));
  const personC = Int32Array.from(coaches, (p) => personOf(p.personId, p.manager));
  for (const p of instance.people) personOf(p.id, p.manager);
  const managerOfPerson = Int32Array.from(managerName, (mgr) => (mgr === undefined ? -1 : personOf(mgr)));
  const mgr = (x: number): number => (x >= 0 && x < managerOfPerson.length ? managerOfPerson[x] : -1);
  const managerE = personE.map(mgr);
  const skipE = managerE.map(mgr);
  const managerC = personC.map(mgr);
  const skipC = managerC.map(mgr);

  const departments = new Map<string, number>();
  const dept = (p: { department?: string }): number => {
    if (p.department === undefined) return -1;
    const key = p.department.trim().toLowerCase();
    let x = departments.get(key);
    if (x === undefined) departments.set(key, (x = departments.size));
    return x;
  };

  return {
    instance,
    n,
    m,
    skillCount: S,
    needShare,
    strengthPoints,
    effectivenessPoints,
    zoneE,
    zoneC,
    zoneCount: Z,
    zoneOffset,
    zonePoints,
    zoneGap,
    languageWords: L,
    langE,
    langC,
    preferredE,
    languages,
    levelE,
    levelC,
    personE,
    managerE,
    skipE,
    personC,
    managerC,
    skipC,
    departmentE: Int32Array.from(coachees, dept),
    departmentC: Int32Array.from(coaches, dept),
    termPoints,
  };
}

/** Level term in 0..1: 1 at the policy's preferred gap, falling by a quarter per level away; 0.5 if unknown. */
export function levelFit(coachLevel: number, coacheeLevel: number, preferredGap: number): number {
  if (Number.isNaN(coachLevel) || Number.isNaN(coacheeLevel)) return 0.5;
  return Math.max(0, 1 - Math.abs(coachLevel - coacheeLevel - preferredGap) / 4);
}

/** Language term in 0..1: 1 if the coach speaks the coachee's preferred language, 0.5 if only another or unknown. */
export function languageFit(ctx: ScoringContext, i: number, k: number): number {
  const L = ctx.languageWords;
  let shared = false;
  let eKnown = false;
  let cKnown = false;
  for (let x = 0; x < L; x++) {
    const e = ctx.langE[i * L + x];
    const c = ctx.langC[k * L + x];
    if (e !== 0) eKnown = true;
    if (c !== 0) cKnown = true;
    if ((e & c) !== 0) shared = true;
  }
  if (!eKnown || !cKnown) return 0.5;
  const p = ctx.preferredE[i];
  if (p >= 0 && (ctx.langC[k * L + (p >>> 5)] & (1 << (p & 31))) !== 0) return 1;
  return shared ? 0.5 : 0;
}

/** The hard rule a pair breaks (first in REASON_CODES order), or null if the pair is allowed. */
export function pairViolation(ctx: ScoringContext, i: number, k: number): PairReason | null {
  const policy = ctx.instance.policy;
  const pe = ctx.personE[i];
  const pc = ctx.personC[k];
  if (pe === pc) return 'same-person';
  if (policy.forbidReportingLine) {
    const me = ctx.managerE[i];
    if (
      pc === me ||
      pc === ctx.skipE[i] ||
      pe === ctx.managerC[k] ||
      pe === ctx.skipC[k] ||
      (me >= 0 && me === ctx.managerC[k])
    )
      return 'reporting-line';
  }
  if (policy.forbidSameDepartment && ctx.departmentE[i] >= 0 && ctx.departmentE[i] === ctx.departmentC[k])
    return 'same-department';
  if (policy.requireSharedLanguage && languageFit(ctx, i, k) === 0) return 'no-shared-language';
  if (
    policy.maxTimezoneGapHours !== null &&
    ctx.zoneGap[ctx.zoneE[i] * ctx.zoneCount + ctx.zoneC[k]] > policy.maxTimezoneGapHours
  )
    return 'timezone-gap';
  return null;
}

const R_PERSON = REASON_INDEX['same-person'];
const R_EXCLUDED = REASON_INDEX.excluded;
const R_DECLINED = REASON_INDEX['declined-before'];
const R_LINE = REASON_INDEX['reporting-line'];
const R_DEPT = REASON_INDEX['same-department'];
const R_LANG = REASON_INDEX['no-shared-language'];
const R_TZ = REASON_INDEX['timezone-gap'];

/** Coaches grouped by one integer key (person, manager, skip-level manager or department): compressed rows. */
interface CoachIndex {
  readonly start: Int32Array;
  readonly coach: Int32Array;
}

/** Groups coaches by `key[k]` in 0..keys-1 (negative keys are left out), coaches in index order. */
function indexCoaches(key: Int32Array, keys: number): CoachIndex {
  const start = new Int32Array(keys + 1);
  for (let k = 0; k < key.length; k++) if (key[k] >= 0) start[key[k] + 1]++;
  for (let x = 0; x < keys; x++) start[x + 1] += start[x];
  const fill = start.slice(0, keys);
  const coach = new Int32Array(start[keys]);
  for (let k = 0; k < key.length; k++) if (key[k] >= 0) coach[fill[key[k]]++] = k;
  return { start, coach };
}

/** Small dense ids for the distinct values of `values` (first seen first), keyed by `key`. */
function classesOf<T>(values: readonly T[], key: (v: T) => string): { classOf: Int32Array; members: T[] } {
  const ids = new Map<string, number>();
  const members: T[] = [];
  const classOf = Int32Array.from(values, (v) => {
    const k = key(v);
    let c = ids.get(k);
    if (c === undefined) {
      c = members.length;
      ids.set(k, c);
      members.push(v);
    }
    return c;
  });
  return { classOf, members };
}

/**
 * Everything the row kernel reads: typed arrays and policy scalars, one stable shape. The soft terms and rules
 * that depend on a coach only through its time zone, language set and level are looked up in a per-row table
 * over those combinations (a few hundred at most in practice); the person-based rules (same person, reporting
 * line, department) touch only the few coaches an inverted index names, marked in `mark` for the row.
 */
interface RowKernel {
  readonly m: number;
  readonly S: number;
  readonly needShare: Float64Array;
  /** strengthPoints + effectivenessPoints per coach and skill. */
  readonly coachPoints: Float64Array;
  /** Class of each coach: its (zone, language set, level) combination. */
  readonly classC: Int32Array;
  /** Per-row tables over the classes: zone + language + level points, and the rules the class breaks (bits). */
  readonly classValue: Float64Array;
  readonly classBits: Int32Array;
  /** Per-coach rules the current row's coachee breaks with that coach: bit r for REASON_CODES[r]. */
  readonly mark: Int32Array;
  /** Per-row count of pairs by their first broken rule; slot ALLOWED counts the allowed pairs. */
  readonly counts: Uint32Array;
}

/** Bit set on every pair: the lowest set bit is then the first rule broken, or ALLOWED when none is. */
const ALLOWED = 15;

/**
 * Scores row i (all coaches) into `out[rowBase ..]`, once the row's tables and marks are set. A separate small
 * function so V8 optimizes it after a few rows (a single 20M-iteration loop only gets on-stack replacement).
 */
function scoreRow(K: RowKernel, i: number, out: Int32Array, rowBase: number): void {
  const { m, S, needShare, coachPoints, classC, classValue, classBits, mark, counts } = K;
  const needOffset = i * S;
  // The usual five skills, unrolled in the same summation order as the generic loop (same rounding).
  const n0 = S === 5 ? needShare[needOffset] : 0;
  const n1 = S === 5 ? needShare[needOffset + 1] : 0;
  const n2 = S === 5 ? needShare[needOffset + 2] : 0;
  const n3 = S === 5 ? needShare[needOffset + 3] : 0;
  const n4 = S === 5 ? needShare[needOffset + 4] : 0;
  // Branch-free on purpose: about a third of the pairs are forbidden, in no pattern a predictor could learn.
  for (let k = 0; k < m; k++) {
    const c = classC[k];
    const bits = mark[k] | classBits[c] | (1 << ALLOWED);
    // The lowest set bit: the first rule broken in REASON_CODES order, or ALLOWED.
    const reason = 31 - Math.clz32(bits & -bits);
    counts[reason]++;
    // ((zone + language) + level) + skills, in the order the breakdown adds them.
    let points = classValue[c];
    const co = k * S;
    if (S === 5)
      points =
        points +
        n0 * coachPoints[co] +
        n1 * coachPoints[co + 1] +
        n2 * coachPoints[co + 2] +
        n3 * coachPoints[co + 3] +
        n4 * coachPoints[co + 4];
    else for (let s = 0; s < S; s++) points += needShare[needOffset + s] * coachPoints[co + s];
    // ok is 1 for an allowed pair (reason ALLOWED = 15), 0 otherwise: a forbidden pair stores -1.
    const ok = (reason + 1) >> 4;
    out[rowBase + k] = (roundHalfUp(points * SCORE_SCALE) + 1) * ok - 1;
  }
}

/** Pair (i, k)'s weight as scoreRow computes it, rules aside (same arithmetic, same order), once row i's tables are set. */
function scorePair(K: RowKernel, i: number, k: number): number {
  const { S, needShare, coachPoints, classC, classValue } = K;
  const needOffset = i * S;
  let points = classValue[classC[k]];
  const co = k * S;
  if (S === 5) {
    points =
      points +
      needShare[needOffset] * coachPoints[co] +
      needShare[needOffset + 1] * coachPoints[co + 1] +
      needShare[needOffset + 2] * coachPoints[co + 2] +
      needShare[needOffset + 3] * coachPoints[co + 3] +
      needShare[needOffset + 4] * coachPoints[co + 4];
  } else for (let s = 0; s < S; s++) points += needShare[needOffset + s] * coachPoints[co + s];
  return roundHalfUp(points * SCORE_SCALE);
}

/**
 * Exactly Math.round(v) (ties towards +infinity), but branch-free on the usual path: V8's Math.round costs a
 * mispredicted branch on about half the pairs, which was most of the scoring kernel's time. For
 * 0.5 <= v < 2^52, v + 0.5 is exact unless it crosses into the next binade, and then no integer lies between
 * the exact and the rounded sum, so its floor is Math.round(v); anything else takes Math.round itself.
 */
export function roundHalfUp(v: number): number {
  return v >= 0.5 && v < 4503599627370496 ? Math.floor(v + 0.5) : Math.round(v);
}

/** Marks coaches `index.coach[start[key] .. start[key + 1] - 1]` as breaking rule `reason`. */
function markGroup(mark: Int32Array, index: CoachIndex, key: number, reason: number): void {
  if (key < 0 || key + 1 >= index.start.length) return;
  for (let a = index.start[key]; a < index.start[key + 1]; a++) mark[index.coach[a]] |= 1 << reason;
}

/** Clears the marks markGroup set. */
function clearGroup(mark: Int32Array, index: CoachIndex, key: number): void {
  if (key < 0 || key + 1 >= index.start.length) return;
  for (let a = index.start[key]; a < index.start[key + 1]; a++) mark[index.coach[a]] = 0;
}

/**
 * Pools with more pairs than this (1 GiB of dense weights) are scored row by row on demand (`ScoredPairs.rows`, 2 bytes a
 * pair) instead of into `dense` (4 bytes a pair, priced faster: measured at 30,000 x 6,000, 12.5 s against 20.8 s of solve).
 */
export const DENSE_PAIR_LIMIT = 2 ** 28;

/**
 * The scoring kernel of a program pool, row by row: per-row tables over the coach classes, marks for the person
 * rules, and the row loop. scoreProgram runs it over every row into `dense`, or hands it to the solver as
 * `ScoredPairs.rows` for pools too large to hold all their pairs.
 */
class RowScorer implements PairRows {
  private readonly kernel: RowKernel;
  private readonly langClasses: { classOf: Int32Array; members: Uint32Array[] };
  private readonly levelClasses: { classOf: Int32Array; members: number[] };
  private readonly coachClasses: { members: (readonly [number, number, number])[] };
  private readonly byPerson: CoachIndex;
  private readonly byManager: CoachIndex;
  private readonly bySkip: CoachIndex;
  private readonly byDepartment: CoachIndex;
  private readonly exclusionRows = new Map<number, Map<number, number>>();
  private readonly zoneValue: Float64Array;
  private readonly zoneBits: Int32Array;
  private readonly langValue: Float64Array;
  private readonly langBits: Int32Array;
  private readonly levelValue: Float64Array;
  /** The row whose tables are set (-1: none). */
  private tableRow = -1;
  readonly ruledOut: Uint32Array;
  ms = 0;

  constructor(
    private readonly ctx: ScoringContext,
    instance: ProgramInstance,
  ) {
    const { n, m, skillCount: S, zoneC, zoneCount: Z, langC, levelC } = ctx;
    const { personE, managerE, skipE, personC, managerC, skipC, departmentE, departmentC } = ctx;
    const L = ctx.languageWords;
    const coachPoints = new Float64Array(m * S);
    for (let x = 0; x < m * S; x++) coachPoints[x] = ctx.strengthPoints[x] + ctx.effectivenessPoints[x];
    // Coach classes: distinct language sets and levels (zones are classes already).
    this.langClasses = classesOf(
      Array.from({ length: m }, (_, k) => langC.subarray(k * L, k * L + L)),
      (mask) => mask.join(','),
    );
    this.levelClasses = classesOf(Array.from(levelC), (lv) => String(lv));
    // A coach enters the kernel only through its (zone, language set, level) class: one table per row.
    const coachClasses = classesOf(
      Array.from(
        { length: m },
        (_, k) => [zoneC[k], this.langClasses.classOf[k], this.levelClasses.classOf[k]] as const,
      ),
      (t) => t.join(','),
    );
    this.coachClasses = coachClasses;
    const CC = coachClasses.members.length;

    // Inverted indexes for the person-based rules: a coachee meets only the few coaches they name.
    let persons = 0;
    for (const xs of [personE, managerE, skipE, personC, managerC, skipC])
      for (let x = 0; x < xs.length; x++) persons = Math.max(persons, xs[x] + 1);
    let departments = 0;
    for (const xs of [departmentE, departmentC])
      for (let x = 0; x < xs.length; x++) departments = Math.max(departments, xs[x] + 1);
    this.byPerson = indexCoaches(personC, persons);
    this.byManager = indexCoaches(managerC, persons);
    this.bySkip = indexCoaches(skipC, persons);
    this.byDepartment = indexCoaches(departmentC, departments);

    const coacheeIndex = new Map(instance.coachees.map((e, i) => [e.id, i]));
    const coachIndex = new Map(instance.coaches.map((c, k) => [c.id, k]));
    // Exclusions per coachee, applied through the per-row mark; a pair listed twice keeps its last reason.
    for (const x of instance.exclusions) {
      const i = coacheeIndex.get(x.coachee);
      const k = coachIndex.get(x.coach);
      if (i === undefined || k === undefined) continue;
      const row = this.exclusionRows.get(i) ?? new Map<number, number>();
      row.set(k, x.reason === 'declined-before' ? R_DECLINED : R_EXCLUDED);
      this.exclusionRows.set(i, row);
    }
    this.ruledOut = new Uint32Array(n * REASON_COUNT);
    this.kernel = {
      m,
      S,
      needShare: ctx.needShare,
      coachPoints,
      classC: coachClasses.classOf,
      classValue: new Float64Array(CC),
      classBits: new Int32Array(CC),
      mark: new Int32Array(m),
      counts: new Uint32Array(ALLOWED + 1),
    };
    this.zoneValue = new Float64Array(Z);
    this.zoneBits = new Int32Array(Z);
    this.langValue = new Float64Array(this.langClasses.members.length);
    this.langBits = new Int32Array(this.langClasses.members.length);
    this.levelValue = new Float64Array(this.levelClasses.members.length);
  }

  /** Row i's tables over the coach classes, with the same arithmetic as languageFit / levelFit and the time-zone tables. */
  private tables(i: number): void {
    const { zoneE, zoneCount: Z, zonePoints, zoneGap, langE, preferredE, levelE, termPoints } = this.ctx;
    const policy = this.ctx.instance.policy;
    const L = this.ctx.languageWords;
    const { zoneValue, zoneBits, langValue, langBits, levelValue } = this;
    const { classValue, classBits } = this.kernel;
    const maxGap = policy.maxTimezoneGapHours ?? Infinity;
    const langFull = termPoints.language;
    const langHalf = termPoints.language / 2;
    const ze = zoneE[i] * Z;
    for (let z = 0; z < Z; z++) {
      zoneValue[z] = zonePoints[ze + z];
      zoneBits[z] = zoneGap[ze + z] > maxGap ? 1 << R_TZ : 0;
    }
    let eKnown = false;
    for (let x = 0; x < L; x++) if (langE[i * L + x] !== 0) eKnown = true;
    const pref = preferredE[i];
    const langMembers = this.langClasses.members;
    for (let c = 0; c < langMembers.length; c++) {
      const mask = langMembers[c];
      let lang = langHalf;
      let reason = -1;
      if (eKnown) {
        let shared = 0;
        let cKnown = 0;
        for (let x = 0; x < L; x++) {
          cKnown |= mask[x];
          shared |= langE[i * L + x] & mask[x];
        }
        if (cKnown !== 0) {
          if (pref >= 0 && (mask[pref >>> 5] & (1 << (pref & 31))) !== 0) lang = langFull;
          else if (shared === 0) {
            lang = 0;
            if (policy.requireSharedLanguage) reason = R_LANG;
          }
        }
      }
      langValue[c] = lang;
      langBits[c] = reason >= 0 ? 1 << reason : 0;
    }
    const le = levelE[i];
    const levelGap = policy.preferredLevelGap;
    const levelFull = termPoints.level;
    const levelHalf = termPoints.level * 0.5;
    const levelMembers = this.levelClasses.members;
    for (let c = 0; c < levelMembers.length; c++) {
      const lc = levelMembers[c];
      levelValue[c] =
        le === le && lc === lc ? levelFull * Math.max(0, 1 - Math.abs(lc - le - levelGap) / 4) : levelHalf;
    }
    const classMembers = this.coachClasses.members;
    for (let c = 0; c < classMembers.length; c++) {
      const [z, l, v] = classMembers[c];
      classValue[c] = zoneValue[z] + langValue[l] + levelValue[v];
      classBits[c] = zoneBits[z] | langBits[l];
    }
    this.tableRow = i;
  }

  /** Marks (or, with `clear`, unmarks) the coaches row i's person rules and exclusions forbid; first rule in REASON_CODES order wins. */
  private marks(i: number, clear: boolean): void {
    const { personE, managerE, skipE, departmentE } = this.ctx;
    const policy = this.ctx.instance.policy;
    const { mark } = this.kernel;
    const { byPerson, byManager, bySkip, byDepartment } = this;
    const group = clear
      ? (index: CoachIndex, key: number) => clearGroup(mark, index, key)
      : (index: CoachIndex, key: number, reason: number) => markGroup(mark, index, key, reason);
    const pe = personE[i];
    const me = managerE[i];
    const se = skipE[i];
    const exclusions = this.exclusionRows.get(i);
    group(byPerson, pe, R_PERSON);
    if (exclusions) for (const [k, r] of exclusions) mark[k] = clear ? 0 : mark[k] | (1 << r);
    if (policy.forbidReportingLine) {
      group(byPerson, me, R_LINE);
      group(byPerson, se, R_LINE);
      group(byManager, pe, R_LINE);
      group(bySkip, pe, R_LINE);
      group(byManager, me, R_LINE);
    }
    group(byDepartment, policy.forbidSameDepartment ? departmentE[i] : -1, R_DEPT);
  }

  scoreRow(i: number, out: Int32Array, off: number): void {
    const started = performance.now();
    this.tables(i);
    this.marks(i, false);
    const { counts } = this.kernel;
    scoreRow(this.kernel, i, out, off);
    for (let r = 0; r < REASON_COUNT; r++) this.ruledOut[i * REASON_COUNT + r] = counts[r];
    counts.fill(0);
    this.marks(i, true);
    this.ms += performance.now() - started;
  }

  allowedWeight(i: number, k: number): number {
    if (this.tableRow !== i) this.tables(i);
    return scorePair(this.kernel, i, k);
  }
}

/**
 * Scores every pair of a program pool: `dense[i * m + k]` is the score x SCORE_SCALE (rounded), or -1 where a
 * hard constraint or an exclusion forbids the pair; `ruledOut` counts the forbidden pairs per reason. A pool of
 * more than DENSE_PAIR_LIMIT pairs (or any, with layout `rows`) is not scored here: its `rows` score a row when
 * the solver asks, so no n x m matrix is held (`ruledOut` fills as the rows are scored).
 */
export function scoreProgram(instance: ProgramInstance, options: { layout?: 'dense' | 'rows' } = {}): ScoredProgram {
  const ctx = buildScoringContext(instance);
  const { n, m } = ctx;
  const scorer = new RowScorer(ctx, instance);
  const layout = options.layout ?? (n * m > DENSE_PAIR_LIMIT ? 'rows' : 'dense');
  const base = {
    coacheeIds: instance.coachees.map((e) => e.id),
    coachIds: instance.coaches.map((c) => c.id),
    capacities: Int32Array.from(instance.coaches, (c) => Math.min(c.capacity, 2 ** 31 - 1)),
    ruledOut: scorer.ruledOut,
  };
  if (layout === 'rows') return { context: ctx, pairs: { ...base, rows: scorer } };
  const dense = new Int32Array(n * m);
  for (let i = 0; i < n; i++) scorer.scoreRow(i, dense, i * m);
  return { context: ctx, pairs: { ...base, dense } };
}

/** Reported name of a participant: the first word of the name, else the id. */
export function displayName(p: CoacheeProfile | CoachProfile): string {
  return p.name?.trim().split(/\s+/)[0] || p.id;
}
