import type { SkillDefinition } from '@tandem/domain';
import { CsvError, parse } from 'csv-parse/sync';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from '../intake/participant-batch';

/** One column of the participant CSV, as the console's column guide explains it (docs/people-csv.md says the same). */
export interface PeopleColumn {
  column: string;
  required: boolean;
  meaning: string;
  allowed: string;
  example: string;
}

/** The columns in the template's order: the fixed ones, one per program skill, then the coach-only scheduling ones. */
export function peopleColumns(skills: readonly SkillDefinition[]): PeopleColumn[] {
  const fixed: PeopleColumn[] = [
    {
      column: 'role',
      required: true,
      meaning: 'Coach or coachee.',
      allowed: 'coach or coachee (any case)',
      example: 'coach',
    },
    {
      column: 'email',
      required: true,
      meaning: 'The person’s email; it identifies them in the organization.',
      allowed: 'An email address, at most 254 characters',
      example: 'ana.lima@example.com',
    },
    {
      column: 'name',
      required: true,
      meaning: 'Full name; emails greet the first word.',
      allowed: '1 to 200 characters',
      example: 'Ana Lima',
    },
    {
      column: 'department',
      required: false,
      meaning:
        'Team or department. When the program does not allow same-department pairs, a coach and a coachee of one department are never matched.',
      allowed: 'At most 200 characters; may be empty',
      example: 'Sales',
    },
    {
      column: 'manager_email',
      required: false,
      meaning: 'The person’s manager. A coach is never matched with someone in their reporting line.',
      allowed: 'An email address, not the person’s own; may be empty',
      example: 'kenji.mori@example.com',
    },
    {
      column: 'level',
      required: false,
      meaning: 'Seniority. Scores prefer a coach a little more senior than the coachee.',
      allowed: 'A whole number from 0 to 20; may be empty',
      example: '6',
    },
    {
      column: 'timezone',
      required: true,
      meaning: 'Where the person works: limits the time-zone gap of a pair and places the sessions.',
      allowed: 'A time zone name such as Europe/Berlin or America/New_York',
      example: 'Europe/Lisbon',
    },
    {
      column: 'languages',
      required: false,
      meaning: 'Languages the person speaks; a pair must share one (unless the program says otherwise).',
      allowed: 'Up to 10 codes or names separated by ; (semicolons)',
      example: 'en;pt',
    },
    {
      column: 'locale',
      required: false,
      meaning:
        'The language Tandem writes to the person in (emails, calendar invites, pages). Empty keeps theirs; without one, their first spoken language Tandem writes, else the organization’s default.',
      allowed: 'en or de (a tag such as de-CH counts as de); may be empty',
      example: 'en',
    },
    {
      column: 'capacity',
      required: false,
      meaning: 'Coaches: how many coachees they take at once. Ignored for coachees.',
      allowed: 'A whole number from 0 to 50. Empty means 1 coachee.',
      example: '2',
    },
  ];
  const skillColumns = skills.map((s): PeopleColumn => ({
    column: s.key,
    required: true,
    meaning: `${s.label}: a coach’s strength, or a coachee’s need to develop it.`,
    allowed: 'A number from 0 to 5 (decimals allowed), on every row',
    example: '4',
  }));
  const tail: PeopleColumn[] = [
    {
      column: 'goals',
      required: false,
      meaning: 'Coachees: what they want to work on; the coach reads it in the offer.',
      allowed: 'At most 4,000 characters; may be empty',
      example: 'Handle conflict in my team',
    },
    {
      column: 'bio',
      required: false,
      meaning: 'Coaches: a short introduction, shown in the console.',
      allowed: 'At most 4,000 characters; may be empty',
      example: 'Led three sales teams.',
    },
    {
      column: 'preferred_day',
      required: false,
      meaning: 'Coaches: the weekday their sessions are planned on. Ignored for coachees.',
      allowed: 'mon to sun, or monday to sunday. Empty means Tuesday.',
      example: 'tue',
    },
    {
      column: 'preferred_hour',
      required: false,
      meaning: 'Coaches: the local hour sessions start. Ignored for coachees.',
      allowed: 'A whole number from 0 to 23. Empty means 10.',
      example: '10',
    },
  ];
  const all = [...fixed, ...skillColumns, ...tail];
  // The guide and the parser must name the same columns.
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  return all.filter((c) => known.has(c.column) || skills.some((s) => s.key === c.column));
}

