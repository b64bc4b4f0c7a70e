import type { CadenceSettings, FeedbackSettings, MatchingPolicy, SkillDefinition } from '@tandem/domain';
import { parseDuration, ValidationError } from '@tandem/domain';
import { DEFAULT_POLICY as MATCHING_POLICY, DEFAULT_SKILLS as MATCHING_SKILLS } from '@tandem/matching';
import { z } from 'zod';

/** A new program's skill framework: libs/matching's default skills, labels capitalised as a program shows them. */
export const DEFAULT_SKILLS: SkillDefinition[] = MATCHING_SKILLS.map((s) => ({
  ...s,
  label: s.label.charAt(0).toUpperCase() + s.label.slice(1),
}));

/** A new program's policy: libs/matching's default policy (skills weigh most, then measured effectiveness and time-zone overlap) and objective. */
export const DEFAULT_POLICY: MatchingPolicy = {
  objective: 'matched-then-score',
  ...MATCHING_POLICY,
  weights: { ...MATCHING_POLICY.weights },
  workingHours: { ...MATCHING_POLICY.workingHours },
};

export const DEFAULT_CADENCE: CadenceSettings = {
  interval: 'P14D',
  sessions: 6,
  sessionDuration: 'PT1H',
  reminderLead: 'PT24H',
};
/** The inactivity settings; a program made before they existed falls back to these (inactivitySettings). */
export const DEFAULT_INACTIVITY_WINDOW = 'P45D';
export const DEFAULT_INACTIVITY_GRACE = 'P14D';
export const DEFAULT_FEEDBACK: FeedbackSettings = {
  enabled: true,
  reminderAfter: 'P3D',
  inactivityWindow: DEFAULT_INACTIVITY_WINDOW,
  inactivityGrace: DEFAULT_INACTIVITY_GRACE,
};

/** A program's inactivity window and grace period, with the defaults for programs made before they existed. */
export function inactivitySettings(feedback: FeedbackSettings): { window: string; grace: string } {
  return {
    window: feedback.inactivityWindow ?? DEFAULT_INACTIVITY_WINDOW,
    grace: feedback.inactivityGrace ?? DEFAULT_INACTIVITY_GRACE,
  };
}
export const DEFAULT_OFFER_TTL = 'P7D';

const isoDuration = z
  .string()
  .max(40)
  .refine((v) => parseDuration(v) !== undefined, 'must be a positive ISO-8601 duration such as P14D or PT5S');

/** One duration setting's range, as ISO-8601 durations. */
interface DurationBound {
  min: string;
  max: string;
}

/**
 * The range of every duration a program takes. A duration past these (`P99999999Y`) once planned sessions past the
 * calendar and hung a worker; a minimum keeps a series from sending its mail every second. With ALLOW_SHORT_DURATIONS
 * (refused in production) the minimums drop to PT1S so tests can watch a whole series; the maximums always hold.
 */
export const DURATION_BOUNDS = {
  offerTtl: { min: 'PT1H', max: 'P60D' },
  'cadence.interval': { min: 'P1D', max: 'P366D' },
  'cadence.sessionDuration': { min: 'PT15M', max: 'PT8H' },
  'cadence.reminderLead': { min: 'PT5M', max: 'P14D' },
  'feedback.reminderAfter': { min: 'PT1H', max: 'P30D' },
  'feedback.inactivityWindow': { min: 'P1D', max: 'P366D' },
  'feedback.inactivityGrace': { min: 'PT1H', max: 'P90D' },
} satisfies Record<string, DurationBound>;

/** A duration setting: its format checked here, its range (which depends on ALLOW_SHORT_DURATIONS) by checkDurationBounds. */
const duration = (field: keyof typeof DURATION_BOUNDS) =>
  isoDuration.describe(
    `ISO-8601 duration from ${DURATION_BOUNDS[field].min} to ${DURATION_BOUNDS[field].max} (shorter only where ALLOW_SHORT_DURATIONS is set)`,
  );

const skillSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower_snake_case, 1-40 characters'),
    label: z.string().trim().min(1).max(80),
    weight: z.number().min(0).max(100),
  })
  .strict();

const skillsSchema = z
  .array(skillSchema)
  .min(1)
  .max(20)
  .refine((skills) => new Set(skills.map((s) => s.key)).size === skills.length, 'skill keys must be unique')
  .refine((skills) => skills.some((s) => s.weight > 0), 'at least one skill needs a weight above 0');

