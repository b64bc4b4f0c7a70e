import type { EntityManager } from '@mikro-orm/postgresql';
import { type Program, rawQuery } from '@tandem/domain';
import type { CoachProfile, LearnedSkill, ProgramInstance } from '@tandem/matching';
import {
  calibrate,
  DEFAULT_LEARNING,
  DEFAULT_LEARNING_HALF_LIFE,
  disclosure,
  posteriors,
  type SkillEvidence,
  type SkillSums,
} from './learning-model';

export * from './learning-model';

/**
 * Recomputes what feedback taught about every coach of an organization (coach_learning) from all its submitted coachee
 * answers, over every program and cohort: the faded sums in one statement, the posteriors in learning-model.ts.
 * Idempotent and a function of the rows alone (answers fade back from the organization's latest answer, not from the
 * clock), so running it twice gives the same estimates; `now` only stamps updated_at, which the reconciler compares
 * with the newest answer. An advisory lock per organization makes concurrent runs take turns, so the last to commit
 * has read every answer committed before it. Answers how many (coach, skill) estimates it wrote.
 */
export async function recomputeLearning(em: EntityManager, organizationId: string, now: Date): Promise<number> {
  await rawQuery(em, `select pg_advisory_xact_lock(hashtext('coach_learning:' || ?))`, [organizationId]);
  const rows = await rawQuery<{
    person_id: string;
    skill: string;
    w: number;
    wx: number;
    wxx: number;
    answers: string;
    coachees: string;
    programs: string;
  }>(
    em,
    `with answers as (
       select ce.person_id, p.key as skill, (p.value::float8 - 1) * 1.25 as score, cee.person_id as coachee, pr.program_id, f.submitted_at,
              extract(epoch from coalesce(prog.policy ->> 'learningHalfLife', ?)::interval) as half_life
         from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing pr on pr.id = s.pairing_id
         join program prog on prog.id = pr.program_id
         join enrollment ce on ce.id = pr.coach_id
         join enrollment cee on cee.id = pr.coachee_id
         cross join lateral jsonb_each_text(f.progress) p
        where prog.organization_id = ? and f.role = 'coachee' and f.submitted_at is not null
     ), faded as (
       select a.*, power(0.5::float8, greatest(0, extract(epoch from (max(a.submitted_at) over () - a.submitted_at))) / a.half_life) as w from answers a
     )
     select person_id, skill, sum(w) as w, sum(w * score) as wx, sum(w * score * score) as wxx,
            count(*) as answers, count(distinct coachee) as coachees, count(distinct program_id) as programs
       from faded group by person_id, skill order by person_id, skill`,
    [DEFAULT_LEARNING_HALF_LIFE, organizationId],
  );
  const sums: SkillSums[] = rows.map((r) => ({
    personId: r.person_id,
    skill: r.skill,
    w: Number(r.w),
    wx: Number(r.wx),
    wxx: Number(r.wxx),
    answers: Number(r.answers),
    coachees: Number(r.coachees),
    programs: Number(r.programs),
  }));
  const estimates = posteriors(sums);
  // Upserted by key (ids stay), and an estimate whose answers are gone (a person or program deleted) goes with them.
  await rawQuery(
    em,
    `with x as (
       select * from jsonb_to_recordset(?::jsonb)
         as x(person_id uuid, skill text, estimate float8, sd float8, certainty float8, prior_mean float8, answers int, coachees int, programs int)
     ), gone as (
       delete from coach_learning c where c.organization_id = ? and not exists (select 1 from x where x.person_id = c.person_id and x.skill = c.skill)
     )
     insert into coach_learning (id, organization_id, person_id, skill, estimate, sd, certainty, prior_mean, answers, coachees, programs, updated_at)
     select gen_random_uuid(), ?, x.person_id, x.skill, x.estimate, x.sd, x.certainty, x.prior_mean, x.answers, x.coachees, x.programs, ? from x
     on conflict (organization_id, person_id, skill) do update
       set estimate = excluded.estimate, sd = excluded.sd, certainty = excluded.certainty, prior_mean = excluded.prior_mean,
           answers = excluded.answers, coachees = excluded.coachees, programs = excluded.programs, updated_at = excluded.updated_at`,
    [
      JSON.stringify(
        estimates.map((e) => ({
          person_id: e.personId,
          skill: e.skill,
          estimate: e.estimate,
          sd: e.sd,
          certainty: e.certainty,
          prior_mean: e.priorMean,
          answers: e.answers,
          coachees: e.coachees,
          programs: e.programs,
        })),
      ),
      organizationId,
      organizationId,
      now,
    ],
  );
  return estimates.length;
}

/** What the model knows of some coaches (person id -> skill key -> evidence), for matching and the admin view. */
export async function loadLearning(
  em: EntityManager,
  organizationId: string,
  personIds: string[],
): Promise<Map<string, Record<string, SkillEvidence>>> {
  const rows = await rawQuery<{
    person_id: string;
    skill: string;
    estimate: number;
    sd: number;
    certainty: number;
    answers: number;
    coachees: number;
    programs: number;
  }>(
    em,
    `select person_id, skill, estimate, sd, certainty, answers, coachees, programs from coach_learning where organization_id = ? and person_id = any(?::uuid[])`,
    [organizationId, personIds],
  );
  const out = new Map<string, Record<string, SkillEvidence>>();
  for (const r of rows) {
    const forPerson = out.get(r.person_id) ?? {};
    forPerson[r.skill] = {
      estimate: Number(r.estimate),
      sd: Number(r.sd),
      certainty: Number(r.certainty),
      answers: Number(r.answers),
      coachees: Number(r.coachees),
      programs: Number(r.programs),
    };
    out.set(r.person_id, forPerson);
  }
  return out;
}

/**
 * What feedback taught about the pool's coaches, as libs/matching reads it: per coach enrollment and skill the
 * calibrated strength (learning-model.ts) and what an explanation may say of it. Coaches without feedback are left
 * out, so their self-ratings stand.
 */
export async function loadLearned(
  em: EntityManager,
  program: Program,
  coaches: readonly CoachProfile[],
): Promise<NonNullable<ProgramInstance['learned']>> {
  const evidence = await loadLearning(em, program.organization.id, [...new Set(coaches.map((c) => c.personId))]);
  const skills = program.skills.map((s) => s.key);
  const learning = program.policy.learning ?? DEFAULT_LEARNING;
  const out: Record<string, Record<string, LearnedSkill>> = {};
  for (const c of coaches) {
    const known = evidence.get(c.personId);
    const calibrated = known && calibrate(skills, c.strengths, known, learning);
    if (!calibrated) continue;
    out[c.id] = Object.fromEntries(
      Object.entries(calibrated).map(([skill, k]) => [skill, { strength: k.used, ...disclosure(known[skill]) }]),
    );
  }
  return out;
}