/** One cell, RFC 4180 quoted, the text kept as written (a template and a re-importable export are read back). */
function plainCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A downloadable template: the header and one example row per role, ready to be filled in a spreadsheet. */
export function peopleTemplateCsv(skills: readonly SkillDefinition[]): string {
  const columns = peopleColumns(skills).map((c) => c.column);
  const coach: Record<string, string> = {
    role: 'coach',
    email: 'ana.lima@example.com',
    name: 'Ana Lima',
    department: 'Sales',
    manager_email: '',
    level: '6',
    timezone: 'Europe/Lisbon',
    languages: 'en;pt',
    locale: 'en',
    capacity: '2',
    goals: '',
    bio: 'Led three sales teams; known for calm, structured feedback.',
    preferred_day: 'tue',
    preferred_hour: '10',
  };
  const coachee: Record<string, string> = {
    role: 'coachee',
    email: 'ben.ode@example.com',
    name: 'Ben Ode',
    department: 'Engineering',
    manager_email: 'kenji.mori@example.com',
    level: '4',
    timezone: 'Europe/Berlin',
    languages: 'en;de',
    locale: 'de',
    capacity: '',
    goals: 'Handle conflict between two senior engineers',
    bio: '',
    preferred_day: '',
    preferred_hour: '',
  };
  skills.forEach((s, i) => {
    coach[s.key] = String([5, 4, 4, 5, 3][i % 5]);
    coachee[s.key] = String([4, 2, 3, 1, 2][i % 5]);
  });
  return (
    [columns, columns.map((c) => coach[c] ?? ''), columns.map((c) => coachee[c] ?? '')]
      .map((row) => row.map(plainCell).join(','))
      .join('\r\n') + '\r\n'
  );
}

/** What separator detection made of an uploaded text. */
export interface SeparatedText {
  /** The text, comma-separated (as the import reads it). */
  text: string;
  /** The separator the file used. */
  separator: 'comma' | 'semicolon' | 'tab';
  /** Why a semicolon- or tab-separated file could not be read (then `text` is the file as it came). */
  problem?: string;
}

/** Counts a character in the header line, outside quotes. */
function countInHeader(text: string, char: string): number {
  let n = 0;
  let quoted = false;
  for (const c of text.replace(/^\uFEFF/, '')) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === char) n++;
  }
  return n;
}

/**
 * Detects the separator of a participant file from its header row. A header without commas but with semicolons (as
 * spreadsheets write CSV in many European locales) or tabs (pasted from a spreadsheet) is read with that separator and
 * rewritten with commas, every cell kept as written; anything else is left as it is for the import to check.
 * A file that cannot be read with its separator comes back as it is, with the problem in words.
 */
export function commaSeparated(text: string): SeparatedText {
  if (countInHeader(text, ',') > 0) return { text, separator: 'comma' };
  const semicolons = countInHeader(text, ';');
  const tabs = countInHeader(text, '\t');
  if (semicolons === 0 && tabs === 0) return { text, separator: 'comma' };
  const separator = tabs > semicolons ? 'tab' : 'semicolon';
  let table: string[][];
  try {
    table = parse(text, {
      bom: true,
      delimiter: separator === 'tab' ? '\t' : ';',
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
  } catch (err) {
    if (err instanceof CsvError)
      return {
        text,
        separator,
        problem: err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted cell is never closed' : 'a quote is misplaced',
      };
    throw err;
  }
  return { text: table.map((row) => row.map(plainCell).join(',')).join('\r\n') + '\r\n', separator };
}