const weight = z.number().min(0).max(10);
const policySchema = z
  .object({
    objective: z.enum(['matched-then-score', 'score', 'maximin-then-score']),
    minScore: z.number().min(0).max(100),
    maxTimezoneGapHours: z.number().min(0).max(26),
    requireSharedLanguage: z.boolean(),
    forbidSameDepartment: z.boolean(),
    forbidReportingLine: z.boolean(),
    // The names these rules had before: refused with the name to use.
    allowSameDepartment: z.never({ error: 'was renamed: use forbidSameDepartment (with the opposite value)' }),
    avoidReportingLine: z.never({ error: 'was renamed: use forbidReportingLine' }),
    preferredLevelGap: z.number().min(-20).max(20),
    workingHours: z
      .object({ start: z.number().int().min(0).max(23), end: z.number().int().min(1).max(24) })
      .strict()
      .refine((h) => h.start < h.end, 'start must be before end'),
    weights: z
      .object({ skills: weight, timezone: weight, language: weight, level: weight, effectiveness: weight })
      .strict()
      .partial(),
    learning: z.number().min(0).max(1),
    learningHalfLife: isoDuration,
  })
  .strict()
  .partial();

const cadenceSchema = z
  .object({
    interval: duration('cadence.interval'),
    sessions: z.number().int().min(1).max(52),
    sessionDuration: duration('cadence.sessionDuration'),
    reminderLead: duration('cadence.reminderLead'),
  })
  .strict()
  .partial();

const feedbackSchema = z
  .object({
    enabled: z.boolean(),
    reminderAfter: duration('feedback.reminderAfter'),
    inactivityWindow: duration('feedback.inactivityWindow'),
    inactivityGrace: duration('feedback.inactivityGrace'),
  })
  .strict()
  .partial();

const settingsShape = {
  skills: skillsSchema,
  policy: policySchema,
  cadence: cadenceSchema,
  offerTtl: duration('offerTtl'),
  feedback: feedbackSchema,
  autoPublish: z.boolean(),
  adminEmail: z.email().max(254).nullable(),
};

/** POST /programs: a name, and any setting to override its default. */
export const createProgramSchema = z
  .object({ name: z.string().trim().min(1).max(200), ...settingsShape })
  .partial({
    skills: true,
    policy: true,
    cadence: true,
    offerTtl: true,
    feedback: true,
    autoPublish: true,
    adminEmail: true,
  })
  .strict();

/** PATCH /programs/{id}: any subset; nested objects merge into the current settings. `version` guards stale writes. */
export const updateProgramSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    status: z.enum(['draft', 'active', 'archived']),
    version: z.number().int().min(1),
    ...settingsShape,
  })
  .partial()
  .strict();

const SHORT_MINIMUM = 'PT1S';

/** Throws a 422 naming each duration of a (parsed) create or update command that is outside its range. */
export function checkDurationBounds(
  command: { offerTtl?: string; cadence?: Record<string, unknown>; feedback?: Record<string, unknown> },
  allowShort: boolean,
): void {
  const problems: { field: string; message: string }[] = [];
  for (const [field, bound] of Object.entries(DURATION_BOUNDS)) {
    const [group, key] = field.split('.');
    const value =
      key === undefined
        ? (command as Record<string, unknown>)[group]
        : (command as Record<string, Record<string, unknown> | undefined>)[group]?.[key];
    if (typeof value !== 'string') continue;
    const ms = parseDuration(value)?.toMillis();
    if (ms === undefined) continue;
    const min = allowShort ? SHORT_MINIMUM : bound.min;
    if (ms < parseDuration(min)!.toMillis() || ms > parseDuration(bound.max)!.toMillis())
      problems.push({ field, message: `must be between ${min} and ${bound.max}` });
  }
  if (problems.length > 0)
    throw new ValidationError(
      `the request is invalid: ${problems.map((d) => `${d.field} ${d.message}`).join('; ')}`.slice(0, 500),
      problems,
    );
}

export type CreateProgramInput = z.infer<typeof createProgramSchema>;
export type UpdateProgramInput = z.infer<typeof updateProgramSchema>;

/** Merges partial policy settings over a base. */
export function mergePolicy(base: MatchingPolicy, patch: CreateProgramInput['policy']): MatchingPolicy {
  return { ...base, ...patch, weights: { ...base.weights, ...patch?.weights } };
}
