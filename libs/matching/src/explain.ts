import { displayName, languageFit, levelFit, ScoringContext } from './scoring';
import { offsetGapHours, workingOverlapHours } from './timezone';

/** One score term: its share of the 100 points, how fully the pair earns it (0..1) and the points earned. */
export interface BreakdownTerm {
  readonly term: 'skills' | 'effectiveness' | 'timezone' | 'language' | 'level';
  readonly weight: number;
  readonly value: number;
  readonly points: number;
}

/** Per-skill detail of the skills term. */
export interface SkillDetail {
  readonly skill: string;
  readonly need: number;
  readonly strength: number;
  readonly points: number;
}

/**
 * One part of a reason as a text key and its values, so each reader's language can word it (the `why.*` texts of
 * libs/mail's catalogs); a reason is its parts joined.
 */
export interface ReasonPart {
  readonly key: string;
  readonly values: Readonly<Record<string, string | number>>;
}

/** Why a pair scores what it scores, readable by a coach. */
export interface Breakdown {
  readonly score: number;
  readonly terms: readonly BreakdownTerm[];
  readonly skills: readonly SkillDetail[];
  /** The top reasons in English. */
  readonly reasons: readonly string[];
  /** The same reasons as text keys and values, one list of parts per reason. */
  readonly wording: readonly (readonly ReasonPart[])[];
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const plural = (x: number, word: string): string => `${x} ${word}${x === 1 ? '' : 's'}`;

/** Explains the score of coachee i with coach k (indices into the instance's lists). */
export function explainPair(ctx: ScoringContext, i: number, k: number, score: number): Breakdown {
  const { instance, skillCount: S, termPoints } = ctx;
  const coachee = instance.coachees[i];
  const coach = instance.coaches[k];
  const name = displayName(coachee);
  const measured = instance.effectiveness[coach.id] ?? {};

  let skillPoints = 0;
  let effPoints = 0;
  const skills: SkillDetail[] = instance.skills.map((s, x) => {
    const share = ctx.needShare[i * S + x];
    const sp = share * ctx.strengthPoints[k * S + x];
    skillPoints += sp;
    effPoints += share * ctx.effectivenessPoints[k * S + x];
    return { skill: s.key, need: coachee.needs[s.key] ?? 0, strength: coach.strengths[s.key] ?? 0, points: round2(sp) };
  });

  const zi = ctx.zoneE[i];
  const zk = ctx.zoneC[k];
  const tzPoints = ctx.zonePoints[zi * ctx.zoneCount + zk];
  const langValue = languageFit(ctx, i, k);
  const levelValue = levelFit(ctx.levelC[k], ctx.levelE[i], instance.policy.preferredLevelGap);
  const fraction = (points: number, full: number): number => (full > 0 ? round2(points / full) : 0);
  const terms: BreakdownTerm[] = [
    { term: 'skills', weight: round2(termPoints.skills), value: fraction(skillPoints, termPoints.skills), points: round2(skillPoints) },
    { term: 'effectiveness', weight: round2(termPoints.effectiveness), value: fraction(effPoints, termPoints.effectiveness), points: round2(effPoints) },
    { term: 'timezone', weight: round2(termPoints.timezone), value: fraction(tzPoints, termPoints.timezone), points: round2(tzPoints) },
    { term: 'language', weight: round2(termPoints.language), value: langValue, points: round2(langValue * termPoints.language) },
    { term: 'level', weight: round2(termPoints.level), value: round2(levelValue), points: round2(levelValue * termPoints.level) },
  ];

  const reasons: { points: number; text: string; wording: ReasonPart[] }[] = [];
  const part = (key: string, values: Record<string, string | number> = {}): ReasonPart => ({ key, values });
  // The skill that earns the most points carries the headline reason.
  let top = -1;
  skills.forEach((s, x) => {
    if (s.points > 0 && (top < 0 || s.points > skills[top].points)) top = x;
  });
  if (top >= 0) {
    const s = skills[top];
    const label = instance.skills[top].label;
    const skill = { skill: label, skillKey: instance.skills[top].key };
    const maxNeed = Math.max(...skills.map((d) => d.need));
    const biggest = s.need > 0 && s.need === maxNeed && skills.findIndex((d) => d.need === maxNeed) === top;
    const learned = instance.learned?.[coach.id];
    const taught = learned?.[instance.skills[top].key];
    // A strength feedback moved is named without a figure: the figure would give the estimate away.
    const strength = learned ? (taught?.strength ?? s.strength) : s.strength;
    const head = strength >= 4 ? `strong in ${label}` : learned ? label : `${label} ${s.strength}/5`;
    const headPart = strength >= 4 ? part('why.strong', skill) : learned ? part('why.skill', skill) : part('why.strength', { ...skill, strength: s.strength });
    const tail = biggest ? `, ${name}'s biggest need` : s.need > 0 ? `, a need of ${name}'s (${s.need}/5)` : '';
    const tailParts = biggest ? [part('why.biggestNeed', { name })] : s.need > 0 ? [part('why.need', { name, need: s.need })] : [];
    reasons.push({ points: skillPoints, text: head + tail, wording: [headPart, ...tailParts] });
    const m = learned ? taught?.figure : measured[instance.skills[top].key];
    if (m !== undefined) reasons.push({ points: effPoints, text: `measured effectiveness ${m}/5 in ${label}`, wording: [part('why.measured', { ...skill, figure: m })] });
    else if (taught?.strongFeedback) reasons.push({ points: effPoints, text: `strong feedback from past coachees in ${label}`, wording: [part('why.strongFeedback', skill)] });
  }
  if (zi < ctx.zoneCount - 1 && zk < ctx.zoneCount - 1) {
    const { start, end } = instance.policy.workingHours;
    const overlap = round2(workingOverlapHours(ctx.zoneOffset[zi], ctx.zoneOffset[zk], start, end));
    const gap = offsetGapHours(ctx.zoneOffset[zi], ctx.zoneOffset[zk]);
    const text = gap === 0 ? 'same working hours' : overlap > 0 ? `${plural(overlap, 'working hour')} in common with ${name}` : `no working hours in common (${gap} h apart)`;
    const wording = gap === 0 ? part('why.sameHours') : overlap > 0 ? part(overlap === 1 ? 'why.overlapOne' : 'why.overlap', { hours: overlap, name }) : part('why.noOverlap', { gap });
    reasons.push({ points: tzPoints, text, wording: [wording] });
  }
  if (langValue === 1) {
    const p = ctx.preferredE[i];
    reasons.push({ points: termPoints.language, text: `speaks ${name}'s preferred language (${ctx.languages[p]})`, wording: [part('why.language', { name, language: ctx.languages[p] })] });
  }
  if (!Number.isNaN(ctx.levelC[k]) && !Number.isNaN(ctx.levelE[i]) && levelValue >= 0.75) {
    const gap = ctx.levelC[k] - ctx.levelE[i];
    const text = gap > 0 ? `${plural(gap, 'level')} above ${name}` : gap === 0 ? `same level as ${name}` : `${plural(-gap, 'level')} below ${name}`;
    const wording =
      gap > 0 ? part(gap === 1 ? 'why.levelAbove' : 'why.levelsAbove', { count: gap, name }) : gap === 0 ? part('why.sameLevel', { name }) : part(gap === -1 ? 'why.levelBelow' : 'why.levelsBelow', { count: -gap, name });
    reasons.push({ points: levelValue * termPoints.level, text, wording: [wording] });
  }
  reasons.sort((a, b) => b.points - a.points);
  const kept = reasons.slice(0, 3);
  return { score, terms, skills, reasons: kept.map((r) => r.text), wording: kept.map((r) => r.wording) };
}
