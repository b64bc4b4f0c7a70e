import { parse } from 'csv-parse/sync';
import { parseParticipantCsv } from '../intake/participant-batch';
import { DEFAULT_SKILLS } from '../programs/program-settings';
import { commaSeparated, peopleColumns, peopleTemplateCsv } from './people-csv';

describe('commaSeparated', () => {
  it('leaves a comma-separated file as it is, even with semicolons in its cells', () => {
    const text = 'role,email,languages\ncoach,a@x.example,"en;de"\n';
    expect(commaSeparated(text)).toEqual({ text, separator: 'comma' });
  });

  it('rewrites a semicolon-separated file with commas, keeping quoted cells, commas and quotes as written', () => {
    const read = commaSeparated('\uFEFFrole;name;languages;bio\ncoach;"Lima, Ana";"en;pt";"Says ""hi"""\n');
    expect(read.separator).toBe('semicolon');
    expect(parse(read.text)).toEqual([
      ['role', 'name', 'languages', 'bio'],
      ['coach', 'Lima, Ana', 'en;pt', 'Says "hi"'],
    ]);
  });

  it('reads a tab-separated file (cells pasted from a spreadsheet)', () => {
    const read = commaSeparated('role\temail\ncoachee\tb@x.example\n');
    expect(read).toEqual({ text: 'role,email\r\ncoachee,b@x.example\r\n', separator: 'tab' });
  });

  it('names the problem of a semicolon file it cannot read, and gives the file back unchanged', () => {
    const text = 'role;email\ncoach;"a@x.example\n';
    expect(commaSeparated(text)).toEqual({ text, separator: 'semicolon', problem: 'a quoted cell is never closed' });
  });

  it('leaves a one-column file alone', () => {
    expect(commaSeparated('role\ncoach\n').separator).toBe('comma');
  });
});

describe('the template and the column guide', () => {
  it('is a valid import of one coach and one coachee with every column the guide lists', () => {
    const template = peopleTemplateCsv(DEFAULT_SKILLS);
    const batch = parseParticipantCsv(template, DEFAULT_SKILLS);
    expect(batch.errors).toEqual([]);
    expect(batch.records.map((r) => r.role)).toEqual(['coach', 'coachee']);
    expect((parse(template) as string[][])[0]).toEqual(peopleColumns(DEFAULT_SKILLS).map((c) => c.column));
  });

  it('documents the empty capacity as 1, which is what the import does', () => {
    expect(peopleColumns(DEFAULT_SKILLS).find((c) => c.column === 'capacity')!.allowed).toContain(
      'Empty means 1 coachee.',
    );
    const skills = DEFAULT_SKILLS.map((s) => s.key);
    const csv = `role,email,name,timezone,capacity,${skills.join(',')}\ncoach,c@x.example,C Doe,Europe/Paris,,${skills.map(() => '3').join(',')}\n`;
    expect(parseParticipantCsv(csv, DEFAULT_SKILLS).records[0].capacity).toBe(1);
  });
});
