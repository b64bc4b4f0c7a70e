import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SKILLS } from '../programs/program-settings';
import { parseParticipantCsv, parseParticipantJson } from './participant-batch';

const HEADER =
  'role,email,name,department,manager_email,level,timezone,languages,capacity,active_listening,empathy,emotional_intelligence,trust_building,clear_communication,goals,bio';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const skills = {
  active_listening: 1,
  empathy: 2,
  emotional_intelligence: 3,
  trust_building: 4,
  clear_communication: 5,
};

describe('parseParticipantCsv', () => {
  it('reads the language from a locale or a language column: a BCP 47 tag by its base language', () => {
    const rows = (column: string, ...cells: string[]) =>
      parseParticipantCsv(
        [
          `role,email,name,timezone,${column},active_listening,empathy,emotional_intelligence,trust_building,clear_communication`,
          ...cells.map((c, i) => `coachee,p${i}@example.com,P,UTC,${c},1,1,1,1,1`),
        ].join('\n'),
        DEFAULT_SKILLS,
      );
    expect(rows('locale', 'de', 'de-CH', 'EN_gb', '').records.map((r) => r.locale)).toEqual(['de', 'de', 'en', null]);
    expect(rows('language', 'DE').records.map((r) => r.locale)).toEqual(['de']);
    expect(rows('locale', 'fr', 'Deutsch!').errors).toEqual([
      { row: 2, column: 'locale', message: '"fr" is not a language Tandem writes in (en, de)' },
      { row: 3, column: 'locale', message: '"Deutsch!" is not a language tag such as de or en-GB' },
    ]);
    expect(
      parseParticipantCsv('role,email,name,timezone,locale,language\ncoachee,a@example.com,A,UTC,de,de', []).errors,
    ).toEqual([{ row: 1, column: 'language', message: 'give the language in one column: locale or language' }]);
  });

  it('reads a coach and a coachee, normalizing emails, languages and capacity', () => {
    const result = parseParticipantCsv(
      csv(
        'Coach, Ana@Example.COM ,Ana Lima,Sales,boss@example.com,4,America/Sao_Paulo,PT; en ;pt,,5,4,3,2,1,,"Coached 40 managers, mostly in sales"',
        'coachee,ben@example.com,Ben Ode,,,,Europe/Berlin,,,0,1,2,3,4.5,"Be heard, ""calmly""",',
      ),
      DEFAULT_SKILLS,
    );
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        role: 'coach',
        email: 'ana@example.com',
        name: 'Ana Lima',
        department: 'Sales',
        managerEmail: 'boss@example.com',
        level: 4,
        timezone: 'America/Sao_Paulo',
        languages: ['pt', 'en'],
        locale: null,
        capacity: 1,
        skills: {
          active_listening: 5,
          empathy: 4,
          emotional_intelligence: 3,
          trust_building: 2,
          clear_communication: 1,
        },
        goals: null,
        bio: 'Coached 40 managers, mostly in sales',
        preferredDay: null,
        preferredHour: null,
      },
      expect.objectContaining({
        role: 'coachee',
        capacity: null,
        languages: [],
        goals: 'Be heard, "calmly"',
        skills: {
          active_listening: 0,
          empathy: 1,
          emotional_intelligence: 2,
          trust_building: 3,
          clear_communication: 4.5,
        },
      }),
    ]);
  });

  it('reports every error with its spreadsheet row and column, and returns no records', () => {
    const result = parseParticipantCsv(
      csv(
        'coach,a@example.com,A,,,,Europe/Paris,en,-1,1,1,1,1,1,,',
        'coachee,b@example,B,,,99,Nowhere/Land,en,,1,1,1,1,1,,',
        'coachee,c@example.com,,,,,UTC,en,,1,1,1,1,,,',
        'coachee,a@example.com,A again,,,,UTC,en,,1,1,1,1,1,,',
      ),
      DEFAULT_SKILLS,
    );
    expect(result.records).toEqual([]);
    expect(result.errors).toEqual([
      { row: 2, column: 'capacity', message: 'must be a number from 0 to 50' },
      { row: 3, column: 'email', message: 'must be an email address' },
      { row: 3, column: 'level', message: 'must be a number from 0 to 20' },
      { row: 3, column: 'timezone', message: '"Nowhere/Land" is not an IANA time zone such as Europe/Paris' },
      { row: 4, column: 'name', message: 'is required' },
      { row: 4, column: 'clear_communication', message: 'is required (0-5)' },
      { row: 5, column: 'email', message: expect.stringContaining('is a coach on row 2 and a coachee here') },
    ]);
  });

  it('reports malformed CSV, a missing or unknown column, and ragged rows', () => {
    expect(parseParticipantCsv(csv('coach,"a@example.com,A'), DEFAULT_SKILLS).errors[0].message).toMatch(
      /unbalanced quotes/,
    );
    expect(
      parseParticipantCsv('role,email,name,timezone\ncoach,a@example.com,A,UTC', DEFAULT_SKILLS).errors.map(
        (e) => e.column,
      ),
    ).toEqual(DEFAULT_SKILLS.map((s) => s.key));
    expect(parseParticipantCsv(csv().replace('bio', 'biography'), DEFAULT_SKILLS).errors).toEqual([
      expect.objectContaining({ row: 1, column: 'biography', message: expect.stringContaining('unknown column') }),
    ]);
    expect(parseParticipantCsv(csv('coach,a@example.com'), DEFAULT_SKILLS).errors).toEqual([
      { row: 2, column: '', message: 'has 2 cells, the header has 16' },
    ]);
  });

  it('reads a coach’s preferred weekday and hour, keeps them for coaches only, and names bad values', () => {
    const withSlot = (...rows: string[]) => [`${HEADER},preferred_day,preferred_hour`, ...rows].join('\n');
    const result = parseParticipantCsv(
      withSlot(
        'coach,a@example.com,A,,,,UTC,en,1,1,1,1,1,1,,,Thursday,8',
        'coachee,b@example.com,B,,,,UTC,en,,1,1,1,1,1,,,mon,9',
        'coach,c@example.com,C,,,,UTC,en,1,1,1,1,1,1,,,,',
      ),
      DEFAULT_SKILLS,
    );
    expect(result.errors).toEqual([]);
    expect(result.records.map((r) => [r.preferredDay, r.preferredHour])).toEqual([
      [4, 8],
      [null, null],
      [null, null],
    ]);
    expect(
      parseParticipantCsv(withSlot('coach,a@example.com,A,,,,UTC,en,1,1,1,1,1,1,,,someday,24'), DEFAULT_SKILLS).errors,
    ).toEqual([
      { row: 2, column: 'preferred_day', message: expect.stringContaining('must be a weekday') },
      { row: 2, column: 'preferred_hour', message: 'must be a number from 0 to 23' },
    ]);
  });

  it('follows the program skill framework', () => {
    const custom = [{ key: 'curiosity', label: 'Curiosity', weight: 1 }];
    const result = parseParticipantCsv('role,email,name,timezone,curiosity\ncoachee,a@example.com,A,UTC,3', custom);
    expect(result.records[0].skills).toEqual({ curiosity: 3 });
    expect(
      parseParticipantCsv(csv(), custom).errors.some((e) => e.column === 'empathy' && /unknown column/.test(e.message)),
    ).toBe(true);
  });

  it('keeps formula-looking text as plain text (escaping is the exporter’s job)', () => {
    const result = parseParticipantCsv(
      csv('coachee,f@example.com,"=HYPERLINK(""x"")",,,,UTC,en,,1,1,1,1,1,+cmd,'),
      DEFAULT_SKILLS,
    );
    expect(result.records[0]).toMatchObject({ name: '=HYPERLINK("x")', goals: '+cmd' });
  });
});

