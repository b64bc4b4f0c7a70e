import { Objective, PairRef, ScoredPairs } from './types';

/** A raw-scores instance (`kind: "scores"`, with dense `scores` or sparse `edges`), parsed into typed arrays. */
export interface ScoresInstance {
  readonly kind: 'scores';
  readonly pairs: ScoredPairs;
  readonly minScore: number;
  readonly objective?: Objective;
  readonly pins: readonly PairRef[];
  readonly exclusions: readonly PairRef[];
}

/** One skill of a program's framework. */
export interface SkillDefinition {
  readonly key: string;
  readonly label: string;
  readonly weight: number;
}

/** Relative weights of the score terms (normalised to sum 1 when scoring). */
export interface TermWeights {
  readonly skills: number;
  readonly effectiveness: number;
  readonly timezone: number;
  readonly language: number;
  readonly level: number;
}

/** A program's matching policy: soft-term weights and the hard constraints. */
export interface MatchingPolicy {
  readonly weights: TermWeights;
  /** Largest allowed difference between UTC offsets, in hours; null for no limit. */
  readonly maxTimezoneGapHours: number | null;
  readonly forbidReportingLine: boolean;
  readonly forbidSameDepartment: boolean;
  readonly requireSharedLanguage: boolean;
  /** Ideal coach level minus coachee level. */
  readonly preferredLevelGap: number;
  /** Local working hours used for the overlap term, [start, end) in hours. */
  readonly workingHours: { readonly start: number; readonly end: number };
  readonly minScore: number;
}

/** What coaches and coachees share: a person of the organization. */
export interface Participant {
  readonly id: string;
  /** The person behind the enrollment (defaults to `id`); one person may enroll as coach and coachee. */
  readonly personId: string;
  readonly name?: string;
  readonly department?: string;
  /** Person id of the manager. */
  readonly manager?: string;
  readonly level?: number;
  readonly timezone?: string;
  readonly languages: readonly string[];
}

/** A coach enrollment. */
export interface CoachProfile extends Participant {
  readonly capacity: number;
  /** Strength 0..5 per skill key (missing = 0). */
  readonly strengths: Readonly<Record<string, number>>;
}

/** A coachee enrollment. */
export interface CoacheeProfile extends Participant {
  /** Development need 0..5 per skill key (missing = 0). */
  readonly needs: Readonly<Record<string, number>>;
  readonly preferredLanguage?: string;
}

/** One skill of a coach as feedback calibrated it. */
export interface LearnedSkill {
  /** The strength scoring uses, 0..5, in the skills and the effectiveness term alike. */
  readonly strength: number;
  /** The measured effectiveness an explanation may quote (only when it rests on enough distinct coachees). */
  readonly figure?: number;
  /** Feedback is strong but may not be quoted: the explanation names it without a figure. */
  readonly strongFeedback?: boolean;
}

/** A pair ruled out by an admin (`excluded`) or by an earlier decline (`declined-before`). */
export interface ProgramExclusion extends PairRef {
  readonly reason: 'excluded' | 'declined-before';
}

/** A program-profile instance: Tandem computes the scores itself. */
export interface ProgramInstance {
  readonly kind: 'program';
  readonly skills: readonly SkillDefinition[];
  readonly policy: MatchingPolicy;
  readonly coaches: readonly CoachProfile[];
  readonly coachees: readonly CoacheeProfile[];
  /** Managers outside the pool, so skip-level reporting lines resolve. */
  readonly people: readonly { readonly id: string; readonly manager?: string }[];
  /** Measured effectiveness per coach id and skill key, 0..5 (from feedback). */
  readonly effectiveness: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * What feedback taught per coach id and skill key (Tandem's person-level model, already calibrated and weighted):
   * where a coach has an entry, it replaces both the self-rated strength and `effectiveness` for every skill.
   */
  readonly learned?: Readonly<Record<string, Readonly<Record<string, LearnedSkill>>>>;
  readonly exclusions: readonly ProgramExclusion[];
  readonly pins: readonly PairRef[];
  /** Instant (epoch ms) at which UTC offsets are taken, so daylight saving is deterministic. */
  readonly referenceTime: number;
  readonly objective?: Objective;
}

/** Any instance file of docs/design.md (Matching instance files). */
export type Instance = ScoresInstance | ProgramInstance;

/** The default skill framework: the skills coaching needs, weighted equally (labels as they read inside a sentence). */
export const DEFAULT_SKILLS: readonly SkillDefinition[] = [
  { key: 'active_listening', label: 'active listening', weight: 1 },
  { key: 'empathy', label: 'empathy', weight: 1 },
  { key: 'emotional_intelligence', label: 'emotional intelligence', weight: 1 },
  { key: 'trust_building', label: 'trust building', weight: 1 },
  { key: 'clear_communication', label: 'clear communication', weight: 1 },
];

/** The default policy, for instance files and programs alike (libs/workflows adds the program's objective). */
export const DEFAULT_POLICY = {
  weights: { skills: 0.55, effectiveness: 0.15, timezone: 0.15, language: 0.1, level: 0.05 },
  maxTimezoneGapHours: 8,
  forbidReportingLine: true,
  forbidSameDepartment: false,
  requireSharedLanguage: true,
  preferredLevelGap: 1,
  workingHours: { start: 9, end: 17 },
  minScore: 0,
} satisfies MatchingPolicy;

/** 2025-01-15T12:00:00Z: the default instant for UTC offsets (a fixed date keeps scores reproducible). */
export const DEFAULT_REFERENCE_TIME = 1736942400000;
