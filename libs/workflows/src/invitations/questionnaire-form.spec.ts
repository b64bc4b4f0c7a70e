import { enrollmentSkills, parseQuestionnaire } from './questionnaire-form';
import { parseRoster } from './roster';

const SKILLS = [
  { key: 'listening', label: 'Listening', weight: 1 },
  { key: 'feedback', label: 'Feedback', weight: 1 },
];

const coachee = {
  name: ' Ana Lima ',
  timezone: 'Europe/Lisbon',
  languages: 'PT, en, pt',
  days: ['thu', 'tue'],
  from: '9',
  to: '12',
  skill_listening: '1',
  skill_feedback: '4',
  goals: 'Give feedback',
};

describe('parseQuestionnaire', () => {
  it('reads a coachee form: trimmed text, languages once each in lower case, days in week order', () => {
    const { answers, problems } = parseQuestionnaire(coachee, 'coachee', SKILLS);
    expect(problems).toEqual([]);
    expect(answers).toEqual({
      name: 'Ana Lima',
      timezone: 'Europe/Lisbon',
      languages: ['pt', 'en'],
      availability: { days: [2, 4], from: 9, to: 12 },
      skills: { listening: 1, feedback: 4 },
      goals: 'Give feedback',
      preferences: null,
      capacity: null,
      bio: null,
    });
    // The coachee's need is 5 minus the level they gave (the growth report's intake level is the level).
    expect(enrollmentSkills('coachee', answers!)).toEqual({ listening: 4, feedback: 1 });
  });

  it('takes JSON values and a single day as text', () => {
    const { answers } = parseQuestionnaire(
      { ...coachee, languages: ['de'], days: 'mon', from: 8, to: 18, skill_listening: 0, skill_feedback: 5 },
      'coachee',
      SKILLS,
    );
    expect(answers?.availability).toEqual({ days: [1], from: 8, to: 18 });
    expect(answers?.languages).toEqual(['de']);
  });

  it('reports every problem with its field and code, and answers nothing', () => {
    const { answers, problems } = parseQuestionnaire(
      {
        name: '',
        timezone: 'Mars/Olympus',
        languages: 'en, <b>',
        days: ['someday'],
        from: '20',
        to: '9',
        skill_listening: '2.5',
        goals: 'x'.repeat(4001),
      },
      'coachee',
      SKILLS,
    );
    expect(answers).toBeUndefined();
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['name', 'required'],
      ['timezone', 'timezone'],
      ['languages', 'language'],
      ['days', 'days'],
      ['to', 'toAfterFrom'],
      ['skill_listening', 'whole'],
      ['skill_feedback', 'required'],
      ['goals', 'tooLong'],
    ]);
  });

  it('asks a coach for capacity and bio, and keeps strengths as given', () => {
    const form = { ...coachee, goals: undefined, capacity: '11', bio: '' };
    expect(parseQuestionnaire(form, 'coach', SKILLS).problems.map((p) => [p.field, p.code])).toEqual([
      ['capacity', 'whole'],
      ['bio', 'required'],
    ]);
    const { answers } = parseQuestionnaire({ ...form, capacity: '2', bio: 'Led teams.' }, 'coach', SKILLS);
    expect(enrollmentSkills('coach', answers!)).toEqual({ listening: 1, feedback: 4 });
    expect(answers).toMatchObject({ capacity: 2, bio: 'Led teams.', goals: null });
  });
});

describe('parseRoster', () => {
  it('reads a roster CSV of role, name and email (emails in lower case)', () => {
    expect(parseRoster('csv', 'Role,Name,Email,locale\ncoachee,Ana Lima,ANA@x.example,de\n', SKILLS)).toEqual({
      entries: [{ role: 'coachee', name: 'Ana Lima', email: 'ana@x.example', locale: 'de', prefill: null }],
      errors: [],
    });
  });

  it('reads the full participant CSV, whose values prefill the questionnaire', () => {
    const { entries, errors } = parseRoster(
      'csv',
      'role,email,name,timezone,listening,feedback,goals\ncoachee,b@x.example,Bo,Europe/Oslo,4,1,Grow\n',
      SKILLS,
    );
    expect(errors).toEqual([]);
    expect(entries[0]).toMatchObject({
      email: 'b@x.example',
      prefill: { timezone: 'Europe/Oslo', skills: { listening: 4, feedback: 1 }, goals: 'Grow' },
    });
  });

  it('reports each bad row with its row and column, and a duplicate email', () => {
    const { entries, errors } = parseRoster(
      'csv',
      'role,name,email\ncoachee,A,a@x.example\ncoachee,B,a@x.example\nboss,,c@x\n',
      SKILLS,
    );
    expect(entries).toEqual([]);
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [4, 'role'],
      [4, 'email'],
      [4, 'name'],
      [3, 'email'],
    ]);
  });

  it('refuses JSON without a people list', () => {
    expect(parseRoster('json', { persons: [] }, SKILLS).errors).toEqual([
      { row: 0, column: 'people', message: 'must be a list of { role, name, email }' },
    ]);
  });
});
