import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';
import { Person } from './person.entity';

/**
 * What feedback taught about one coach (a person of the organization, across every program and cohort) in one
 * skill, on libs/matching's 0..5 scale: the posterior of a normal-normal model whose prior is the organization's mean
 * for the skill, older answers fading with their program's half-life. Recomputed from the feedback rows by
 * `feedback.aggregate`, so it can always be derived again.
 */
@Entity({ tableName: 'coach_learning' })
// The unique index (organization, person, skill) also serves every lookup by organization.
@Unique({ properties: ['organization', 'person', 'skill'] })
export class CoachLearning {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  /** The coach. */
  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Property({ type: 'text' })
  skill!: string;

  /** Posterior mean, 0..5. */
  @Property({ type: 'double precision' })
  estimate!: number;

  /** Posterior standard deviation. */
  @Property({ type: 'double precision' })
  sd!: number;

  /** 0..1: the share of the prior's variance the answers removed (faded answers / (prior answers + faded answers)). */
  @Property({ type: 'double precision' })
  certainty!: number;

  /** The organization's mean for the skill the estimate was shrunk toward. */
  @Property({ type: 'double precision' })
  priorMean!: number;

  /** Progress answers behind the estimate, distinct coachees (people) who gave them, and programs they came from. */
  @Property({ type: 'integer' })
  answers!: number;

  @Property({ type: 'integer' })
  coachees!: number;

  @Property({ type: 'integer' })
  programs!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}
