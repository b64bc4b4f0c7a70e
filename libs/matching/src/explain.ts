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

/** Why a pair scores what it scores, readable by a coach. */
export interface Breakdown {
  readonly score: number;
  readonly terms: readonly BreakdownTerm[];
  readonly skills: readonly SkillDetail[];
  /** The top reasons in English. */
  readonly reasons: readonly string[];
  /**
   * The same reasons for readers of other languages, one string per reason: its parts separated by spaces, each a text
   * key (libs/mail's catalog `why.<key>`) and its values in a fixed order after colons, skills by key and text values
   * URI-encoded (`strength:empathy:3 need:3`). The coachee's name and the skills' labels are not repeated: the reader
   * knows them. One string, not nested lists: a round stores a breakdown per proposal, and jsonb parses each value.
   */
  readonly wording: readonly string[];
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
    {
      term: 'skills',
      weight: round2(termPoints.skills),
      value: fraction(skillPoints, termPoints.skills),
      points: round2(skillPoints),
    },
    {
      term: 'effectiveness',
      weight: round2(termPoints.effectiveness),
      value: fraction(effPoints, termPoints.effectiveness),
      points: round2(effPoints),
    },
    {
      term: 'timezone',
      weight: round2(termPoints.timezone),
      value: fraction(tzPoints, termPoints.timezone),
      points: round2(tzPoints),
    },
    {
      term: 'language',
      weight: round2(termPoints.language),
      value: langValue,
      points: round2(langValue * termPoints.language),
    },
    {
      term: 'level',
      weight: round2(termPoints.level),
      value: round2(levelValue),
      points: round2(levelValue * termPoints.level),
    },
  ];

  const reasons: { points: number; text: string; wording: string[] }[] = [];
  const part = (key: string, ...values: (string | number)[]): string =>
    [key, ...values.map((v) => (typeof v === 'number' ? String(v) : encodeURIComponent(v)))].join(':');
  // The skill that earns the most points carries the headline reason.
  let top = -1;
  skills.forEach((s, x) => {
    if (s.points > 0 && (top < 0 || s.points > skills[top].points)) top = x;
  });
  if (top >= 0) {
    const s = skills[top];
    const label = instance.skills[top].label;
    const skill = instance.skills[top].key;
    const maxNeed = Math.max(...skills.map((d) => d.need));
    const biggest = s.need > 0 && s.need === maxNeed && skills.findIndex((d) => d.need === maxNeed) === top;
    const learned = instance.learned?.[coach.id];
    const taught = learned?.[instance.skills[top].key];
    // A strength feedback moved is named without a figure: the figure would give the estimate away.
    const strength = learned ? (taught?.strength ?? s.strength) : s.strength;
    const head = strength >= 4 ? `strong in ${label}` : learned ? label : `${label} ${s.strength}/5`;
    const headPart =
      strength >= 4 ? part('strong', skill) : learned ? part('skill', skill) : part('strength', skill, s.strength);
    const tail = biggest ? `, ${name}'s biggest need` : s.need > 0 ? `, a need of ${name}'s (${s.need}/5)` : '';
    const tailParts = biggest ? [part('biggestNeed')] : s.need > 0 ? [part('need', s.need)] : [];
    reasons.push({ points: skillPoints, text: head + tail, wording: [headPart, ...tailParts] });
    const m = learned ? taught?.figure : measured[instance.skills[top].key];
    if (m !== undefined)
      reasons.push({
        points: effPoints,
        text: `measured effectiveness ${m}/5 in ${label}`,
        wording: [part('measured', skill, m)],
      });
    else if (taught?.strongFeedback)
      reasons.push({
        points: effPoints,
        text: `strong feedback from past coachees in ${label}`,
        wording: [part('strongFeedback', skill)],
      });
  }
  if (zi < ctx.zoneCount - 1 && zk < ctx.zoneCount - 1) {
    const { start, end } = instance.policy.workingHours;
    const overlap = round2(workingOverlapHours(ctx.zoneOffset[zi], ctx.zoneOffset[zk], start, end));
    const gap = offsetGapHours(ctx.zoneOffset[zi], ctx.zoneOffset[zk]);
    const text =
      gap === 0
        ? 'same working hours'
        : overlap > 0
          ? `${plural(overlap, 'working hour')} in common with ${name}`
          : `no working hours in common (${gap} h apart)`;
    const wording =
      gap === 0
        ? part('sameHours')
        : overlap > 0
          ? part(overlap === 1 ? 'overlapOne' : 'overlap', overlap)
          : part('noOverlap', gap);
    reasons.push({ points: tzPoints, text, wording: [wording] });
  }
  if (langValue === 1) {
    const p = ctx.preferredE[i];
    reasons.push({
      points: termPoints.language,
      text: `speaks ${name}'s preferred language (${ctx.languages[p]})`,
      wording: [part('language', ctx.languages[p])],
    });
  }
  if (!Number.isNaN(ctx.levelC[k]) && !Number.isNaN(ctx.levelE[i]) && levelValue >= 0.75) {
    const gap = ctx.levelC[k] - ctx.levelE[i];
    const text =
      gap > 0
        ? `${plural(gap, 'level')} above ${name}`
        : gap === 0
          ? `same level as ${name}`
          : `${plural(-gap, 'level')} below ${name}`;
    const wording =
      gap > 0
        ? part(gap === 1 ? 'levelAbove' : 'levelsAbove', gap)
        : gap === 0
          ? part('sameLevel')
          : part(gap === -1 ? 'levelBelow' : 'levelsBelow', -gap);
    reasons.push({ points: levelValue * termPoints.level, text, wording: [wording] });
  }
  reasons.sort((a, b) => b.points - a.points);
  const kept = reasons.slice(0, 3);
  return { score, terms, skills, reasons: kept.map((r) => r.text), wording: kept.map((r) => r.wording.join(' ')) };
}
