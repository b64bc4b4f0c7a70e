import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { Clock, Enrollment, newId, Program, rawQuery } from '@tandem/domain';
import { unmatchedAdminEmail, writeOutbox } from '@tandem/mail';
import { rematchCoachee } from '@tandem/matching';
import { JobName, JobProducer } from '@tandem/queues';
import { OffersService } from '../pairing/offers.service';
import { writeOffers } from '../pairing/offer-writer';
import { loadProgramPool } from './program-pool';

/** What one re-match did. */
export type RematchOutcome = 'offered' | 'unmatched' | 'skipped';

/**
 * The `matching.rematch-coachee` job: after a decline or an expiry, the coachee is offered the best coach that still
 * has room (never one who declined them); when none fits, the coachee is marked unmatched and the admins are told.
 */
@Injectable()
export class RematchService {
  constructor(
    private readonly em: EntityManager,
    private readonly offers: OffersService,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async rematch(coacheeId: string): Promise<RematchOutcome> {
    const em = this.em.fork();
    const outcome = await em.transactional(async (tem) => {
      const coachee = await tem.findOne(Enrollment, { id: coacheeId }, { populate: ['program'] });
      if (!coachee || coachee.status !== 'active') return { kind: 'skipped' as const };
      // The program lock serializes re-matches and publishing, so two coachees never take one last place.
      const program = await tem.findOneOrFail(Program, { id: coachee.program.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const [live] = await rawQuery(tem, `select 1 from pairing where coachee_id = ? and status in ('offered', 'active')`, [coacheeId]);
      if (live) return { kind: 'skipped' as const };
      // A re-match answers the coachee's latest decline, expiry or re-match request. Once a pairing was offered or a
      // verdict recorded after it, this job (run again, or an older attempt arriving late) has nothing left to do.
      const [answered] = await rawQuery(
        tem,
        `with t as (select greatest(
                      (select max(updated_at) from pairing where coachee_id = ? and status in ('declined', 'expired')),
                      (select max(rematch_accepted_at) from pairing where coachee_id = ?)) as at)
         select 1 from t where t.at is not null and (
                exists (select 1 from pairing p where p.coachee_id = ? and p.created_at > t.at)
             or exists (select 1 from audit_event a where a.subject_type = 'enrollment' and a.subject_id = ? and a.action = 'coachee.unmatched' and a.created_at > t.at))`,
        [coacheeId, coacheeId, coacheeId, coacheeId],
      );
      if (answered) return { kind: 'skipped' as const };
      const now = this.clock.now();
      const pool = await loadProgramPool(tem, program, { now, coacheeIds: [coacheeId] });
      const remaining = Object.fromEntries(pool.free);
      const result = rematchCoachee(pool.instance, { coachee: coacheeId, remaining });
      if (result.coach === null) {
        await rawQuery(tem, `update enrollment set unmatched_reason = ? where id = ?`, [result.reason, coacheeId]);
        await rawQuery(tem, `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id, data) values (?, ?, 'worker', 'coachee.unmatched', 'enrollment', ?, ?::jsonb)`, [
          newId(),
          program.organization.id,
          coacheeId,
          JSON.stringify({ reason: result.reason }),
        ]);
        const person = pool.people.get(coacheeId)!;
        const ended = await rawQuery<{ n: string }>(tem, `select count(*) as n from pairing where coachee_id = ? and status in ('declined', 'expired')`, [coacheeId]);
        const messageIds = program.adminEmail
          ? await writeOutbox(tem, [
              {
                organizationId: program.organization.id,
                idempotencyKey: `unmatched:${coacheeId}:${ended[0].n}`,
                to: program.adminEmail,
                ...unmatchedAdminEmail({ coacheeName: person.name, programName: program.name, reason: result.reason }),
              },
            ])
          : [];
        return { kind: 'unmatched' as const, messageIds };
      }
      const pairingId = newId();
      await rawQuery(
        tem,
        `insert into pairing (id, organization_id, program_id, coach_id, coachee_id, status, score, breakdown) values (?, ?, ?, ?, ?, 'offered', ?, ?::jsonb)`,
        [pairingId, program.organization.id, program.id, result.coach, coacheeId, result.score, JSON.stringify(result.breakdown)],
      );
      await rawQuery(tem, `update enrollment set unmatched_reason = null where id = ?`, [coacheeId]);
      const coach = pool.people.get(result.coach)!;
      const coacheePerson = pool.people.get(coacheeId)!;
      const written = await writeOffers(
        tem,
        { organizationId: program.organization.id, programName: program.name, offerTtl: program.offerTtl, appSecret: this.config.appSecret, now },
        [
          {
            pairingId,
            coachEmail: coach.email,
            coachName: coach.name,
            coachTimezone: coach.timezone,
            coacheeName: coacheePerson.name,
            goals: coacheePerson.goals,
            breakdown: { ...result.breakdown, terms: [...result.breakdown.terms], skills: [...result.breakdown.skills], reasons: [...result.breakdown.reasons] },
          },
        ],
      );
      await rawQuery(tem, `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, 'worker', 'pairing.rematched', 'pairing', ?)`, [
        newId(),
        program.organization.id,
        pairingId,
      ]);
      return { kind: 'offered' as const, messageIds: written.messageIds, programId: program.id, expiresAt: written.expiresAt, remindAt: written.remindAt };
    });
    if (outcome.kind === 'skipped') return 'skipped';
    await this.producer.enqueueMany(JobName.EmailSend, outcome.messageIds.map((messageId) => ({ messageId })));
    if (outcome.kind === 'offered') await this.offers.scheduleOfferJobs(outcome.programId, outcome.expiresAt, outcome.remindAt);
    return outcome.kind;
  }
}
