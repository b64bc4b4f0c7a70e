import type { ImportRowError, SkillDefinition } from '@tandem/domain';
import { CsvError, parse } from 'csv-parse/sync';
import {
  crossRowErrors,
  type FieldNaming,
  type ParticipantRecord,
  type RawParticipant,
  validateParticipant,
  type ValidatedBatch,
} from './participant-record';

/** Columns every CSV needs besides one column per program skill. */
export const REQUIRED_COLUMNS = ['role', 'email', 'name', 'timezone'] as const;
export const OPTIONAL_COLUMNS = [
  'department',
  'manager_email',
  'level',
  'languages',
  'locale',
  'language',
  'capacity',
  'goals',
  'bio',
  'preferred_day',
  'preferred_hour',
] as const;

/** The most rows one batch may hold: a 100,000-person organization in one file (about 10 MB; see BODY_LIMIT). */
export const MAX_BATCH_ROWS = 100_000;

/**
 * Parses and validates a participant CSV (docs/people-csv.md): header row, then one person per row. Rows are numbered as a
 * spreadsheet shows them (the header is row 1). Every problem is reported, not just the first.
 */
export function parseParticipantCsv(text: string, skills: readonly SkillDefinition[]): ValidatedBatch {
  let table: string[][];
  try {
    table = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      return {
        records: [],
        errors: [
          { row: typeof line === 'number' ? line : 0, column: '', message: `malformed CSV: ${csvMessage(err)}` },
        ],
      };
    }
    throw err;
  }
  if (table.length === 0)
    return { records: [], errors: [{ row: 1, column: '', message: 'the file is empty: expected a header row' }] };
  const header = table[0].map((h) => h.trim().toLowerCase());
  const headerErrors: ImportRowError[] = [];
  const skillKeys = skills.map((s) => s.key);
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, ...skillKeys]);
  header.forEach((column, i) => {
    if (column === '') headerErrors.push({ row: 1, column: `#${i + 1}`, message: 'empty column name' });
    else if (!known.has(column))
      headerErrors.push({ row: 1, column, message: `unknown column (expected: ${[...known].join(', ')})` });
    else if (header.indexOf(column) !== i) headerErrors.push({ row: 1, column, message: 'column appears twice' });
  });
  if (header.includes('locale') && header.includes('language'))
    headerErrors.push({ row: 1, column: 'language', message: 'give the language in one column: locale or language' });
  for (const column of [...REQUIRED_COLUMNS, ...skillKeys]) {
    if (!header.includes(column)) headerErrors.push({ row: 1, column, message: 'missing required column' });
  }
  if (headerErrors.length > 0) return { records: [], errors: headerErrors };
  if (table.length - 1 > MAX_BATCH_ROWS)
    return {
      records: [],
      errors: [{ row: 0, column: '', message: `too many rows: at most ${MAX_BATCH_ROWS} per import` }],
    };
  if (table.length === 1)
    return { records: [], errors: [{ row: 2, column: '', message: 'the file has a header but no participants' }] };

  const index = (column: string) => header.indexOf(column);
  const cell = (cells: string[], column: string): string | undefined => {
    const i = index(column);
    return i < 0 ? undefined : cells[i];
  };
  const raws: { row: number; raw?: RawParticipant; error?: ImportRowError }[] = [];
  for (let r = 1; r < table.length; r++) {
    const cells = table[r];
    const row = r + 1;
    if (cells.length !== header.length) {
      raws.push({
        row,
        error: { row, column: '', message: `has ${cells.length} cells, the header has ${header.length}` },
      });
      continue;
    }
    const skillCells: Record<string, unknown> = {};
    for (const key of skillKeys) skillCells[key] = cell(cells, key);
    raws.push({
      row,
      raw: {
        role: cell(cells, 'role'),
        email: cell(cells, 'email'),
        name: cell(cells, 'name'),
        department: cell(cells, 'department'),
        managerEmail: cell(cells, 'manager_email'),
        level: cell(cells, 'level'),
        timezone: cell(cells, 'timezone'),
        languages: cell(cells, 'languages'),
        locale: cell(cells, 'locale') ?? cell(cells, 'language'),
        capacity: cell(cells, 'capacity'),
        skills: skillCells,
        goals: cell(cells, 'goals'),
        bio: cell(cells, 'bio'),
        preferredDay: cell(cells, 'preferred_day'),
        preferredHour: cell(cells, 'preferred_hour'),
      },
    });
  }
  return validateAll(raws, skills, 'csv');
}

