import type { EntityManager } from '@mikro-orm/postgresql';
import { LIVE_PAIRING_STATUSES, PairingStatus, pairingStatusSql, type Program, rawQuery } from '@tandem/domain';
import {
  buildScoringContext,
  type CoacheeProfile,
  type CoachProfile,
  type MatchingPolicy,
  pairViolation,
  type PairReason,
  type PairRef,
  type ProgramExclusion,
  type ProgramInstance,
  scoreProgram,
  SCORE_SCALE,
} from '@tandem/matching';
import { loadLearned } from '../feedback/effectiveness';

/** A pool participant with the contact details the workflow needs (never part of a job payload). */
export interface PoolPerson {
  enrollmentId: string;
  personId: string;
  name: string;
  email: string;
  timezone: string;
  goals: string | null;
}

/** A program's pool as libs/matching sees it, plus the people behind the ids. */
export interface ProgramPool {
  instance: ProgramInstance;
  people: Map<string, PoolPerson>;
  /** Free places per coach enrollment: capacity minus the person's offered and active pairings in every running program. */
  free: Map<string, number>;
}

interface PersonRow {
  enrollment_id: string;
  person_id: string;
  name: string;
  email: string;
  department: string | null;
  manager_email: string | null;
  level: number | null;
  timezone: string;
  languages: string[];
  skills: Record<string, number>;
  goals: string | null;
  capacity: number | null;
  live: string;
}

/** The matching policy of a program, in libs/matching's terms. */
export function matchingPolicy(program: Program): MatchingPolicy {
  const p = program.policy;
  return {
    weights: { ...p.weights },
    maxTimezoneGapHours: p.maxTimezoneGapHours,
    forbidReportingLine: p.forbidReportingLine,
    forbidSameDepartment: p.forbidSameDepartment,
    requireSharedLanguage: p.requireSharedLanguage,
    preferredLevelGap: p.preferredLevelGap ?? 1,
    workingHours: p.workingHours ?? { start: 9, end: 17 },
    minScore: p.minScore,
  };
}

/**
 * Loads a program's pool: active coachees without an offered or active pairing (or only `coacheeIds`; alumni and
 * withdrawn enrollments never), and active coaches with their free capacity across the organization's running
 * programs; former pairs are excluded unless pinned; reporting lines resolve through every person of the organization.
 */
export async function loadProgramPool(
  em: EntityManager,
  program: Program,
  options: { now: Date; coacheeIds?: string[]; pins?: PairRef[]; exclusions?: PairRef[] },
): Promise<ProgramPool> {
  const rows = await rawQuery<PersonRow & { role: 'coach' | 'coachee' }>(
    em,
    // Live pairings counted once per enrollment, not per row. A coachee's are this program's; a coach's are every
    // offered or active pairing of the same person as coach in this program or any other running one, so a coach in
    // two programs at once is never committed beyond their capacity.
    `with live as (
       select coachee_id as id, count(*) as n from pairing where program_id = ? and status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)} group by coachee_id
       union all
       select ce.id, count(*)
         from enrollment ce
         join enrollment oe on oe.person_id = ce.person_id and oe.role = 'coach'
         join program op on op.id = oe.program_id
         join pairing x on x.coach_id = oe.id and x.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)}
        where ce.program_id = ? and ce.role = 'coach' and ce.status = 'active' and (op.status = 'active' or op.id = ce.program_id)
        group by ce.id)
     select e.id as enrollment_id, e.role::text as role, p.id as person_id, p.name, p.email, p.department, p.manager_email, p.level,
            p.timezone, p.languages, e.skills, e.goals, e.capacity, coalesce(l.n, 0) as live
       from enrollment e join person p on p.id = e.person_id left join live l on l.id = e.id
      where e.program_id = ? and e.status = 'active'
      order by e.id`,
    [program.id, program.id, program.id],
  );
  const wanted = options.coacheeIds ? new Set(options.coacheeIds) : null;
  const coacheeRows = rows.filter(
    (r) => r.role === 'coachee' && (wanted ? wanted.has(r.enrollment_id) : Number(r.live) === 0),
  );
  const coachRows = rows.filter((r) => r.role === 'coach');

  // Managers are people of the organization (or only an email, when they are not in Tandem).
  const managerEmails = [...new Set(rows.map((r) => r.manager_email).filter((e): e is string => !!e))];
  const managers = await rawQuery<{ id: string; email: string; manager_email: string | null }>(
    em,
    `select id, email, manager_email from person where organization_id = ? and email = any(?::text[])`,
    [program.organization.id, managerEmails],
  );
  const personByEmail = new Map(managers.map((m) => [m.email, m.id]));
  const personKey = (email: string | null): string | undefined =>
    email ? (personByEmail.get(email) ?? `email:${email}`) : undefined;

  const people = new Map<string, PoolPerson>();
  const participant = (r: PersonRow) => {
    people.set(r.enrollment_id, {
      enrollmentId: r.enrollment_id,
      personId: r.person_id,
      name: r.name,
      email: r.email,
      timezone: r.timezone,
      goals: r.goals,
    });
    return {
      id: r.enrollment_id,
      personId: r.person_id,
      name: r.name,
      department: r.department ?? undefined,
      manager: personKey(r.manager_email),
      level: r.level ?? undefined,
      timezone: r.timezone,
      languages: r.languages,
    };
  };
  const free = new Map<string, number>();
  const coaches: CoachProfile[] = coachRows.map((r) => {
    const capacity = Math.max(0, (r.capacity ?? 0) - Number(r.live));
    free.set(r.enrollment_id, capacity);
    return { ...participant(r), capacity, strengths: r.skills };
  });
  const coachees: CoacheeProfile[] = coacheeRows.map((r) => ({ ...participant(r), needs: r.skills }));

  const former = await loadFormerPairs(em, program.id);
  // An admin's pin is the one way to bring a former pair together again.
  const pinned = new Set((options.pins ?? []).map((p) => `${p.coachee}:${p.coach}`));
  const exclusions: ProgramExclusion[] = [
    ...former
      .filter((d) => !pinned.has(`${d.coachee_id}:${d.coach_id}`))
      .map((d) => ({ coachee: d.coachee_id, coach: d.coach_id, reason: 'declined-before' as const })),
    ...(options.exclusions ?? []).map((x) => ({ ...x, reason: 'excluded' as const })),
  ];
  const instance: ProgramInstance = {
    kind: 'program',
    skills: program.skills.map((s) => ({
      key: s.key,
      label: s.label.charAt(0).toLowerCase() + s.label.slice(1),
      weight: s.weight,
    })),
    policy: matchingPolicy(program),
    coaches,
    coachees,
    people: managers.map((m) => ({ id: m.id, manager: personKey(m.manager_email) })),
    effectiveness: {},
    learned: await loadLearned(em, program, coaches),
    exclusions,
    pins: options.pins ?? [],
    referenceTime: options.now.getTime(),
    objective: program.policy.objective,
  };
  return { instance, people, free };
}

