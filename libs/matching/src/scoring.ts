import { CoacheeProfile, CoachProfile, ProgramInstance } from './instance';
import { offsetGapHours, utcOffsetHours, workingOverlapHours } from './timezone';
import { PairReason, REASON_COUNT, REASON_INDEX, SCORE_SCALE, ScoredPairs } from './types';

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
  readonly termPoints: { readonly skills: number; readonly effectiveness: number; readonly timezone: number; readonly language: number; readonly level: number };
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
    skills.forEach((s, x) => (needShare[i * S + x] = total > 0 ? (s.weight * (e.needs[s.key] ?? 0)) / total : s.weight / skillWeightSum));
  });
  const strengthPoints = new Float64Array(m * S);
  const effectivenessPoints = new Float64Array(m * S);
  coaches.forEach((c, k) => {
    const measured = instance.effectiveness[c.id] ?? {};
    skills.forEach((s, x) => {
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
      zonePoints[a * Z + b] = termPoints.timezone * (known ? workingOverlapHours(zoneOffset[a], zoneOffset[b], start, end) / (end - start) : 0.5);
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
    if (pc === me || pc === ctx.skipE[i] || pe === ctx.managerC[k] || pe === ctx.skipC[k] || (me >= 0 && me === ctx.managerC[k])) return 'reporting-line';
  }
  if (policy.forbidSameDepartment && ctx.departmentE[i] >= 0 && ctx.departmentE[i] === ctx.departmentC[k]) return 'same-department';
  if (policy.requireSharedLanguage && languageFit(ctx, i, k) === 0) return 'no-shared-language';
  if (policy.maxTimezoneGapHours !== null && ctx.zoneGap[ctx.zoneE[i] * ctx.zoneCount + ctx.zoneC[k]] > policy.maxTimezoneGapHours) return 'timezone-gap';
  return null;
}

const R_PERSON = REASON_INDEX['same-person'];
const R_EXCLUDED = REASON_INDEX.excluded;
const R_DECLINED = REASON_INDEX['declined-before'];
const R_LINE = REASON_INDEX['reporting-line'];
const R_DEPT = REASON_INDEX['same-department'];
const R_LANG = REASON_INDEX['no-shared-language'];
const R_TZ = REASON_INDEX['timezone-gap'];

/** Everything the row kernel reads: typed arrays and policy scalars, one stable shape. */
interface RowKernel {
  readonly m: number;
  readonly S: number;
  readonly L: number;
  readonly Z: number;
  readonly needShare: Float64Array;
  /** strengthPoints + effectivenessPoints per coach and skill. */
  readonly coachPoints: Float64Array;
  readonly zoneE: Int32Array;
  readonly zoneC: Int32Array;
  readonly zonePoints: Float64Array;
  readonly zoneGap: Float64Array;
  readonly langE: Uint32Array;
  readonly langC: Uint32Array;
  readonly preferredE: Int32Array;
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
  /** Per-coach exclusion mark for the current row: 1 excluded, 2 declined-before. */
  readonly mark: Uint8Array;
  readonly dense: Int32Array;
  readonly ruledOut: Uint32Array;
  readonly reporting: boolean;
  readonly sameDept: boolean;
  readonly needLanguage: boolean;
  readonly maxGap: number;
  readonly levelGap: number;
  readonly levelFull: number;
  readonly levelHalf: number;
  readonly langFull: number;
  readonly langHalf: number;
}

/**
 * Scores row i (all coaches) into `dense`. A separate small function so V8 optimizes it after a few rows
 * (a single 20M-iteration loop only gets on-stack replacement, measurably slower).
 */
function scoreRow(K: RowKernel, i: number): void {
  const { m, S, L, Z, needShare, coachPoints, zoneC, zonePoints, zoneGap, langE, langC, personC, managerC, skipC, departmentC, mark, dense, ruledOut } = K;
  const { reporting, needLanguage, maxGap, levelGap, levelFull, levelHalf, langFull, langHalf, levelC } = K;
  const pe = K.personE[i];
  const me = K.managerE[i];
  const se = K.skipE[i];
  const de = K.sameDept ? K.departmentE[i] : -1;
  const ze = K.zoneE[i] * Z;
  const pref = K.preferredE[i];
  const prefWord = pref >= 0 ? pref >>> 5 : 0;
  const prefBit = pref >= 0 ? 1 << (pref & 31) : 0;
  const needOffset = i * S;
  const rowBase = i * m;
  const reasonBase = i * REASON_COUNT;
  let eKnown = false;
  for (let x = 0; x < L; x++) if (langE[i * L + x] !== 0) eKnown = true;
  const le = K.levelE[i];
  const le0 = langE[i * L];
  // The usual five skills, unrolled in the same summation order as the generic loop (same rounding).
  const n0 = S === 5 ? needShare[needOffset] : 0;
  const n1 = S === 5 ? needShare[needOffset + 1] : 0;
  const n2 = S === 5 ? needShare[needOffset + 2] : 0;
  const n3 = S === 5 ? needShare[needOffset + 3] : 0;
  const n4 = S === 5 ? needShare[needOffset + 4] : 0;

  for (let k = 0; k < m; k++) {
    let reason = -1;
    const pc = personC[k];
    if (pe === pc) reason = R_PERSON;
    else if (mark[k] !== 0) reason = mark[k] === 1 ? R_EXCLUDED : R_DECLINED;
    else if (reporting && (pc === me || pc === se || pe === managerC[k] || pe === skipC[k] || (me >= 0 && me === managerC[k]))) reason = R_LINE;
    else if (de >= 0 && de === departmentC[k]) reason = R_DEPT;
    let lang = langHalf;
    if (reason < 0 && eKnown) {
      let shared = 0;
      let cKnown = 0;
      if (L === 1) {
        cKnown = langC[k];
        shared = le0 & cKnown;
      } else {
        for (let x = 0; x < L; x++) {
          const c = langC[k * L + x];
          cKnown |= c;
          shared |= langE[i * L + x] & c;
        }
      }
      if (cKnown !== 0) {
        if (pref >= 0 && (langC[k * L + prefWord] & prefBit) !== 0) lang = langFull;
        else if (shared === 0) {
          lang = 0;
          if (needLanguage) reason = R_LANG;
        }
      }
    }
    if (reason < 0 && zoneGap[ze + zoneC[k]] > maxGap) reason = R_TZ;
    if (reason >= 0) {
      dense[rowBase + k] = -1;
      ruledOut[reasonBase + reason]++;
      continue;
    }
    // Same arithmetic as levelFit, inlined for the hot loop.
    const lc = levelC[k];
    const level = le === le && lc === lc ? levelFull * Math.max(0, 1 - Math.abs(lc - le - levelGap) / 4) : levelHalf;
    let points = zonePoints[ze + zoneC[k]] + lang + level;
    const co = k * S;
    if (S === 5) points = points + n0 * coachPoints[co] + n1 * coachPoints[co + 1] + n2 * coachPoints[co + 2] + n3 * coachPoints[co + 3] + n4 * coachPoints[co + 4];
    else for (let s = 0; s < S; s++) points += needShare[needOffset + s] * coachPoints[co + s];
    dense[rowBase + k] = Math.round(points * SCORE_SCALE);
  }
}

/**
 * Scores every pair of a program pool: `dense[i * m + k]` is the score x SCORE_SCALE (rounded), or -1 where a
 * hard constraint or an exclusion forbids the pair; `ruledOut` counts the forbidden pairs per reason.
 */
export function scoreProgram(instance: ProgramInstance): ScoredProgram {
  const ctx = buildScoringContext(instance);
  const { n, m, skillCount: S, needShare, zoneE, zoneC, zoneCount: Z, zonePoints, zoneGap, langE, langC, preferredE, levelE, levelC } = ctx;
  const { personE, managerE, skipE, personC, managerC, skipC, departmentE, departmentC, termPoints } = ctx;
  const policy = instance.policy;
  const L = ctx.languageWords;
  const coachPoints = new Float64Array(m * S);
  for (let x = 0; x < m * S; x++) coachPoints[x] = ctx.strengthPoints[x] + ctx.effectivenessPoints[x];
  const levelGap = policy.preferredLevelGap;
  const levelFull = termPoints.level;
  const levelHalf = termPoints.level * 0.5;
  const maxGap = policy.maxTimezoneGapHours ?? Infinity;
  const reporting = policy.forbidReportingLine;
  const sameDept = policy.forbidSameDepartment;
  const needLanguage = policy.requireSharedLanguage;
  const langFull = termPoints.language;
  const langHalf = termPoints.language / 2;

  const coacheeIndex = new Map(instance.coachees.map((e, i) => [e.id, i]));
  const coachIndex = new Map(instance.coaches.map((c, k) => [c.id, k]));
  // Exclusions per coachee, applied through a per-row mark (1 excluded, 2 declined-before).
  const exclusionRows = new Map<number, [number, number][]>();
  for (const x of instance.exclusions) {
    const i = coacheeIndex.get(x.coachee);
    const k = coachIndex.get(x.coach);
    if (i === undefined || k === undefined) continue;
    const row = exclusionRows.get(i) ?? [];
    row.push([k, x.reason === 'declined-before' ? 2 : 1]);
    exclusionRows.set(i, row);
  }
  const mark = new Uint8Array(m);

  const dense = new Int32Array(n * m);
  const ruledOut = new Uint32Array(n * REASON_COUNT);

  const kernel: RowKernel = {
    m,
    S,
    L,
    Z,
    needShare,
    coachPoints,
    zoneE,
    zoneC,
    zonePoints,
    zoneGap,
    langE,
    langC,
    preferredE,
    levelE,
    levelC,
    personE,
    managerE,
    skipE,
    personC,
    managerC,
    skipC,
    departmentE,
    departmentC,
    mark,
    dense,
    ruledOut,
    reporting,
    sameDept,
    needLanguage,
    maxGap,
    levelGap,
    levelFull,
    levelHalf,
    langFull,
    langHalf,
  };
  for (let i = 0; i < n; i++) {
    const exclusions = exclusionRows.get(i);
    if (exclusions) for (const [k, r] of exclusions) mark[k] = r;
    scoreRow(kernel, i);
    if (exclusions) for (const [k] of exclusions) mark[k] = 0;
  }

  const pairs: ScoredPairs = {
    coacheeIds: instance.coachees.map((e) => e.id),
    coachIds: instance.coaches.map((c) => c.id),
    capacities: Int32Array.from(instance.coaches, (c) => Math.min(c.capacity, 2 ** 31 - 1)),
    dense,
    ruledOut,
  };
  return { context: ctx, pairs };
}

/** Reported name of a participant: the first word of the name, else the id. */
export function displayName(p: CoacheeProfile | CoachProfile): string {
  return p.name?.trim().split(/\s+/)[0] || p.id;
}
