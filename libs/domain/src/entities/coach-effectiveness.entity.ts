import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Enrollment } from './enrollment.entity';
import { Program } from './program.entity';

/**
 * A coach's learned effectiveness in one skill (0..5, libs/matching's scale): the coachees' progress answers, shrunk
 * toward the program's mean for the skill so that a few answers move it little. Recomputed by `feedback.aggregate`.
 */
@Entity({ tableName: 'coach_effectiveness' })
@Unique({ properties: ['coach', 'skill'] })
export class CoachEffectiveness {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  @Index()
  program!: Ref<Program>;

  /** The coach's enrollment. */
  @ManyToOne(() => Enrollment, { ref: true, deleteRule: 'cascade' })
  coach!: Ref<Enrollment>;

  @Property({ type: 'text' })
  skill!: string;

  @Property({ type: 'double precision' })
  estimate!: number;

  /** How many progress answers the estimate rests on. */
  @Property({ type: 'integer' })
  answers!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}
