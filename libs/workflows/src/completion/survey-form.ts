import { ValidationError } from '@tandem/domain';

/** Reads a closing survey post: a self-rated level 0-5 (`level_<skill>`) for each focus skill. */
export function parseSurveyAnswers(body: unknown, skills: string[]): Record<string, number> {
  const problems: { field: string; message: string }[] = [];
  const levels: Record<string, number> = {};
  for (const skill of skills) {
    const raw =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[`level_${skill}`] : undefined;
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (!/^[0-5]$/.test(text)) problems.push({ field: `level_${skill}`, message: 'choose 0 to 5' });
    else levels[skill] = Number(text);
  }
  if (problems.length > 0)
    throw new ValidationError('some answers are missing or out of range', problems, 'invalid_survey');
  return levels;
}
