import { InstanceError } from './errors';
import {
  CoacheeProfile,
  CoachProfile,
  DEFAULT_POLICY,
  DEFAULT_REFERENCE_TIME,
  DEFAULT_SKILLS,
  Instance,
  MatchingPolicy,
  ProgramExclusion,
  ProgramInstance,
  ScoresInstance,
  SkillDefinition,
} from './instance';
import { isTimeZone, parseUtcInstant } from './timezone';
import { OBJECTIVES, Objective, PairRef, SCORE_SCALE } from './types';

type Json = Record<string, unknown>;

const fail = (path: string, problem: string): never => {
  throw new InstanceError(path, problem);
};

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Json;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value as unknown[];
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  return value as string;
}

function optionalText(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, path);
}

function wholeNumber(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(path, `must be a whole number >= ${min}`);
  return value as number;
}

function numberIn(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    fail(path, `must be a number in ${min}..${max}`);
  return value as number;
}

function bool(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value as boolean;
}

function objective(value: unknown, path: string): Objective | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !OBJECTIVES.includes(value as Objective))
    fail(path, `must be one of ${OBJECTIVES.join(', ')}`);
  return value as Objective;
}

function uniqueIds(ids: string[], path: (i: number) => string): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) fail(path(i), `duplicates ${path(first)} ("${id}")`);
    seen.set(id, i);
  });
}

function pairRefs(value: unknown, path: string): PairRef[] {
  if (value === undefined || value === null) return [];
  return array(value, path).map((raw, i) => {
    const o = object(raw, `${path}[${i}]`);
    return { coachee: text(o.coachee, `${path}[${i}].coachee`), coach: text(o.coach, `${path}[${i}].coach`) };
  });
}

/** Validates an instance file (any kind in docs/design.md, Matching instance files); throws an InstanceError naming the first bad place. */
export function parseInstance(input: unknown): Instance {
  const root = object(input, 'instance');
  if (root.kind === 'scores') return parseScores(root);
  if (root.kind === 'program') return parseProgram(root);
  return fail('kind', 'must be "scores" or "program"');
}

function parseScores(root: Json): ScoresInstance {
  const coacheeIds = array(root.coachees, 'coachees').map((v, i) => text(v, `coachees[${i}]`));
  uniqueIds(coacheeIds, (i) => `coachees[${i}]`);
  const coaches = array(root.coaches, 'coaches').map((raw, j) => {
    const o = object(raw, `coaches[${j}]`);
    return { id: text(o.id, `coaches[${j}].id`), capacity: wholeNumber(o.capacity, `coaches[${j}].capacity`, 0) };
  });
  uniqueIds(
    coaches.map((c) => c.id),
    (j) => `coaches[${j}].id`,
  );
  const n = coacheeIds.length;
  const m = coaches.length;
  const capacities = Int32Array.from(coaches, (c) => Math.min(c.capacity, 2 ** 31 - 1));
  const base = { coacheeIds, coachIds: coaches.map((c) => c.id), capacities };
  let pairs: ScoresInstance['pairs'];
  if (root.scores !== undefined && root.edges !== undefined) fail('edges', 'cannot be given together with scores');
  if (root.scores !== undefined) {
    const rows = array(root.scores, 'scores');
    if (rows.length !== n) fail('scores', `must have one row per coachee (${n})`);
    const dense = new Int32Array(n * m);
    rows.forEach((raw, i) => {
      const row = array(raw, `scores[${i}]`);
      if (row.length !== m) fail(`scores[${i}]`, `must have one entry per coach (${m})`);
      for (let j = 0; j < m; j++) {
        const s = row[j];
        dense[i * m + j] = s === null ? -1 : Math.round(numberIn(s, `scores[${i}][${j}]`, 0, 100) * SCORE_SCALE);
      }
    });
    pairs = { ...base, dense };
  } else if (root.edges !== undefined) {
    const edges = array(root.edges, 'edges');
    const ci = new Int32Array(edges.length);
    const cj = new Int32Array(edges.length);
    const cw = new Int32Array(edges.length);
    const start = new Int32Array(n + 1);
    edges.forEach((raw, e) => {
      const t = array(raw, `edges[${e}]`);
      if (t.length !== 3) fail(`edges[${e}]`, 'must be [coacheeIndex, coachIndex, score]');
      ci[e] =
        n === 0
          ? fail(`edges[${e}][0]`, 'must index a coachee (there are none)')
          : wholeNumber(t[0], `edges[${e}][0]`, 0);
      if (ci[e] >= n) fail(`edges[${e}][0]`, `must be a coachee index below ${n}`);
      cj[e] =
        m === 0
          ? fail(`edges[${e}][1]`, 'must index a coach (there are none)')
          : wholeNumber(t[1], `edges[${e}][1]`, 0);
      if (cj[e] >= m) fail(`edges[${e}][1]`, `must be a coach index below ${m}`);
      cw[e] = Math.round(numberIn(t[2], `edges[${e}][2]`, 0, 100) * SCORE_SCALE);
      start[ci[e] + 1]++;
    });
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fillAt = start.slice(0, n);
    const coach = new Int32Array(edges.length);
    const weight = new Int32Array(edges.length);
    const edgeOf = new Int32Array(edges.length);
    for (let e = 0; e < edges.length; e++) {
      const p = fillAt[ci[e]]++;
      coach[p] = cj[e];
      weight[p] = cw[e];
      edgeOf[p] = e;
    }
    // A pair listed twice is ambiguous: reject it rather than guess which score was meant.
    const lastEdge = new Int32Array(m).fill(-1);
    for (let i = 0; i < n; i++) {
      for (let p = start[i]; p < start[i + 1]; p++) {
        const j = coach[p];
        if (lastEdge[j] >= 0 && ci[lastEdge[j]] === i) fail(`edges[${edgeOf[p]}]`, `duplicates edges[${lastEdge[j]}]`);
        lastEdge[j] = edgeOf[p];
      }
    }
    pairs = { ...base, arcs: { start, coach, weight } };
  } else return fail('scores', 'is required (or edges)');
  return {
    kind: 'scores',
    pairs,
    minScore: root.minScore === undefined ? 0 : numberIn(root.minScore, 'minScore', 0, 100),
    objective: objective(root.objective, 'objective'),
    pins: pairRefs(root.pins, 'pins'),
    exclusions: pairRefs(root.exclusions, 'exclusions'),
  };
}

