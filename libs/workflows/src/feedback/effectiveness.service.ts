import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock } from '@tandem/domain';
import { recomputeEffectiveness } from './effectiveness';

/** The `feedback.aggregate` job: keeps a program's coach effectiveness estimates up to date with its feedback. */
@Injectable()
export class EffectivenessService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  /** Recomputes the program's estimates; answers how many (coach, skill) estimates it wrote. */
  async aggregate(programId: string): Promise<number> {
    return this.em.fork().transactional((tem) => recomputeEffectiveness(tem, programId, this.clock.now()));
  }
}
