import type { ImportRowError, SkillDefinition } from '@tandem/domain';
import { type Locale, parseLocaleTag, SUPPORTED_LOCALES } from '@tandem/mail';
import { IANAZone } from 'luxon';

/** One validated participant: a person and their enrollment in a program. */
export interface ParticipantRecord {
  role: 'coach' | 'coachee';
  email: string;
  name: string;
  department: string | null;
  managerEmail: string | null;
  level: number | null;
  timezone: string;
  languages: string[];
  /** The language Tandem writes to them in; null leaves it as it is (docs/languages.md). */
  locale: Locale | null;
  capacity: number | null;
  skills: Record<string, number>;
  goals: string | null;
  bio: string | null;
  /** Coaches only: ISO weekday (1 = Monday) and local hour sessions are planned at; null takes the default. */
  preferredDay: number | null;
  preferredHour: number | null;
}

/** Weekday names a participant file may use, to ISO weekday numbers. */
export const WEEKDAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

const FULL_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** The outcome of validating a batch: the records, or every error found (never both partially). */
export interface ValidatedBatch {
  records: ParticipantRecord[];
  errors: ImportRowError[];
}

/** How a field is named in errors: CSV columns are snake_case, JSON fields camelCase. */
export type FieldNaming = 'csv' | 'json';

const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
const LANGUAGE = /^\p{L}[\p{L}\- ]{0,34}$/u;
export const LIMITS = {
  name: 200,
  department: 200,
  goals: 4000,
  bio: 4000,
  email: 254,
  languages: 10,
  capacity: 50,
  level: 20,
} as const;

const zoneValidity = new Map<string, boolean>();

/** Whether a name is an IANA time zone; cached, since each check builds an Intl formatter (~0.1 ms). */
export function isTimeZone(name: string): boolean {
  let valid = zoneValidity.get(name);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(name);
    if (zoneValidity.size < 10_000) zoneValidity.set(name, valid);
  }
  return valid;
}

/** Raw values of one participant, keyed by field (cells from a CSV are strings; JSON values keep their types). */
export interface RawParticipant {
  role?: unknown;
  email?: unknown;
  name?: unknown;
  department?: unknown;
  managerEmail?: unknown;
  level?: unknown;
  timezone?: unknown;
  languages?: unknown;
  locale?: unknown;
  capacity?: unknown;
  skills: Record<string, unknown>;
  goals?: unknown;
  bio?: unknown;
  preferredDay?: unknown;
  preferredHour?: unknown;
}

const CSV_COLUMN: Record<string, string> = {
  managerEmail: 'manager_email',
  preferredDay: 'preferred_day',
  preferredHour: 'preferred_hour',
};