function parseSkills(value: unknown): SkillDefinition[] {
  if (value === undefined || value === null) return [...DEFAULT_SKILLS];
  const skills = array(value, 'skills').map((raw, s): SkillDefinition => {
    const path = `skills[${s}]`;
    if (typeof raw === 'string')
      return {
        key: text(raw, path),
        label: DEFAULT_SKILLS.find((d) => d.key === raw)?.label ?? raw.replace(/_/g, ' '),
        weight: 1,
      };
    const o = object(raw, path);
    const key = text(o.key, `${path}.key`);
    return {
      key,
      label: optionalText(o.label, `${path}.label`) ?? key.replace(/_/g, ' '),
      weight: o.weight === undefined ? 1 : numberIn(o.weight, `${path}.weight`, 0, 1000),
    };
  });
  if (skills.length === 0) fail('skills', 'must name at least one skill');
  uniqueIds(
    skills.map((s) => s.key),
    (s) => `skills[${s}].key`,
  );
  return skills;
}

function parsePolicy(value: unknown): MatchingPolicy {
  if (value === undefined || value === null) return DEFAULT_POLICY;
  const o = object(value, 'policy');
  const d = DEFAULT_POLICY;
  let weights = d.weights;
  if (o.weights !== undefined) {
    const w = object(o.weights, 'policy.weights');
    const pick = (key: keyof MatchingPolicy['weights']): number =>
      w[key] === undefined ? d.weights[key] : numberIn(w[key], `policy.weights.${key}`, 0, 1000);
    weights = {
      skills: pick('skills'),
      effectiveness: pick('effectiveness'),
      timezone: pick('timezone'),
      language: pick('language'),
      level: pick('level'),
    };
    if (weights.skills + weights.effectiveness + weights.timezone + weights.language + weights.level <= 0)
      fail('policy.weights', 'must not all be 0');
  }
  let workingHours = d.workingHours;
  if (o.workingHours !== undefined) {
    const h = object(o.workingHours, 'policy.workingHours');
    const start = numberIn(h.start, 'policy.workingHours.start', 0, 24);
    const end = numberIn(h.end, 'policy.workingHours.end', 0, 24);
    if (end <= start) fail('policy.workingHours.end', 'must be after start');
    workingHours = { start, end };
  }
  return {
    weights,
    maxTimezoneGapHours:
      o.maxTimezoneGapHours === undefined
        ? d.maxTimezoneGapHours
        : o.maxTimezoneGapHours === null
          ? null
          : numberIn(o.maxTimezoneGapHours, 'policy.maxTimezoneGapHours', 0, 24),
    forbidReportingLine: bool(o.forbidReportingLine, 'policy.forbidReportingLine', d.forbidReportingLine),
    forbidSameDepartment: bool(o.forbidSameDepartment, 'policy.forbidSameDepartment', d.forbidSameDepartment),
    requireSharedLanguage: bool(o.requireSharedLanguage, 'policy.requireSharedLanguage', d.requireSharedLanguage),
    preferredLevelGap:
      o.preferredLevelGap === undefined
        ? d.preferredLevelGap
        : numberIn(o.preferredLevelGap, 'policy.preferredLevelGap', -100, 100),
    workingHours,
    minScore: o.minScore === undefined ? d.minScore : numberIn(o.minScore, 'policy.minScore', 0, 100),
  };
}

