import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, PairingStatus, pairingStatusSql, rawQuery } from '@tandem/domain';
import { type Aggregate, FeedbackSummaryService, MIN_DISTINCT_PEOPLE } from '../feedback/feedback-summary.service';
import { csvText } from './csv';

/** Intake level against the level at close for one skill, over the submitted closing surveys; averages withheld below the minimum. */
export interface SkillGrowth {
  answers: number;
  /** How many distinct coachees those surveys come from. */
  people: number;
  intakeLevel: number | null;
  closingLevel: number | null;
  change: number | null;
}

/** A pairing flagged by an at-risk rule. */
export interface AtRiskPairing {
  pairingId: string;
  status: string;
  reason: string;
  since: string;
  coach: string;
  coachee: string;
  rematchOffered: boolean;
}

/** The program report: the funnel, offers, sessions, feedback aggregates, skill growth and pairings at risk. */
export interface ProgramReport {
  programId: string;
  programName: string;
  minimumPeople: number;
  funnel: {
    enrolledCoachees: number;
    enrolledCoaches: number;
    matched: number;
    offered: number;
    accepted: number;
    active: number;
    completed: number;
    ended: number;
  };
  offers: {
    decided: number;
    accepted: number;
    declined: number;
    expired: number;
    acceptanceRate: number | null;
    medianTimeToAcceptSeconds: number | null;
  };
  sessions: { planned: number; held: number; missed: number; cancelled: number; scheduled: number };
  feedback: {
    answers: number;
    sessionRating: Aggregate;
    alliance: { goals: Aggregate; tasks: Aggregate; bond: Aggregate };
    progress: Record<string, Aggregate>;
  };
  growth: Record<string, SkillGrowth>;
  atRisk: AtRiskPairing[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Reads a program's report for its admins; every feedback figure rests on at least MIN_DISTINCT_PEOPLE people or is null. */
@Injectable()
export class ReportService {
  constructor(
    private readonly em: EntityManager,
    private readonly summaries: FeedbackSummaryService,
  ) {}

  async report(organizationId: string, programId: string): Promise<ProgramReport> {
    if (!isUuid(programId)) throw new NotFoundError('program', programId.slice(0, 64));
    const em = this.em.fork();
    const [program] = await rawQuery<{ id: string; name: string; skills: { key: string }[] }>(
      em,
      `select id, name, skills from program where id = ? and organization_id = ?`,
      [programId, organizationId],
    );
    if (!program) throw new NotFoundError('program', programId);
    // Graduates (alumni) are still the program's: they left the matching pool, not the program.
    const [enrolled] = await rawQuery<{ coachees: number; coaches: number }>(
      em,
      `select count(*) filter (where role = 'coachee')::int as coachees, count(*) filter (where role = 'coach')::int as coaches from enrollment where program_id = ? and status in ('active', 'alumni')`,
      [programId],
    );
    // Each funnel step counts coachees (distinct), so a re-matched coachee counts once. A proposal counts as matched
    // only once its round is published (an automatic re-match has no round): drafts are not facts yet.
    const [funnel] = await rawQuery<Record<string, number>>(
      em,
      `select count(distinct coachee_id) filter (where status not in ${pairingStatusSql(PairingStatus.Withdrawn)} and (round_id is null or round_id in (select id from matching_round where program_id = ? and status = 'published')))::int as matched,
              count(distinct coachee_id) filter (where status not in ${pairingStatusSql(PairingStatus.Proposed, PairingStatus.Withdrawn)})::int as offered,
              count(distinct coachee_id) filter (where activated_at is not null)::int as accepted,
              count(distinct coachee_id) filter (where status in ${pairingStatusSql(PairingStatus.Active)})::int as active,
              count(distinct coachee_id) filter (where status in ${pairingStatusSql(PairingStatus.Completed)})::int as completed,
              count(distinct coachee_id) filter (where status in ${pairingStatusSql(PairingStatus.Ended)})::int as ended
         from pairing where program_id = ?`,
      [programId, programId],
    );
    const [offers] = await rawQuery<{
      decided: number;
      accepted: number;
      declined: number;
      expired: number;
      median: string | null;
    }>(
      em,
      `select count(o.decision)::int as decided, count(*) filter (where o.decision = 'accepted')::int as accepted,
              count(*) filter (where o.decision = 'declined')::int as declined, count(*) filter (where o.decision = 'expired')::int as expired,
              percentile_cont(0.5) within group (order by extract(epoch from o.decided_at - o.created_at)) filter (where o.decision = 'accepted') as median
         from offer o join pairing p on p.id = o.pairing_id where p.program_id = ?`,
      [programId],
    );
    const [sessions] = await rawQuery<ProgramReport['sessions']>(
      em,
      `select count(*) filter (where s.status <> 'cancelled')::int as planned, count(*) filter (where s.status = 'held')::int as held,
              count(*) filter (where s.status = 'missed')::int as missed, count(*) filter (where s.status = 'cancelled')::int as cancelled,
              count(*) filter (where s.status = 'scheduled')::int as scheduled
         from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ?`,
      [programId],
    );
    const summary = await this.summaries.summary(organizationId, programId);
    const surveys = await rawQuery<{ coachee: string; intake: Record<string, number>; levels: Record<string, number> }>(
      em,
      `select p.coachee_id as coachee, cs.intake, cs.levels from closing_survey cs join pairing p on p.id = cs.pairing_id where p.program_id = ? and cs.submitted_at is not null`,
      [programId],
    );
    const atRisk = await rawQuery<AtRiskPairing>(
      em,
      `select p.id as "pairingId", p.status::text as status, p.at_risk_reason as reason, p.at_risk_at as since, cp.name as coach, ep.name as coachee,
              (p.rematch_offered_at is not null) as "rematchOffered"
         from pairing p
         join enrollment ce on ce.id = p.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = p.coachee_id join person ep on ep.id = ee.person_id
        where p.program_id = ? and p.at_risk_reason is not null
        order by p.at_risk_at desc, p.id`,
      [programId],
    );
    return {
      programId,
      programName: program.name,
      minimumPeople: MIN_DISTINCT_PEOPLE,
      funnel: {
        enrolledCoachees: enrolled.coachees,
        enrolledCoaches: enrolled.coaches,
        ...(funnel as Omit<ProgramReport['funnel'], 'enrolledCoachees' | 'enrolledCoaches'>),
      },
      offers: {
        decided: offers.decided,
        accepted: offers.accepted,
        declined: offers.declined,
        expired: offers.expired,
        acceptanceRate: offers.decided > 0 ? round2(offers.accepted / offers.decided) : null,
        medianTimeToAcceptSeconds: offers.median === null ? null : round2(Number(offers.median)),
      },
      sessions,
      feedback: {
        answers: summary.requests.coachee.answered,
        sessionRating: summary.coachees.sessionRating,
        alliance: summary.coachees.alliance,
        progress: summary.coachees.progress,
      },
      growth: Object.fromEntries(program.skills.map((s) => [s.key, growthOf(surveys, s.key)])),
      atRisk: atRisk.map((r) => ({ ...r, since: new Date(r.since).toISOString() })),
    };
  }

  /** The same report as CSV: one `section,item,field,value` row per figure, formula-like text escaped. */
  async csv(organizationId: string, programId: string): Promise<string> {
    const r = await this.report(organizationId, programId);
    const rows: (string | number | null)[][] = [['section', 'item', 'field', 'value']];
    rows.push(
      ['program', r.programId, 'name', r.programName],
      ['program', r.programId, 'minimum_people', r.minimumPeople],
    );
    for (const [field, value] of Object.entries(r.funnel)) rows.push(['funnel', '', field, value]);
    for (const [field, value] of Object.entries(r.offers)) rows.push(['offers', '', field, value]);
    for (const [field, value] of Object.entries(r.sessions)) rows.push(['sessions', '', field, value]);
    rows.push(
      ['feedback', '', 'answers', r.feedback.answers],
      ['feedback', 'session_rating', 'answers', r.feedback.sessionRating.answers],
    );
    rows.push(
      ['feedback', 'session_rating', 'people', r.feedback.sessionRating.people],
      ['feedback', 'session_rating', 'average', r.feedback.sessionRating.average],
    );
    for (const [item, a] of Object.entries(r.feedback.alliance))
      rows.push(
        ['alliance', item, 'answers', a.answers],
        ['alliance', item, 'people', a.people],
        ['alliance', item, 'average', a.average],
      );
    for (const [item, a] of Object.entries(r.feedback.progress))
      rows.push(
        ['progress', item, 'answers', a.answers],
        ['progress', item, 'people', a.people],
        ['progress', item, 'average', a.average],
      );
    for (const [item, g] of Object.entries(r.growth)) {
      rows.push(
        ['growth', item, 'answers', g.answers],
        ['growth', item, 'people', g.people],
        ['growth', item, 'intake_level', g.intakeLevel],
        ['growth', item, 'closing_level', g.closingLevel],
        ['growth', item, 'change', g.change],
      );
    }
    for (const p of r.atRisk) {
      rows.push(
        ['at_risk', p.pairingId, 'coach', p.coach],
        ['at_risk', p.pairingId, 'coachee', p.coachee],
        ['at_risk', p.pairingId, 'status', p.status],
      );
      rows.push(
        ['at_risk', p.pairingId, 'reason', p.reason],
        ['at_risk', p.pairingId, 'since', p.since],
        ['at_risk', p.pairingId, 'rematch_offered', String(p.rematchOffered)],
      );
    }
    return csvText(rows);
  }
}

/** Intake level (5 minus the intake need) against the self-rated level at close, over the surveys that rated the skill. */
function growthOf(
  surveys: { coachee: string; intake: Record<string, number>; levels: Record<string, number> }[],
  skill: string,
): SkillGrowth {
  const rated = surveys.filter((s) => s.levels?.[skill] !== undefined && s.intake?.[skill] !== undefined);
  const pairs = rated.map((s) => ({ before: 5 - s.intake[skill], after: s.levels[skill] }));
  const people = new Set(rated.map((s) => s.coachee)).size;
  if (people < MIN_DISTINCT_PEOPLE)
    return { answers: pairs.length, people, intakeLevel: null, closingLevel: null, change: null };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const before = mean(pairs.map((p) => p.before));
  const after = mean(pairs.map((p) => p.after));
  return {
    answers: pairs.length,
    people,
    intakeLevel: round2(before),
    closingLevel: round2(after),
    change: round2(after - before),
  };
}