const JSON_FIELDS = new Set([
  'role',
  'email',
  'name',
  'department',
  'managerEmail',
  'level',
  'timezone',
  'languages',
  'locale',
  'capacity',
  'skills',
  'goals',
  'bio',
  'preferredDay',
  'preferredHour',
]);

/** Validates one JSON participant object (also the body of a single enrollment); unknown fields are errors. */
export function rawFromJson(value: unknown, row: number): { raw?: RawParticipant; errors: ImportRowError[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { errors: [{ row, column: '', message: 'must be an object' }] };
  const errors: ImportRowError[] = [];
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!JSON_FIELDS.has(key)) errors.push({ row, column: key, message: 'unknown field' });
  }
  const skills = object.skills ?? {};
  if (typeof skills !== 'object' || skills === null || Array.isArray(skills))
    errors.push({ row, column: 'skills', message: 'must be an object of skill: level (0-5)' });
  if (errors.length > 0) return { errors };
  return { errors, raw: { ...(object as Omit<RawParticipant, 'skills'>), skills: skills as Record<string, unknown> } };
}

/** Parses and validates a JSON batch: `{ "participants": [ ... ] }`, rows numbered from 1. */
export function parseParticipantJson(body: unknown, skills: readonly SkillDefinition[]): ValidatedBatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      records: [],
      errors: [{ row: 0, column: '', message: 'the body must be an object: { "participants": [ ... ] }' }],
    };
  }
  const unknown = Object.keys(body).filter((key) => key !== 'participants');
  if (unknown.length > 0)
    return { records: [], errors: unknown.map((column) => ({ row: 0, column, message: 'unknown field' })) };
  const participants = (body as { participants?: unknown }).participants;
  if (!Array.isArray(participants) || participants.length === 0) {
    return { records: [], errors: [{ row: 0, column: 'participants', message: 'must be a non-empty list' }] };
  }
  if (participants.length > MAX_BATCH_ROWS)
    return {
      records: [],
      errors: [{ row: 0, column: 'participants', message: `at most ${MAX_BATCH_ROWS} per import` }],
    };
  const raws = participants.map((value, i) => {
    const { raw, errors } = rawFromJson(value, i + 1);
    return { row: i + 1, raw, error: errors[0], more: errors.slice(1) };
  });
  const extra = raws.flatMap((r) => r.more);
  const result = validateAll(raws, skills, 'json');
  return extra.length > 0
    ? { records: [], errors: [...result.errors, ...extra].sort((a, b) => a.row - b.row) }
    : result;
}

function validateAll(
  raws: { row: number; raw?: RawParticipant; error?: ImportRowError }[],
  skills: readonly SkillDefinition[],
  naming: FieldNaming,
): ValidatedBatch {
  const errors: ImportRowError[] = [];
  const valid: { row: number; record: ParticipantRecord }[] = [];
  const identities: { row: number; record: { email: string; role: string } }[] = [];
  for (const { row, raw, error } of raws) {
    if (error) errors.push(error);
    if (!raw) continue;
    const result = validateParticipant(raw, row, skills, naming);
    errors.push(...result.errors);
    if (result.identity) identities.push({ row, record: result.identity });
    if (result.record) valid.push({ row, record: result.record });
  }
  errors.push(...crossRowErrors(identities));
  if (errors.length > 0) return { records: [], errors: errors.sort((a, b) => a.row - b.row) };
  return { records: valid.map((v) => v.record), errors: [] };
}

function csvMessage(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (unbalanced quotes)';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quote is followed by unexpected characters';
    default:
      return err.message;
  }
}
