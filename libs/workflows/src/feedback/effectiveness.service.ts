import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock, rawQuery } from '@tandem/domain';
import { recomputeLearning } from './effectiveness';

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
      const [program] = await rawQuery<{ organization_id: string }>(tem, `select organization_id from program where id = ?`, [programId]);
      return program ? recomputeLearning(tem, program.organization_id, this.clock.now()) : 0;
    });
  }

  /** Recomputes one organization's estimates. */
  async aggregateOrganization(organizationId: string): Promise<number> {
    return this.em.fork().transactional((tem) => recomputeLearning(tem, organizationId, this.clock.now()));
  }
}
