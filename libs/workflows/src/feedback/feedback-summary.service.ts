import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, rawQuery } from '@tandem/domain';

/**
 * No figure from feedback is shown unless it rests on this many distinct people: over fewer, an admin could work out
 * one person's answer (one coachee's six answers are still one person's). The learning's coach view uses the same rule.
 */
export const MIN_DISTINCT_PEOPLE = 3;

/** An average over some answers; `average` is null (withheld) when they come from fewer than MIN_DISTINCT_PEOPLE people. */
export interface Aggregate {
  answers: number;
  /** How many distinct people gave those answers. */
  people: number;
  average: number | null;
}

/** Counts per answer over some answers; every count is null (withheld) below MIN_DISTINCT_PEOPLE people. */
export interface Distribution<K extends string> {
  answers: number;
  people: number;
  counts: Record<K, number> | null;
}

/** What an admin may see of a program's feedback: response counts and aggregates, never an individual answer or note. */
export interface FeedbackSummary {
  programId: string;
  minimumPeople: number;
  requests: { coach: { sent: number; answered: number }; coachee: { sent: number; answered: number } };
  coachees: {
    sessionRating: Aggregate;
    alliance: { goals: Aggregate; tasks: Aggregate; bond: Aggregate };
    progress: Record<string, Aggregate>;
    fit: Distribution<'good' | 'notSure' | 'notGood'>;
  };
  coaches: { attendance: Distribution<'held' | 'missed' | 'moved'> };
}

export const aggregate = (
  answers: number | string,
  people: number | string,
  average: number | string | null,
): Aggregate => {
  const n = Number(people);
  return {
    answers: Number(answers),
    people: n,
    average: n >= MIN_DISTINCT_PEOPLE && average !== null ? Math.round(Number(average) * 100) / 100 : null,
  };
};

function distribution<K extends string>(
  answers: number | string,
  people: number | string,
  counts: Record<K, number | string>,
): Distribution<K> {
  const n = Number(people);
  return {
    answers: Number(answers),
    people: n,
    counts:
      n >= MIN_DISTINCT_PEOPLE
        ? (Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) as Record<K, number>)
        : null,
  };
}

const PROGRAM_FEEDBACK = `
  from feedback f
  join coaching_session s on s.id = f.session_id
  join pairing pr on pr.id = s.pairing_id
 where pr.program_id = ?`;

/** Aggregates a program's feedback for its admins, enforcing the minimum number of people behind every figure. */
@Injectable()
export class FeedbackSummaryService {
  constructor(private readonly em: EntityManager) {}

  async summary(organizationId: string, programId: string): Promise<FeedbackSummary> {
    const em = this.em.fork();
    if (!isUuid(programId)) throw new NotFoundError('program', programId);
    const [program] = await rawQuery<{ id: string; skills: { key: string }[] }>(
      em,
      `select id, skills from program where id = ? and organization_id = ?`,
      [programId, organizationId],
    );
    if (!program) throw new NotFoundError('program', programId);
    const requests = await rawQuery<{ role: 'coach' | 'coachee'; sent: string; answered: string }>(
      em,
      `select f.role::text as role, count(*) as sent, count(f.submitted_at) as answered ${PROGRAM_FEEDBACK} group by f.role`,
      [programId],
    );
    const [coachee] = await rawQuery<Record<string, string | null>>(
      em,
      `select count(*) as n, count(distinct pr.coachee_id) as people, avg(f.session_rating) as rating, avg(f.alliance_goals) as goals, avg(f.alliance_tasks) as tasks, avg(f.alliance_bond) as bond,
              count(f.fit) as fit_n, count(distinct pr.coachee_id) filter (where f.fit is not null) as fit_people, count(*) filter (where f.fit = 'good') as good, count(*) filter (where f.fit = 'not_sure') as not_sure,
              count(*) filter (where f.fit = 'not_good') as not_good
         ${PROGRAM_FEEDBACK} and f.role = 'coachee' and f.submitted_at is not null`,
      [programId],
    );
    const progress = await rawQuery<{ skill: string; n: string; people: string; average: string }>(
      em,
      `select p.key as skill, count(*) as n, count(distinct pr.coachee_id) as people, avg(p.value::numeric) as average
         from feedback f
         join coaching_session s on s.id = f.session_id
         join pairing pr on pr.id = s.pairing_id
         cross join lateral jsonb_each_text(f.progress) p
        where pr.program_id = ? and f.role = 'coachee' and f.submitted_at is not null
        group by p.key`,
      [programId],
    );
    const [coach] = await rawQuery<Record<string, string>>(
      em,
      `select count(*) as n, count(distinct pr.coach_id) as people, count(*) filter (where f.attendance = 'held') as held, count(*) filter (where f.attendance = 'missed') as missed,
              count(*) filter (where f.attendance = 'moved') as moved
         ${PROGRAM_FEEDBACK} and f.role = 'coach' and f.submitted_at is not null`,
      [programId],
    );
    const byRole = (role: 'coach' | 'coachee') => {
      const r = requests.find((x) => x.role === role);
      return { sent: Number(r?.sent ?? 0), answered: Number(r?.answered ?? 0) };
    };
    const bySkill = new Map(progress.map((p) => [p.skill, p]));
    return {
      programId,
      minimumPeople: MIN_DISTINCT_PEOPLE,
      requests: { coach: byRole('coach'), coachee: byRole('coachee') },
      coachees: {
        sessionRating: aggregate(coachee.n!, coachee.people!, coachee.rating),
        alliance: {
          goals: aggregate(coachee.n!, coachee.people!, coachee.goals),
          tasks: aggregate(coachee.n!, coachee.people!, coachee.tasks),
          bond: aggregate(coachee.n!, coachee.people!, coachee.bond),
        },
        progress: Object.fromEntries(
          program.skills.map((s) => [
            s.key,
            aggregate(bySkill.get(s.key)?.n ?? 0, bySkill.get(s.key)?.people ?? 0, bySkill.get(s.key)?.average ?? null),
          ]),
        ),
        fit: distribution(coachee.fit_n!, coachee.fit_people!, {
          good: coachee.good!,
          notSure: coachee.not_sure!,
          notGood: coachee.not_good!,
        }),
      },
      coaches: {
        attendance: distribution(coach.n, coach.people, { held: coach.held, missed: coach.missed, moved: coach.moved }),
      },
    };
  }
}