/** Validates one participant; errors name the CSV column or JSON field. */
export function validateParticipant(
  raw: RawParticipant,
  row: number,
  skills: readonly SkillDefinition[],
  naming: FieldNaming,
): { record?: ParticipantRecord; identity?: { email: string; role: 'coach' | 'coachee' }; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const column = (field: string) => (naming === 'csv' ? (CSV_COLUMN[field] ?? field) : field);
  const fail = (field: string, message: string) => {
    errors.push({ row, column: column(field), message });
    return undefined;
  };
  const text = (field: keyof RawParticipant, max: number, required: boolean): string | null | undefined => {
    const value = raw[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return required ? fail(field, 'is required') : null;
    }
    if (typeof value !== 'string') return fail(field, 'must be text');
    const trimmed = value.trim();
    if (trimmed.length > max) return fail(field, `must be at most ${max} characters`);
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(trimmed))
      return fail(field, 'must not contain control characters');
    return trimmed;
  };
  const number = (
    field: string,
    value: unknown,
    min: number,
    max: number,
    whole: boolean,
  ): number | null | undefined => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
    let n: number;
    if (typeof value === 'number') n = value;
    else if (naming === 'csv' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()))
      n = Number(value.trim());
    else return fail(field, `must be a number from ${min} to ${max}`);
    if (!Number.isFinite(n) || n < min || n > max) return fail(field, `must be a number from ${min} to ${max}`);
    if (whole && !Number.isInteger(n)) return fail(field, `must be a whole number from ${min} to ${max}`);
    return n;
  };
  const email = (field: 'email' | 'managerEmail', required: boolean): string | null | undefined => {
    const value = text(field, LIMITS.email, required);
    if (!value) return value;
    if (!EMAIL.test(value)) return fail(field, 'must be an email address');
    return value.toLowerCase();
  };

  const roleValue = typeof raw.role === 'string' ? raw.role.trim().toLowerCase() : raw.role;
  const role: 'coach' | 'coachee' | undefined =
    roleValue === 'coach' || roleValue === 'coachee'
      ? roleValue
      : fail('role', roleValue === undefined || roleValue === '' ? 'is required' : 'must be coach or coachee');
  const personEmail = email('email', true);
  const name = text('name', LIMITS.name, true);
  const department = text('department', LIMITS.department, false);
  const managerEmail = email('managerEmail', false);
  if (managerEmail && personEmail && managerEmail === personEmail)
    fail('managerEmail', 'must not be the person themself');
  const level = number('level', raw.level, 0, LIMITS.level, true);
  const timezoneText = text('timezone', 64, true);
  const timezone =
    timezoneText && !isTimeZone(timezoneText)
      ? fail('timezone', `"${timezoneText}" is not an IANA time zone such as Europe/Paris`)
      : timezoneText;
  const languages = parseLanguages(raw.languages, naming, (message) => fail('languages', message));
  const locale = parseLocale(text('locale', 35, false), (message) => fail('locale', message));
  const capacityValue = number('capacity', raw.capacity, 0, LIMITS.capacity, true);
  const goals = text('goals', LIMITS.goals, false);
  const bio = text('bio', LIMITS.bio, false);
  const preferredDay = parseWeekday(raw.preferredDay, (message) => fail('preferredDay', message));
  const preferredHour = number('preferredHour', raw.preferredHour, 0, 23, true);
  const skillValues: Record<string, number> = {};
  for (const skill of skills) {
    const value = raw.skills[skill.key];
    const field = naming === 'csv' ? skill.key : `skills.${skill.key}`;
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      fail(field, 'is required (0-5)');
      continue;
    }
    const n = number(field, value, 0, 5, false);
    if (typeof n === 'number') skillValues[skill.key] = n;
  }
  for (const key of Object.keys(raw.skills)) {
    if (!skills.some((s) => s.key === key))
      fail(naming === 'csv' ? key : `skills.${key}`, 'is not a skill of this program');
  }
  const identity = role && personEmail ? { email: personEmail, role } : undefined;
  if (errors.length > 0) return { errors, identity };
  return {
    errors,
    identity,
    record: {
      role: role!,
      email: personEmail!,
      name: name!,
      department: department ?? null,
      managerEmail: managerEmail ?? null,
      level: level ?? null,
      timezone: timezone!,
      languages: languages ?? [],
      locale: locale ?? null,
      capacity: role === 'coach' ? (capacityValue ?? 1) : null,
      skills: skillValues,
      goals: goals ?? null,
      bio: bio ?? null,
      preferredDay: role === 'coach' ? (preferredDay ?? null) : null,
      preferredHour: role === 'coach' ? (preferredHour ?? null) : null,
    },
  };
}

function parseWeekday(value: unknown, fail: (message: string) => undefined): number | null | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const day = WEEKDAYS[name] ?? FULL_WEEKDAYS.indexOf(name) + 1;
  return day > 0 ? day : fail('must be a weekday: mon, tue, wed, thu, fri, sat or sun');
}

function parseLocale(
  value: string | null | undefined,
  fail: (message: string) => undefined,
): Locale | null | undefined {
  if (!value) return value === undefined ? undefined : null;
  const parsed = parseLocaleTag(value);
  if ('locale' in parsed) return parsed.locale;
  return fail(
    parsed.problem === 'invalid'
      ? `"${value.slice(0, 35)}" is not a language tag such as de or en-GB`
      : `"${value.slice(0, 35)}" is not a language Tandem writes in (${SUPPORTED_LOCALES.join(', ')})`,
  );
}

function parseLanguages(
  value: unknown,
  naming: FieldNaming,
  fail: (message: string) => undefined,
): string[] | undefined {
  if (value === undefined || value === null || value === '') return [];
  let items: unknown[];
  if (typeof value === 'string' && naming === 'csv') items = value.split(';');
  else if (Array.isArray(value)) items = value;
  else return fail(naming === 'csv' ? 'must be a ;-separated list' : 'must be a list of languages');
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return fail('must be a list of languages');
    const language = item.trim().toLowerCase();
    if (language === '') continue;
    if (!LANGUAGE.test(language)) return fail(`"${language.slice(0, 40)}" is not a language code or name`);
    if (!out.includes(language)) out.push(language);
  }
  if (out.length > LIMITS.languages) return fail(`at most ${LIMITS.languages} languages`);
  return out;
}

/** Errors that span rows: the same email twice, or one person as both coach and coachee. */
export function crossRowErrors(records: { row: number; record: { email: string; role: string } }[]): ImportRowError[] {
  const errors: ImportRowError[] = [];
  const seen = new Map<string, { row: number; role: string }>();
  for (const { row, record } of records) {
    const first = seen.get(record.email);
    if (!first) {
      seen.set(record.email, { row, role: record.role });
      continue;
    }
    errors.push({
      row,
      column: 'email',
      message:
        first.role === record.role
          ? `duplicate email: ${record.email} is also on row ${first.row}`
          : `${record.email} is a ${first.role} on row ${first.row} and a ${record.role} here; one person cannot be both in a program`,
    });
  }
  return errors;
}