function skillLevels(value: unknown, path: string, skills: readonly SkillDefinition[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (value === undefined || value === null) return out;
  const o = object(value, path);
  for (const key of Object.keys(o)) {
    if (!skills.some((s) => s.key === key))
      fail(`${path}.${key}`, `is not a program skill (${skills.map((s) => s.key).join(', ')})`);
    out[key] = numberIn(o[key], `${path}.${key}`, 0, 5);
  }
  return out;
}

function participant(o: Json, path: string) {
  const id = text(o.id, `${path}.id`);
  const timezone = optionalText(o.timezone, `${path}.timezone`);
  if (timezone !== undefined && !isTimeZone(timezone)) fail(`${path}.timezone`, 'must be an IANA time zone');
  const languages =
    o.languages === undefined || o.languages === null
      ? []
      : typeof o.languages === 'string'
        ? o.languages
            .split(';')
            .map((l) => l.trim().toLowerCase())
            .filter((l) => l.length > 0)
        : array(o.languages, `${path}.languages`).map((l, x) => text(l, `${path}.languages[${x}]`).toLowerCase());
  return {
    id,
    personId: optionalText(o.personId, `${path}.personId`) ?? optionalText(o.email, `${path}.email`) ?? id,
    name: optionalText(o.name, `${path}.name`),
    department: optionalText(o.department, `${path}.department`),
    manager: optionalText(o.manager ?? o.managerId ?? o.manager_email, `${path}.manager`),
    level: o.level === undefined || o.level === null ? undefined : numberIn(o.level, `${path}.level`, -1000, 1000),
    timezone,
    languages,
  };
}

function parseProgram(root: Json): ProgramInstance {
  const skills = parseSkills(root.skills);
  const policy = parsePolicy(root.policy);
  const coaches = array(root.coaches, 'coaches').map((raw, j): CoachProfile => {
    const path = `coaches[${j}]`;
    const o = object(raw, path);
    return {
      ...participant(o, path),
      capacity: wholeNumber(o.capacity, `${path}.capacity`, 0),
      strengths: skillLevels(o.strengths, `${path}.strengths`, skills),
    };
  });
  uniqueIds(
    coaches.map((c) => c.id),
    (j) => `coaches[${j}].id`,
  );
  const coachees = array(root.coachees, 'coachees').map((raw, i): CoacheeProfile => {
    const path = `coachees[${i}]`;
    const o = object(raw, path);
    const prefs = o.preferences === undefined ? {} : object(o.preferences, `${path}.preferences`);
    const preferred = optionalText(o.preferredLanguage ?? prefs.language, `${path}.preferredLanguage`);
    return {
      ...participant(o, path),
      needs: skillLevels(o.needs, `${path}.needs`, skills),
      preferredLanguage: preferred?.toLowerCase(),
    };
  });
  uniqueIds(
    coachees.map((c) => c.id),
    (i) => `coachees[${i}].id`,
  );
  const people =
    root.people === undefined
      ? []
      : array(root.people, 'people').map((raw, p) => {
          const o = object(raw, `people[${p}]`);
          return {
            id: text(o.id, `people[${p}].id`),
            manager: optionalText(o.manager ?? o.managerId, `people[${p}].manager`),
          };
        });
  const effectiveness: Record<string, Record<string, number>> = {};
  if (root.effectiveness !== undefined && root.effectiveness !== null) {
    const o = object(root.effectiveness, 'effectiveness');
    const coachIds = new Set(coaches.map((c) => c.id));
    for (const id of Object.keys(o)) {
      if (!coachIds.has(id)) fail(`effectiveness.${id}`, 'is not a coach id');
      effectiveness[id] = skillLevels(o[id], `effectiveness.${id}`, skills);
    }
  }
  const exclusions =
    root.exclusions === undefined || root.exclusions === null
      ? []
      : array(root.exclusions, 'exclusions').map((raw, x): ProgramExclusion => {
          const path = `exclusions[${x}]`;
          const o = object(raw, path);
          const reason = o.reason === undefined ? 'excluded' : o.reason;
          if (reason !== 'excluded' && reason !== 'declined-before')
            fail(`${path}.reason`, 'must be "excluded" or "declined-before"');
          return {
            coachee: text(o.coachee, `${path}.coachee`),
            coach: text(o.coach, `${path}.coach`),
            reason: reason as ProgramExclusion['reason'],
          };
        });
  let referenceTime = DEFAULT_REFERENCE_TIME;
  if (root.referenceTime !== undefined) {
    const parsed =
      typeof root.referenceTime === 'number' && Number.isFinite(root.referenceTime)
        ? root.referenceTime
        : parseUtcInstant(String(root.referenceTime));
    referenceTime =
      parsed ?? fail('referenceTime', 'must be an ISO-8601 UTC instant (YYYY-MM-DDTHH:MM:SSZ) or epoch milliseconds');
  }
  return {
    kind: 'program',
    skills,
    policy,
    coaches,
    coachees,
    people,
    effectiveness,
    exclusions,
    pins: pairRefs(root.pins, 'pins'),
    referenceTime,
    objective: objective(root.objective ?? (root.policy as Json | undefined)?.objective, 'objective'),
  };
}
