import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  findByToken,
  hashSecret,
  linkToken,
  newId,
  NotFoundError,
  PairingEvent,
  PairingStatus,
  rawQuery,
  type SkillDefinition,
} from '@tandem/domain';
import { asLocale, linkPlaceholder, type Locale, personLocaleSql, writeOutbox } from '@tandem/mail';
import { JobProducer } from '@tandem/queues';
import { commitThenSend } from '../after-commit';
import { closingSurveyEmail } from './completion-emails';
import { COMPLETION_DUE_SQL } from './completion-due';
import { transitionPairing } from '../pairing/pairing-status';
import { coachPlaceFreed, queueWaitlist } from '../pairing/waitlist';
import { parseSurveyAnswers } from './survey-form';
import { NO_SESSIONS_HELD } from '../risk/risk-rules';

interface SurveyRow {
  id: string;
  pairing_id: string;
  organization_id: string;
  intake: Record<string, number>;
  submitted_at: Date | null;
  levels: Record<string, number> | null;
  program_name: string;
  program_skills: SkillDefinition[];
  coach_name: string;
  coachee_name: string;
  coachee_locale: string;
}

const SURVEY_SELECT = `
  select cs.id, cs.pairing_id, pr.organization_id, cs.intake, cs.submitted_at, cs.levels, prog.name as program_name, prog.skills as program_skills,
         cp.name as coach_name, ep.name as coachee_name, ${personLocaleSql('ep')} as coachee_locale
    from closing_survey cs
    join pairing pr on pr.id = cs.pairing_id
    join program prog on prog.id = pr.program_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id`;

/** What the closing survey page shows to the coachee. */
export interface SurveyView {
  state: 'open' | 'submitted';
  coachName: string;
  programName: string;
  /** The focus skills, each with the coachee's level at intake (5 minus the intake need). */
  skills: { key: string; label: string; intakeLevel: number }[];
  /** The coachee's language: the survey's. */
  locale: Locale;
}

export type SurveyOutcome = 'submitted' | 'already-submitted';

/**
 * Completion: once every session of an active pairing has closed, the pairing turns `completed`, the coachee's
 * enrollment `alumni` (out of the pool), the coach's place goes to the waiting list, and the coachee gets a
 * closing survey (a self-rated level per focus skill, compared with the intake in the program report). The survey can
 * be answered after completion; its answers are confidential like all feedback.
 */
