import { ValidationError } from '@tandem/domain';

/** What a coachee answers after a session; every rating is 1-5. */
export interface CoacheeAnswers {
  sessionRating: number;
  progress: Record<string, number>;
  allianceGoals: number;
  allianceTasks: number;
  allianceBond: number;
  /** Only after the first session. */
  fit: 'good' | 'not_sure' | 'not_good' | null;
}

/** What a coach answers after a session. */
export interface CoachAnswers {
  attendance: 'held' | 'missed' | 'moved';
  note: string | null;
  /** An optional box: the coach doubts this is a good fit (sent to the admin). */
  fit: 'not_good' | null;
}

export const FIT_ANSWERS = ['good', 'not_sure', 'not_good'] as const;
export const ATTENDANCE_ANSWERS = ['held', 'missed', 'moved'] as const;
export const NOTE_MAX_LENGTH = 4000;

type Problem = { field: string; message: string };

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value.trim() : undefined;
}

function rating(body: unknown, name: string, problems: Problem[]): number {
  const raw = field(body, name);
  if (raw === undefined || !/^[1-5]$/.test(raw)) {
    problems.push({ field: name, message: 'choose 1 to 5' });
    return 0;
  }
  return Number(raw);
}

function choice<T extends string>(body: unknown, name: string, allowed: readonly T[], problems: Problem[]): T {
  const raw = field(body, name);
  if (!allowed.includes(raw as T)) problems.push({ field: name, message: `choose one of ${allowed.join(', ')}` });
  return raw as T;
}

function fail(problems: Problem[]): void {
  if (problems.length > 0)
    throw new ValidationError('some answers are missing or out of range', problems, 'invalid_feedback');
}

/** Reads a coachee's form post: a session rating, progress per focus skill (`progress_<key>`), the alliance items, and the fit question when asked. */
export function parseCoacheeAnswers(body: unknown, options: { skills: string[]; askFit: boolean }): CoacheeAnswers {
  const problems: Problem[] = [];
  const answers: CoacheeAnswers = {
    sessionRating: rating(body, 'rating', problems),
    progress: Object.fromEntries(options.skills.map((key) => [key, rating(body, `progress_${key}`, problems)])),
    allianceGoals: rating(body, 'goals', problems),
    allianceTasks: rating(body, 'tasks', problems),
    allianceBond: rating(body, 'bond', problems),
    fit: options.askFit ? choice(body, 'fit', FIT_ANSWERS, problems) : null,
  };
  fail(problems);
  return answers;
}

/** Reads a coach's form post: held, missed or moved, an optional private note and an optional "not a good fit". */
export function parseCoachAnswers(body: unknown): CoachAnswers {
  const problems: Problem[] = [];
  const attendance = choice(body, 'attendance', ATTENDANCE_ANSWERS, problems);
  const fit = field(body, 'fit');
  if (fit !== undefined && fit !== '' && fit !== 'not_good')
    problems.push({ field: 'fit', message: 'leave empty or send not_good' });
  const note = field(body, 'note') ?? '';
  if (note.length > NOTE_MAX_LENGTH) problems.push({ field: 'note', message: `at most ${NOTE_MAX_LENGTH} characters` });
  fail(problems);
  return { attendance, note: note === '' ? null : note, fit: fit === 'not_good' ? 'not_good' : null };
}
