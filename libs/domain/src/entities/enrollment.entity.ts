import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Person } from './person.entity';
import { Program } from './program.entity';

export enum EnrollmentRole {
  Coach = 'coach',
  Coachee = 'coachee',
}

export enum EnrollmentStatus {
  Active = 'active',
  Withdrawn = 'withdrawn',
  /** A coachee whose coaching completed or ended: out of the pool until an admin returns them (a new cycle). */
  Alumni = 'alumni',
}

/** A person in a program as coach (capacity, strengths, bio) or coachee (goals, needs); one per person, program and role. */
@Entity({ tableName: 'enrollment' })
// The unique index (program, person, role) also serves every lookup by program.
@Unique({ properties: ['program', 'person', 'role'] })
export class Enrollment {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  @Index()
  person!: Ref<Person>;

  @Enum({ items: () => EnrollmentRole, nativeEnumName: 'enrollment_role' })
  role!: EnrollmentRole;

  @Enum({ items: () => EnrollmentStatus, nativeEnumName: 'enrollment_status' })
  status: Opt<EnrollmentStatus> = EnrollmentStatus.Active;

  /** Coaches only: how many coachees they take at once. */
  @Property({ type: 'smallint', nullable: true })
  capacity?: number | null;

  /** Skill key to 0-5: a coach's strength or a coachee's development need. */
  @Property({ type: 'jsonb' })
  skills!: Record<string, number>;

  @Property({ type: 'text', nullable: true })
  goals?: string | null;

  @Property({ type: 'text', nullable: true })
  bio?: string | null;

  /** Coaches only: the weekday (1 = Monday .. 7 = Sunday) sessions are planned on; null takes the default. */
  @Property({ type: 'smallint', nullable: true })
  preferredDay?: number | null;

  /** Coaches only: the local hour (0-23) sessions start at; null takes the default. */
  @Property({ type: 'smallint', nullable: true })
  preferredHour?: number | null;

  /** Why the last automatic re-match found no coach (null once paired). */
  @Property({ type: 'text', nullable: true })
  unmatchedReason?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
