import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, PairingStatus, rawQuery, ValidationError } from '@tandem/domain';
import { ProgramsService } from '../programs/programs.service';

/** Reads pairings for admins. */
@Injectable()
export class PairingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
  ) {}

  /** A program's pairings (all but proposals), newest first, optionally of one status. */
  async list(organizationId: string, query: { programId?: string; status?: string; limit?: number; offset?: number }) {
    if (!query.programId) throw new ValidationError('programId is required', [{ field: 'programId', message: 'is required' }]);
    if (query.status !== undefined && !(Object.values(PairingStatus) as string[]).includes(query.status)) {
      throw new ValidationError(`status must be one of ${Object.values(PairingStatus).join(', ')}`, [{ field: 'status', message: 'is not a pairing status' }]);
    }
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, query.programId);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const items = await rawQuery(
      em,
      `select pr.id, pr.status, pr.score, pr.round_id as "roundId", pr.created_at as "createdAt", pr.activated_at as "activatedAt",
              json_build_object('id', ce.id, 'name', cp.name, 'email', cp.email) as coach,
              json_build_object('id', ee.id, 'name', ep.name, 'email', ep.email) as coachee,
              o.expires_at as "offerExpiresAt", o.decision as "offerDecision"
         from pairing pr
         join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
         left join offer o on o.pairing_id = pr.id
        where pr.program_id = ? and pr.status <> 'proposed' and (?::text is null or pr.status::text = ?)
        order by pr.created_at desc, pr.id limit ? offset ?`,
      [program.id, query.status ?? null, query.status ?? null, limit, Math.max(query.offset ?? 0, 0)],
    );
    return { items };
  }

  /** One pairing of the organization. */
  async get(organizationId: string, id: string) {
    if (!isUuid(id)) throw new NotFoundError('pairing', id.slice(0, 64));
    const [row] = await rawQuery<{ program_id: string }>(this.em.fork(), `select program_id from pairing where id = ? and organization_id = ?`, [id, organizationId]);
    if (!row) throw new NotFoundError('pairing', id);
    const { items } = await this.list(organizationId, { programId: row.program_id, limit: 1000 });
    return items.find((item) => (item as { id: string }).id === id) ?? null;
  }
}
