import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, PairingStatus, pairingStatusSql, rawQuery, ValidationError } from '@tandem/domain';
import { ProgramsService } from '../programs/programs.service';

const PAIRING_SELECT = `
  select pr.id, pr.program_id as "programId", pr.status, pr.score, pr.round_id as "roundId", pr.created_at as "createdAt",
         pr.activated_at as "activatedAt", pr.ended_at as "endedAt", pr.at_risk_reason as "atRiskReason", pr.at_risk_at as "atRiskAt",
         json_build_object('id', ce.id, 'name', cp.name, 'email', cp.email, 'bio', ce.bio) as coach,
         json_build_object('id', ee.id, 'name', ep.name, 'email', ep.email) as coachee,
         o.expires_at as "offerExpiresAt", o.decision as "offerDecision"
    from pairing pr
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
    left join offer o on o.pairing_id = pr.id`;

/** A pairing as admins read it; the driver hands timestamps back as text (the api answers them as ISO 8601). */
export interface PairingItem {
  id: string;
  programId: string;
  status: string;
  score: number;
  roundId: string | null;
  createdAt: string;
  activatedAt: string | null;
  endedAt: string | null;
  atRiskReason: string | null;
  atRiskAt: string | null;
  coach: { id: string; name: string; email: string; bio: string | null };
  coachee: { id: string; name: string; email: string };
  offerExpiresAt: string | null;
  offerDecision: string | null;
}

/** Reads pairings for admins (proposals are read through their round). */
@Injectable()
export class PairingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
  ) {}

  /** A program's pairings, newest first, optionally of one status. */
  async list(organizationId: string, query: { programId?: string; status?: string; limit?: number; offset?: number }) {
    if (!query.programId)
      throw new ValidationError('programId is required', [{ field: 'programId', message: 'is required' }]);
    if (query.status !== undefined && !(Object.values(PairingStatus) as string[]).includes(query.status)) {
      throw new ValidationError(`status must be one of ${Object.values(PairingStatus).join(', ')}`, [
        { field: 'status', message: 'is not a pairing status' },
      ]);
    }
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, query.programId);
    const items = await rawQuery<PairingItem>(
      em,
      `${PAIRING_SELECT}
        where pr.program_id = ? and pr.status not in ${pairingStatusSql(PairingStatus.Proposed)} and (?::text is null or pr.status::text = ?)
        order by pr.created_at desc, pr.id limit ? offset ?`,
      [
        program.id,
        query.status ?? null,
        query.status ?? null,
        Math.min(Math.max(query.limit ?? 100, 1), 1000),
        Math.max(query.offset ?? 0, 0),
      ],
    );
    return { items };
  }

  /** One pairing of the organization (another organization's ids answer 404). */
  async get(organizationId: string, id: string): Promise<PairingItem> {
    if (!isUuid(id)) throw new NotFoundError('pairing', id.slice(0, 64));
    const [row] = await rawQuery<PairingItem>(
      this.em.fork(),
      `${PAIRING_SELECT} where pr.id = ? and pr.organization_id = ?`,
      [id, organizationId],
    );
    if (!row) throw new NotFoundError('pairing', id);
    return row;
  }

  /** The sessions of a pairing of the organization, in order (the cadence an admin follows). */
  async sessions(organizationId: string, pairingId: string): Promise<{ items: PairingSession[] }> {
    const pairing = await this.get(organizationId, pairingId);
    const items = await rawQuery<PairingSession>(
      this.em.fork(),
      `select index, starts_at as "startsAt", ends_at as "endsAt", status, sequence from coaching_session where pairing_id = ? order by index`,
      [pairing.id],
    );
    return { items };
  }

  /**
   * The pairing board of a program: offered, active (minus those at risk), at risk, completed, declined, expired and
   * ended pairings, each with its offer's age and the sessions held so far.
   */
  async board(organizationId: string, programId: string): Promise<{ columns: Record<BoardColumn, BoardCard[]> }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, programId);
    const rows = await rawQuery<BoardCard & { status: string }>(
      em,
      `select pr.id, pr.status, pr.score, cp.name as "coachName", ep.name as "coacheeName", pr.at_risk_reason as "atRiskReason",
              o.created_at as "offeredAt", o.expires_at as "offerExpiresAt", pr.activated_at as "activatedAt", pr.ended_at as "endedAt",
              (select count(*)::int from coaching_session cs where cs.pairing_id = pr.id and cs.status = 'held') as "sessionsHeld",
              (select count(*)::int from coaching_session cs where cs.pairing_id = pr.id and cs.status <> 'cancelled') as "sessionsPlanned"
         from pairing pr
         join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
         left join offer o on o.pairing_id = pr.id
        where pr.program_id = ? and pr.status in ${pairingStatusSql(PairingStatus.Offered, PairingStatus.Active, PairingStatus.Completed, PairingStatus.Declined, PairingStatus.Expired, PairingStatus.Ended)}
        order by pr.created_at, pr.id limit 2000`,
      [program.id],
    );
    const columns: Record<BoardColumn, BoardCard[]> = {
      offered: [],
      active: [],
      atRisk: [],
      completed: [],
      declined: [],
      expired: [],
      ended: [],
    };
    for (const { status, ...card } of rows) {
      const column: BoardColumn = status === 'active' && card.atRiskReason ? 'atRisk' : (status as BoardColumn);
      columns[column].push(card);
    }
    return { columns };
  }
}

/** The columns of the pairing board. */
export type BoardColumn = 'offered' | 'active' | 'atRisk' | 'completed' | 'declined' | 'expired' | 'ended';

/** One pairing on the board. */
export interface BoardCard {
  id: string;
  score: number;
  coachName: string;
  coacheeName: string;
  atRiskReason: string | null;
  offeredAt: Date | null;
  offerExpiresAt: Date | null;
  activatedAt: Date | null;
  endedAt: Date | null;
  sessionsHeld: number;
  sessionsPlanned: number;
}

/** One planned session of a pairing. */
export interface PairingSession {
  index: number;
  startsAt: Date;
  endsAt: Date;
  status: string;
  sequence: number;
}