describe('docs/samples/people.csv', () => {
  it('imports with zero errors: 3 coaches and 6 coachees, with the preferred slots it names', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'samples', 'people.csv'), 'utf8');
    const result = parseParticipantCsv(text, DEFAULT_SKILLS);
    expect(result.errors).toEqual([]);
    expect(result.records.filter((r) => r.role === 'coach')).toHaveLength(3);
    expect(result.records.filter((r) => r.role === 'coachee')).toHaveLength(6);
    expect(result.records.filter((r) => r.role === 'coach').map((r) => [r.preferredDay, r.preferredHour])).toEqual([
      [2, 10],
      [4, 14],
      [null, null],
    ]);
  });
});

describe('parseParticipantJson', () => {
  const participant = { role: 'coachee', email: 'j@example.com', name: 'J', timezone: 'UTC', skills };

  it('accepts typed values and rejects strings where numbers belong', () => {
    expect(parseParticipantJson({ participants: [participant] }, DEFAULT_SKILLS).errors).toEqual([]);
    const bad = parseParticipantJson(
      { participants: [{ ...participant, level: '3', skills: { ...skills, empathy: '2' } }] },
      DEFAULT_SKILLS,
    );
    expect(bad.errors.map((e) => e.column)).toEqual(['level', 'skills.empathy']);
  });

  it('rejects unknown fields, unknown skills and a body of the wrong shape', () => {
    expect(parseParticipantJson({ participants: [{ ...participant, age: 40 }] }, DEFAULT_SKILLS).errors).toEqual([
      { row: 1, column: 'age', message: 'unknown field' },
    ]);
    expect(
      parseParticipantJson({ participants: [{ ...participant, skills: { ...skills, juggling: 5 } }] }, DEFAULT_SKILLS)
        .errors,
    ).toEqual([{ row: 1, column: 'skills.juggling', message: 'is not a skill of this program' }]);
    expect(parseParticipantJson([participant], DEFAULT_SKILLS).errors[0].message).toMatch(/must be an object/);
    expect(parseParticipantJson({ participants: [] }, DEFAULT_SKILLS).errors[0].column).toBe('participants');
    expect(parseParticipantJson({ participants: [participant], extra: 1 }, DEFAULT_SKILLS).errors).toEqual([
      { row: 0, column: 'extra', message: 'unknown field' },
    ]);
  });
});