@Injectable()
export class CompletionService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** Whether a pairing is due to complete, read in the caller's transaction. */
  async isDue(em: EntityManager, pairingId: string, now: Date): Promise<boolean> {
    const [row] = await rawQuery<{ due: boolean }>(
      em,
      `select ${COMPLETION_DUE_SQL} as due from pairing p join program prog on prog.id = p.program_id where p.id = ?`,
      [now, pairingId],
    );
    return !!row?.due;
  }

  /**
   * The `feedback.complete-pairing` job: completes a due pairing once (a conditional update guards it) and sends the
   * survey. A pairing in which no session was held never gets here with feedback on (see COMPLETION_DUE_SQL); with
   * feedback off, one whose sessions were all cancelled ends instead (`ended`, reason `no-sessions-held`), without a survey.
   */
  async complete(pairingId: string): Promise<'completed' | 'ended' | 'not-due' | 'done'> {
    const result = await commitThenSend(
      this.em,
      this.producer,
      'closing survey email',
      async (tem) => {
        const [pairing] = await rawQuery<{
          status: string;
          coach_id: string;
          coachee_id: string;
          organization_id: string;
          program_name: string;
          program_skills: SkillDefinition[];
          needs: Record<string, number>;
          coach_name: string;
          coachee_name: string;
          coachee_email: string;
          coachee_locale: string;
        }>(
          tem,
          `select pr.status::text as status, pr.coach_id, pr.coachee_id, pr.organization_id, prog.name as program_name, prog.skills as program_skills, ee.skills as needs,
                cp.name as coach_name, ep.name as coachee_name, ep.email as coachee_email, ${personLocaleSql('ep')} as coachee_locale
           from pairing pr
           join program prog on prog.id = pr.program_id
           join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
           join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
          where pr.id = ? for update of pr`,
          [pairingId],
        );
        if (!pairing) throw new NotFoundError('pairing', pairingId);
        if (pairing.status !== PairingStatus.Active) return { outcome: 'done' as const, messageIds: [], waitlist: [] };
        const now = this.clock.now();
        if (!(await this.isDue(tem, pairingId, now)))
          return { outcome: 'not-due' as const, messageIds: [], waitlist: [] };
        // Every session was cancelled (with feedback off nothing else tells whether coaching took place): it ends instead
        // of completing, without a survey or congratulations, with the reason where the board and the API show it.
        const [{ none }] = await rawQuery<{ none: boolean }>(
          tem,
          `select not exists (select 1 from coaching_session where pairing_id = ? and status <> 'cancelled') as none`,
          [pairingId],
        );
        if (none) {
          await transitionPairing(tem, PairingEvent.End, pairingId, { now, atRiskReason: NO_SESSIONS_HELD });
          await rawQuery(
            tem,
            `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, 'worker', 'pairing.ended', 'pairing', ?)`,
            [newId(), pairing.organization_id, pairingId],
          );
          // The coach's place is free again; the coachee, who was never coached, stays in the pool (never with this coach again).
          return {
            outcome: 'ended' as const,
            messageIds: [],
            waitlist: await coachPlaceFreed(tem, pairing.coach_id, now),
          };
        }
        await transitionPairing(tem, PairingEvent.Complete, pairingId, { now });
        // The coachee graduates: out of the pool until an admin returns them; the coach's place frees for the waiting list.
        const waitlist = await coachPlaceFreed(tem, pairing.coach_id, now);
        await rawQuery(
          tem,
          `update enrollment set status = 'alumni', updated_at = ? where id = ? and status = 'active'`,
          [now, pairing.coachee_id],
        );
        const intake = Object.fromEntries(
          focusSkills(pairing.program_skills, pairing.needs).map((s) => [s.key, pairing.needs?.[s.key] ?? 0]),
        );
        const surveyId = newId();
        const [survey] = await rawQuery<{ id: string }>(
          tem,
          `insert into closing_survey (id, pairing_id, token_hash, intake, requested_at) values (?, ?, ?, ?::jsonb, ?) on conflict (pairing_id) do nothing returning id`,
          [
            surveyId,
            pairingId,
            hashSecret(linkToken(this.config.appSecret, 'survey', surveyId)),
            JSON.stringify(intake),
            now,
          ],
        );
        await rawQuery(
          tem,
          `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, 'worker', 'pairing.completed', 'pairing', ?)`,
          [newId(), pairing.organization_id, pairingId],
        );
        const messageIds = survey
          ? await writeOutbox(tem, [
              {
                organizationId: pairing.organization_id,
                idempotencyKey: `closing-survey:${pairingId}`,
                to: pairing.coachee_email,
                ...closingSurveyEmail({
                  coacheeName: pairing.coachee_name,
                  coachName: pairing.coach_name,
                  programName: pairing.program_name,
                  link: linkPlaceholder('survey', survey.id),
                  locale: asLocale(pairing.coachee_locale),
                }),
              },
            ])
          : [];
        return { outcome: 'completed' as const, messageIds, waitlist };
      },
      async (result) => {
        await queueWaitlist(this.producer, result.waitlist);
      },
    );
    return result.outcome;
  }

  /** Reads a survey by its link token; changes nothing (mail scanners fetch links). */
  async view(token: string): Promise<SurveyView> {
    const row = await this.find(this.em.fork(), token, false);
    const labels = new Map(row.program_skills.map((s) => [s.key, s.label]));
    return {
      state: row.submitted_at ? 'submitted' : 'open',
      coachName: row.coach_name,
      programName: row.program_name,
      skills: Object.entries(row.intake).map(([key, need]) => ({
        key,
        label: labels.get(key) ?? key,
        intakeLevel: 5 - need,
      })),
      locale: asLocale(row.coachee_locale),
    };
  }

  /** Submits the survey once; the same answers again answer 'already-submitted', different ones are a conflict. */
  async submit(token: string, body: unknown): Promise<SurveyOutcome> {
    return this.em.fork().transactional(async (tem) => {
      const row = await this.find(tem, token, true);
      const levels = parseSurveyAnswers(body, Object.keys(row.intake));
      if (row.submitted_at) {
        if (JSON.stringify(sorted(row.levels ?? {})) === JSON.stringify(sorted(levels))) return 'already-submitted';
        throw new ConflictError('survey_submitted', 'This survey was submitted already; answers cannot be changed.');
      }
      await rawQuery(tem, `update closing_survey set levels = ?::jsonb, submitted_at = ? where id = ?`, [
        JSON.stringify(levels),
        this.clock.now(),
        row.id,
      ]);
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, 'coachee', 'survey.submitted', 'closing_survey', ?)`,
        [newId(), row.organization_id, row.id],
      );
      return 'submitted';
    });
  }

  private async find(em: EntityManager, token: string, lock: boolean): Promise<SurveyRow> {
    const row = await findByToken<SurveyRow>(em, token, {
      what: 'survey',
      sql: `${SURVEY_SELECT} where cs.token_hash = ?${lock ? ' for update of cs' : ''}`,
    });
    return { ...row, submitted_at: row.submitted_at ? new Date(row.submitted_at) : null };
  }
}

/** The coachee's focus skills: those with a development need, or all of the program's when none is marked. */
function focusSkills(skills: SkillDefinition[], needs: Record<string, number> | null): SkillDefinition[] {
  const focus = skills.filter((s) => (needs?.[s.key] ?? 0) > 0);
  return focus.length > 0 ? focus : skills;
}

function sorted(levels: Record<string, number>): [string, number][] {
  return Object.entries(levels).sort(([a], [b]) => a.localeCompare(b));
}
