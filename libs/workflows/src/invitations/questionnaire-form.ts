import type { SkillDefinition } from '@tandem/domain';
import { isTimeZone, LIMITS } from '../intake/participant-record';

/** Weekdays as the questionnaire names them (ISO order: 1 = Monday). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The answers of a questionnaire, validated: what the page shows again and what the enrollment is made of. */
export interface QuestionnaireAnswers {
  name: string;
  timezone: string;
  languages: string[];
  /** Available weekdays (ISO, 1 = Monday) and hours [from, to) in the person's time zone. */
  availability: { days: number[]; from: number; to: number };
  /** Coachees: the self-assessed level today per skill (0-5); coaches: their strength per skill (0-5). */
  skills: Record<string, number>;
  goals: string | null;
  preferences: string | null;
  capacity: number | null;
  bio: string | null;
}

/** A field's problem, named as the form names the field. */
export interface FieldProblem {
  field: string;
  message: string;
  /** What the page says, in the person's language: `questionnaire.problem.<code>` with `params`. */
  code: string;
  params?: Record<string, string | number>;
}

const LANGUAGE = /^\p{L}[\p{L}\- ]{0,34}$/u;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The most a coach may take through the questionnaire (an admin may set more). */
export const QUESTIONNAIRE_MAX_CAPACITY = 10;
export const PREFERENCES_MAX = 2000;
export const BIO_MAX = 1000;

/**
 * Validates a questionnaire as posted (a form: every value text, repeated `days`; or JSON): every problem is reported
 * with its field, none is written. Coachees answer levels, goals and preferences; coaches strengths, capacity and bio.
 */
export function parseQuestionnaire(
  body: unknown,
  role: 'coach' | 'coachee',
  skills: readonly SkillDefinition[],
): { answers?: QuestionnaireAnswers; problems: FieldProblem[] } {
  const form = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const problems: FieldProblem[] = [];
  const fail = (field: string, code: string, message: string, params?: Record<string, string | number>): undefined => {
    problems.push({ field, message, code, ...(params ? { params } : {}) });
    return undefined;
  };
  const text = (field: string, max: number, required: boolean): string | null | undefined => {
    const value = form[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
      return required ? fail(field, 'required', 'is required') : null;
    if (typeof value !== 'string') return fail(field, 'text', 'must be text');
    const trimmed = value.trim();
    if (trimmed.length > max) return fail(field, 'tooLong', `must be at most ${max} characters`, { max });
    if (CONTROL.test(trimmed)) return fail(field, 'control', 'must not contain control characters');
    return trimmed;
  };
  const whole = (field: string, min: number, max: number): number | undefined => {
    const value = form[field];
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d{1,3}$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (value === undefined || value === null || value === '') return fail(field, 'required', 'is required');
    if (!Number.isInteger(n) || n < min || n > max)
      return fail(field, 'whole', `must be a whole number from ${min} to ${max}`, { min, max });
    return n;
  };

  const name = text('name', LIMITS.name, true);
  const zone = text('timezone', 64, true);
  const timezone =
    zone && !isTimeZone(zone)
      ? fail('timezone', 'timezone', `"${zone}" is not a time zone such as Europe/Paris`, { zone: zone.slice(0, 64) })
      : zone;

  const languages: string[] = [];
  const rawLanguages = form.languages;
  const items = Array.isArray(rawLanguages)
    ? rawLanguages
    : typeof rawLanguages === 'string'
      ? rawLanguages.split(/[,;]/)
      : rawLanguages === undefined || rawLanguages === null
        ? []
        : null;
  if (items === null) fail('languages', 'languages', 'must be a list of languages');
  else {
    for (const item of items) {
      if (typeof item !== 'string') {
        fail('languages', 'languages', 'must be a list of languages');
        break;
      }
      const language = item.trim().toLowerCase();
      if (language === '') continue;
      if (!LANGUAGE.test(language)) {
        fail('languages', 'language', `"${language.slice(0, 40)}" is not a language code or name`, {
          language: language.slice(0, 40),
        });
        break;
      }
      if (!languages.includes(language)) languages.push(language);
    }
    if (languages.length > LIMITS.languages)
      fail('languages', 'languagesMax', `at most ${LIMITS.languages} languages`, { max: LIMITS.languages });
    else if (languages.length === 0 && !problems.some((p) => p.field === 'languages'))
      fail('languages', 'languagesNone', 'name at least one language');
  }

  const rawDays =
    form.days === undefined || form.days === null ? [] : Array.isArray(form.days) ? form.days : [form.days];
  const days: number[] = [];
  for (const day of rawDays) {
    const index = typeof day === 'string' ? DAYS.indexOf(day.trim().toLowerCase() as (typeof DAYS)[number]) : -1;
    if (index < 0) {
      fail('days', 'days', 'must be weekdays: mon, tue, wed, thu, fri, sat or sun');
      break;
    }
    if (!days.includes(index + 1)) days.push(index + 1);
  }
  if (days.length === 0 && !problems.some((p) => p.field === 'days'))
    fail('days', 'daysNone', 'choose at least one day');
  days.sort((a, b) => a - b);
  const from = whole('from', 0, 23);
  const to = whole('to', 1, 24);
  if (from !== undefined && to !== undefined && from >= to) fail('to', 'toAfterFrom', 'must be after the start hour');

  const skillValues: Record<string, number> = {};
  for (const skill of skills) {
    const level = whole(`skill_${skill.key}`, 0, 5);
    if (level !== undefined) skillValues[skill.key] = level;
  }

  const coach = role === 'coach';
  const goals = coach ? null : text('goals', LIMITS.goals, true);
  const preferences = coach ? null : text('preferences', PREFERENCES_MAX, false);
  const capacity = coach ? whole('capacity', 1, QUESTIONNAIRE_MAX_CAPACITY) : null;
  const bio = coach ? text('bio', BIO_MAX, true) : null;

  if (problems.length > 0) return { problems };
  return {
    problems,
    answers: {
      name: name!,
      timezone: timezone!,
      languages,
      availability: { days, from: from!, to: to! },
      skills: skillValues,
      goals: goals ?? null,
      preferences: preferences ?? null,
      capacity: capacity ?? null,
      bio: bio ?? null,
    },
  };
}

/**
 * The enrollment's skills from the answers: a coach's strengths as given; a coachee's development need is 5 minus the
 * level they gave, so the growth report's intake level (5 minus the need) is the level they gave.
 */
export function enrollmentSkills(role: 'coach' | 'coachee', answers: QuestionnaireAnswers): Record<string, number> {
  if (role === 'coach') return { ...answers.skills };
  return Object.fromEntries(Object.entries(answers.skills).map(([key, level]) => [key, 5 - level]));
}
