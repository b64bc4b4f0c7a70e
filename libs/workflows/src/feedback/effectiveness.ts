import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { MIN_AGGREGATE_ANSWERS } from './feedback-summary.service';

/** How many answers the prior counts for: one answer moves an estimate by at most a sixth of its distance to it. */
export const PRIOR_ANSWERS = 5;

/** The middle of libs/matching's 0..5 scale, where a program's mean starts before it has answers. */
const SCALE_MIDDLE = 2.5;

/**
 * The Bayesian average behind a coach's effectiveness in one skill, on libs/matching's 0..5 scale: the coach's
 * answers (progress 1..5 mapped to 0..5), with the program's mean for the skill counted as PRIOR_ANSWERS more answers.
 * The program mean is itself shrunk toward the scale's middle the same way, so a program's first answer does not
 * become its own prior.
 */
export function shrunkEstimate(coachScores: number[], programScores: number[]): number {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const programMean = (PRIOR_ANSWERS * SCALE_MIDDLE + sum(programScores)) / (PRIOR_ANSWERS + programScores.length);
  return (PRIOR_ANSWERS * programMean + sum(coachScores)) / (PRIOR_ANSWERS + coachScores.length);
}

/** A progress answer (1..5) on libs/matching's 0..5 effectiveness scale. */
export const progressScore = (answer: number): number => (answer - 1) * 1.25;

/**
 * Recomputes every coach's estimates of a program from all its submitted coachee answers (the same arithmetic as
 * `shrunkEstimate`, in one statement). Idempotent; an advisory lock per program makes concurrent runs take turns, so
 * the last to commit has read every answer committed before it.
 */
export async function recomputeEffectiveness(em: EntityManager, programId: string, now: Date): Promise<number> {
  await rawQuery(em, `select pg_advisory_xact_lock(hashtext('coach_effectiveness:' || ?))`, [programId]);
  const rows = await rawQuery<{ id: string }>(
    em,
    `with answers as (
       select pr.coach_id, p.key as skill, (p.value::numeric - 1) * 1.25 as score
         from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing pr on pr.id = s.pairing_id
         cross join lateral jsonb_each_text(f.progress) p
        where pr.program_id = ? and f.role = 'coachee' and f.submitted_at is not null
     ), program_mean as (
       select skill, (?::numeric * ?::numeric + sum(score)) / (?::numeric + count(*)) as mean from answers group by skill
     ), per_coach as (
       select coach_id, skill, sum(score) as total, count(*) as n from answers group by coach_id, skill
     )
     insert into coach_effectiveness (id, program_id, coach_id, skill, estimate, answers, updated_at)
     select gen_random_uuid(), ?, c.coach_id, c.skill, (?::numeric * m.mean + c.total) / (?::numeric + c.n), c.n, ?
       from per_coach c join program_mean m using (skill)
     on conflict (coach_id, skill) do update set estimate = excluded.estimate, answers = excluded.answers, updated_at = excluded.updated_at
     returning id`,
    [programId, PRIOR_ANSWERS, SCALE_MIDDLE, PRIOR_ANSWERS, programId, PRIOR_ANSWERS, PRIOR_ANSWERS, now],
  );
  return rows.length;
}

/**
 * The estimates libs/matching uses (coach enrollment id -> skill key -> 0..5, to one decimal). Only estimates resting
 * on MIN_AGGREGATE_ANSWERS answers or more: proposals and offers explain scores, and a figure over fewer answers would
 * give away what one coachee said.
 */
export async function loadEffectiveness(em: EntityManager, programId: string, coachIds: string[]): Promise<Record<string, Record<string, number>>> {
  const rows = await rawQuery<{ coach_id: string; skill: string; estimate: number }>(
    em,
    `select coach_id, skill, estimate from coach_effectiveness where program_id = ? and coach_id = any(?::uuid[]) and answers >= ?`,
    [programId, coachIds, MIN_AGGREGATE_ANSWERS],
  );
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.coach_id] ??= {})[r.skill] = Math.round(Number(r.estimate) * 10) / 10;
  return out;
}
