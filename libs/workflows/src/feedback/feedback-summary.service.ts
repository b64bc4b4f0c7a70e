import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, rawQuery } from '@tandem/domain';

/** No aggregate is shown over fewer answers than this: with fewer, an admin could work out one person's answer. */
export const MIN_AGGREGATE_ANSWERS = 3;

/** An average over some answers; `average` is null (withheld) below MIN_AGGREGATE_ANSWERS. */
export interface Aggregate {
  answers: number;
  average: number | null;
}

/** Counts per answer over some answers; every count is null (withheld) below MIN_AGGREGATE_ANSWERS. */
export interface Distribution<K extends string> {
  answers: number;
  counts: Record<K, number> | null;
}

/** What an admin may see of a program's feedback: response counts and aggregates, never an individual answer or note. */
export interface FeedbackSummary {
  programId: string;
  minimumAnswers: number;
  requests: { coach: { sent: number; answered: number }; coachee: { sent: number; answered: number } };
  coachees: {
    sessionRating: Aggregate;
    alliance: { goals: Aggregate; tasks: Aggregate; bond: Aggregate };
    progress: Record<string, Aggregate>;
    fit: Distribution<'good' | 'notSure' | 'notGood'>;
  };
  coaches: { attendance: Distribution<'held' | 'missed' | 'moved'> };
}

const aggregate = (answers: number | string, average: number | string | null): Aggregate => {
  const n = Number(answers);
  return { answers: n, average: n >= MIN_AGGREGATE_ANSWERS && average !== null ? Math.round(Number(average) * 100) / 100 : null };
};

function distribution<K extends string>(answers: number | string, counts: Record<K, number | string>): Distribution<K> {
  const n = Number(answers);
  return { answers: n, counts: n >= MIN_AGGREGATE_ANSWERS ? (Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) as Record<K, number>) : null };
}

const PROGRAM_FEEDBACK = `
  from feedback f
  join coaching_session s on s.id = f.session_id
  join pairing pr on pr.id = s.pairing_id
 where pr.program_id = ?`;

/** Aggregates a program's feedback for its admins, enforcing the minimum number of answers behind every figure. */
@Injectable()
export class FeedbackSummaryService {
  constructor(private readonly em: EntityManager) {}

  async summary(organizationId: string, programId: string): Promise<FeedbackSummary> {
    const em = this.em.fork();
    if (!isUuid(programId)) throw new NotFoundError('program', programId);
    const [program] = await rawQuery<{ id: string; skills: { key: string }[] }>(em, `select id, skills from program where id = ? and organization_id = ?`, [programId, organizationId]);
    if (!program) throw new NotFoundError('program', programId);
    const requests = await rawQuery<{ role: 'coach' | 'coachee'; sent: string; answered: string }>(
      em,
      `select f.role::text as role, count(*) as sent, count(f.submitted_at) as answered ${PROGRAM_FEEDBACK} group by f.role`,
      [programId],
    );
    const [coachee] = await rawQuery<Record<string, string | null>>(
      em,
      `select count(*) as n, avg(f.session_rating) as rating, avg(f.alliance_goals) as goals, avg(f.alliance_tasks) as tasks, avg(f.alliance_bond) as bond,
              count(f.fit) as fit_n, count(*) filter (where f.fit = 'good') as good, count(*) filter (where f.fit = 'not_sure') as not_sure,
              count(*) filter (where f.fit = 'not_good') as not_good
         ${PROGRAM_FEEDBACK} and f.role = 'coachee' and f.submitted_at is not null`,
      [programId],
    );
    const progress = await rawQuery<{ skill: string; n: string; average: string }>(
      em,
      `select p.key as skill, count(*) as n, avg(p.value::numeric) as average
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
      `select count(*) as n, count(*) filter (where f.attendance = 'held') as held, count(*) filter (where f.attendance = 'missed') as missed,
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
      minimumAnswers: MIN_AGGREGATE_ANSWERS,
      requests: { coach: byRole('coach'), coachee: byRole('coachee') },
      coachees: {
        sessionRating: aggregate(coachee.n!, coachee.rating),
        alliance: { goals: aggregate(coachee.n!, coachee.goals), tasks: aggregate(coachee.n!, coachee.tasks), bond: aggregate(coachee.n!, coachee.bond) },
        progress: Object.fromEntries(program.skills.map((s) => [s.key, aggregate(bySkill.get(s.key)?.n ?? 0, bySkill.get(s.key)?.average ?? null)])),
        fit: distribution(coachee.fit_n!, { good: coachee.good!, notSure: coachee.not_sure!, notGood: coachee.not_good! }),
      },
      coaches: { attendance: distribution(coach.n, { held: coach.held, missed: coach.missed, moved: coach.moved }) },
    };
  }
}
