import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock, isUuid, type MatchingPolicy, NotFoundError, rawQuery, type SkillDefinition } from '@tandem/domain';
import {
  calibrate,
  DEFAULT_LEARNING,
  DEFAULT_LEARNING_HALF_LIFE,
  loadLearning,
  MIN_DISTINCT_COACHEES,
  recomputeLearning,
} from './effectiveness';

/** One skill of the admin's coach view; every figure is null unless it rests on MIN_DISTINCT_COACHEES coachees or more. */
export interface CoachLearningSkill {
  skill: string;
  label: string;
  /** The coach's own rating in this program. */
  selfRating: number | null;
  /** Whether feedback measured the skill, and what that rests on (counts are shown, they say nothing of an answer). */
  measured: boolean;
  answers: number;
  coachees: number;
  programs: number;
  /** The skill's own estimate (posterior mean), shown over enough distinct coachees. */
  estimate: number | null;
  /** Whether the three figures below may be shown (every estimate they depend on, through the coach's bias, passes the rule). */
  shown: boolean;
  /** The calibrated estimate, and the strength scoring uses (self-rating moved by the policy's learning weight). */
  calibrated: number | null;
  used: number | null;
  /** Score points the learning adds (or takes) for a coachee whose whole need is this skill. */
  scoreShift: number | null;
}

/** What the admin's coach view shows: the learning behind one coach enrollment's scores, within the privacy rule. */
export interface CoachLearningView {
  programId: string;
  coachId: string;
  personId: string;
  name: string;
  minimumCoachees: number;
  learning: number;
  halfLife: string;
  skills: CoachLearningSkill[];
}

/**
 * The `feedback.aggregate` job: keeps the person-level model of the coaches of the submission's organization up to
 * date with its feedback (every program of the organization, since a coach's estimates follow the person).
 */
@Injectable()
export class EffectivenessService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  /** Recomputes the estimates of the program's organization; answers how many (coach, skill) estimates it wrote (0 for a program gone). */
  async aggregate(programId: string): Promise<number> {
    return this.em.fork().transactional(async (tem) => {
      const [program] = await rawQuery<{ organization_id: string }>(
        tem,
        `select organization_id from program where id = ?`,
        [programId],
      );
      return program ? recomputeLearning(tem, program.organization_id, this.clock.now()) : 0;
    });
  }

  /** Recomputes one organization's estimates. */
  async aggregateOrganization(organizationId: string): Promise<number> {
    return this.em.fork().transactional((tem) => recomputeLearning(tem, organizationId, this.clock.now()));
  }

  /**
   * The admin's view of one coach enrollment: per program skill the estimate (only over MIN_DISTINCT_COACHEES
   * coachees or more), what it rests on, and how it moved the score. 404 for a coach outside the admin's organization.
   */
  async coachView(organizationId: string, programId: string, coachId: string): Promise<CoachLearningView> {
    const em = this.em.fork();
    if (!isUuid(programId)) throw new NotFoundError('program', programId);
    if (!isUuid(coachId)) throw new NotFoundError('coach', coachId);
    const [row] = await rawQuery<{
      skills: SkillDefinition[];
      policy: MatchingPolicy;
      person_id: string;
      name: string;
      self: Record<string, number>;
    }>(
      em,
      `select prog.skills, prog.policy, p.id as person_id, p.name, e.skills as self
         from program prog join enrollment e on e.program_id = prog.id and e.role = 'coach' join person p on p.id = e.person_id
        where prog.id = ? and prog.organization_id = ? and e.id = ?`,
      [programId, organizationId, coachId],
    );
    if (!row) throw new NotFoundError('coach', coachId);
    const known = (await loadLearning(em, organizationId, [row.person_id])).get(row.person_id) ?? {};
    const learning = row.policy.learning ?? DEFAULT_LEARNING;
    const calibrated =
      calibrate(
        row.skills.map((s) => s.key),
        row.self,
        known,
        learning,
      ) ?? {};
    const w = row.policy.weights;
    const points =
      (100 * (w.skills + w.effectiveness)) / (w.skills + w.effectiveness + w.timezone + w.language + w.level || 1);
    // An unmeasured skill is moved by the bias over every measured one: shown only when all of those pass the rule.
    const allPass = Object.values(known).every((e) => e.coachees >= MIN_DISTINCT_COACHEES);
    const round2 = (x: number) => Math.round(x * 100) / 100;
    const skills = row.skills.map((s): CoachLearningSkill => {
      const e = known[s.key];
      const c = calibrated[s.key];
      const shown = c !== undefined && allPass;
      return {
        skill: s.key,
        label: s.label,
        selfRating: row.self[s.key] ?? null,
        measured: e !== undefined,
        answers: e?.answers ?? 0,
        coachees: e?.coachees ?? 0,
        programs: e?.programs ?? 0,
        shown,
        estimate: e && e.coachees >= MIN_DISTINCT_COACHEES ? round2(e.estimate) : null,
        calibrated: shown ? round2(c.calibrated) : null,
        used: shown ? round2(c.used) : null,
        scoreShift: shown ? round2(((c.used - c.self) / 5) * points) : null,
      };
    });
    return {
      programId,
      coachId,
      personId: row.person_id,
      name: row.name,
      minimumCoachees: MIN_DISTINCT_COACHEES,
      learning,
      halfLife: row.policy.learningHalfLife ?? DEFAULT_LEARNING_HALF_LIFE,
      skills,
    };
  }
}