/**
 * Former pairs, as this program's enrollments: the same coach person and coachee person had a pairing in any program
 * of the organization that was declined, expired, ended (at risk, re-match taken, inactive) or completed. They are
 * never proposed again, by a round, a re-match or the waiting list, unless an admin pins them in a round.
 * Proposed and withdrawn pairings (a round's draft) do not count. Read through the person index from this program's
 * coachees, so it costs little when the coachees have no history.
 */
async function loadFormerPairs(
  em: EntityManager,
  programId: string,
): Promise<{ coach_id: string; coachee_id: string }[]> {
  return rawQuery<{ coach_id: string; coachee_id: string }>(
    em,
    `select distinct ce.id as coach_id, ee.id as coachee_id
       from enrollment ee
       join enrollment xe on xe.person_id = ee.person_id and xe.role = 'coachee'
       join pairing x on x.coachee_id = xe.id and x.status in ${pairingStatusSql(PairingStatus.Declined, PairingStatus.Expired, PairingStatus.Ended, PairingStatus.Completed)}
       join enrollment xc on xc.id = x.coach_id
       join enrollment ce on ce.person_id = xc.person_id and ce.program_id = ee.program_id and ce.role = 'coach'
      where ee.program_id = ? and ee.role = 'coachee'`,
    [programId],
  );
}

/** Whether a pair may be proposed, and why not: the program's hard rules, exclusions and minimum score. */
export function checkPair(
  instance: ProgramInstance,
  coacheeId: string,
  coachId: string,
): { allowed: true; score: number } | { allowed: false; reason: PairReason } {
  const coachee = instance.coachees.find((c) => c.id === coacheeId);
  const coach = instance.coaches.find((c) => c.id === coachId);
  if (!coachee || !coach) throw new Error('checkPair needs a coachee and a coach of the pool');
  const single: ProgramInstance = { ...instance, coachees: [coachee], coaches: [{ ...coach, capacity: 1 }], pins: [] };
  const scored = scoreProgram(single);
  const weight = scored.pairs.dense![0];
  if (weight < 0) {
    const excluded = instance.exclusions.find((x) => x.coachee === coacheeId && x.coach === coachId);
    return {
      allowed: false,
      reason: excluded?.reason ?? pairViolation(buildScoringContext(single), 0, 0) ?? 'forbidden',
    };
  }
  if (weight < Math.round(instance.policy.minScore * SCORE_SCALE)) return { allowed: false, reason: 'below-min-score' };
  return { allowed: true, score: weight / SCORE_SCALE };
}
