import type { ImportRowError, SkillDefinition } from '@tandem/domain';
import type { Locale } from '@tandem/mail';
import { CsvError, parse } from 'csv-parse/sync';
import { MAX_BATCH_ROWS, parseParticipantCsv, parseParticipantJson } from '../intake/participant-batch';
import { crossRowErrors, type ParticipantRecord, validateParticipant } from '../intake/participant-record';

/** One person to invite: who, in which role, and (from a full participant file) what the questionnaire shows prefilled. */
export interface RosterEntry {
  role: 'coach' | 'coachee';
  name: string;
  email: string;
  locale: Locale | null;
  prefill: Partial<ParticipantRecord> | null;
}

/** The columns of a roster file; a file with any other column is read as the full participant CSV. */
const ROSTER_COLUMNS = new Set(['role', 'name', 'email', 'locale', 'language']);

/**
 * Reads the people to invite: a roster CSV (`role,name,email`, optionally `locale`), the full participant CSV
 * (docs/people-csv.md; its values prefill the questionnaire), or JSON `{ people: [{ role, name, email, locale? }] }`.
 * The whole list is checked first; every error is reported with its row and column.
 */
export function parseRoster(
  format: 'csv' | 'json',
  body: unknown,
  skills: readonly SkillDefinition[],
): { entries: RosterEntry[]; errors: ImportRowError[] } {
  if (format === 'json') return parseRosterJson(body, skills);
  if (typeof body !== 'string')
    return { entries: [], errors: [{ row: 0, column: '', message: 'a CSV roster needs a text/csv body' }] };
  let table: string[][];
  try {
    table = parse(body, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as string[][];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    return { entries: [], errors: [{ row: 0, column: '', message: `malformed CSV: ${err.message.slice(0, 200)}` }] };
  }
  if (table.length === 0)
    return { entries: [], errors: [{ row: 1, column: '', message: 'the file is empty: expected a header row' }] };
  const header = table[0].map((h) => h.trim().toLowerCase());
  if (header.some((column) => !ROSTER_COLUMNS.has(column))) {
    const batch = parseParticipantCsv(body, skills);
    return { entries: batch.records.map(fromRecord), errors: batch.errors };
  }
  const errors: ImportRowError[] = [];
  for (const column of ['role', 'name', 'email'])
    if (!header.includes(column)) errors.push({ row: 1, column, message: 'missing required column' });
  header.forEach((column, i) => {
    if (header.indexOf(column) !== i) errors.push({ row: 1, column, message: 'column appears twice' });
  });
  if (errors.length > 0) return { entries: [], errors };
  if (table.length - 1 > MAX_BATCH_ROWS)
    return { entries: [], errors: [{ row: 0, column: '', message: `too many rows: at most ${MAX_BATCH_ROWS}` }] };
  if (table.length === 1)
    return { entries: [], errors: [{ row: 2, column: '', message: 'the file has a header but nobody to invite' }] };
  const rows = table.slice(1).map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]])));
  return validateRows(rows, 2, 'csv', table.slice(1), header.length);
}

function parseRosterJson(
  body: unknown,
  skills: readonly SkillDefinition[],
): { entries: RosterEntry[]; errors: ImportRowError[] } {
  // A full participant list ({ participants: [...] }) prefills like the full CSV.
  if (body && typeof body === 'object' && 'participants' in body) {
    const batch = parseParticipantJson(body, skills);
    return { entries: batch.records.map(fromRecord), errors: batch.errors };
  }
  const people = (body as { people?: unknown } | null)?.people;
  if (!Array.isArray(people))
    return { entries: [], errors: [{ row: 0, column: 'people', message: 'must be a list of { role, name, email }' }] };
  if (people.length === 0) return { entries: [], errors: [{ row: 0, column: 'people', message: 'must not be empty' }] };
  if (people.length > MAX_BATCH_ROWS)
    return { entries: [], errors: [{ row: 0, column: 'people', message: `at most ${MAX_BATCH_ROWS} people` }] };
  const rows = people.map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>) : {}));
  return validateRows(rows, 1, 'json');
}

function validateRows(
  rows: Record<string, unknown>[],
  firstRow: number,
  naming: 'csv' | 'json',
  cells?: string[][],
  width?: number,
): { entries: RosterEntry[]; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const entries: RosterEntry[] = [];
  const identities: { row: number; record: { email: string; role: string } }[] = [];
  rows.forEach((raw, i) => {
    const row = i + firstRow;
    if (cells && width !== undefined && cells[i].length !== width) {
      errors.push({ row, column: '', message: `expected ${width} cells, found ${cells[i].length}` });
      return;
    }
    // The participant rules for the fields a roster has (a placeholder time zone: the questionnaire asks for it).
    const checked = validateParticipant(
      {
        role: raw.role,
        name: raw.name,
        email: raw.email,
        locale: raw.locale ?? raw.language,
        timezone: 'UTC',
        skills: {},
      },
      row,
      [],
      naming,
    );
    errors.push(...checked.errors);
    if (checked.identity) identities.push({ row, record: checked.identity });
    if (checked.record) {
      const { role, name, email, locale } = checked.record;
      entries.push({ role, name, email, locale, prefill: null });
    }
  });
  errors.push(...crossRowErrors(identities));
  return errors.length > 0 ? { entries: [], errors: errors.slice(0, 1000) } : { entries, errors };
}

function fromRecord(record: ParticipantRecord): RosterEntry {
  const { role, name, email, locale, ...rest } = record;
  return { role, name, email, locale, prefill: rest };
}
