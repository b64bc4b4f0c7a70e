import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';

export enum ProgramStatus {
  Draft = 'draft',
  Active = 'active',
  Archived = 'archived',
}

/** One skill of a program's framework; `weight` is relative to the other skills. */
export interface SkillDefinition {
  key: string;
  label: string;
  weight: number;
}

/** How pairs are scored and which pairs are allowed. */
export interface MatchingPolicy {
  objective: 'matched-then-score' | 'score' | 'maximin-then-score';
  minScore: number;
  maxTimezoneGapHours: number;
  requireSharedLanguage: boolean;
  /** Never pair a coach and a coachee of the same department. */
  forbidSameDepartment: boolean;
  /** Never pair people in one reporting line (manager, skip-level manager, or a shared manager). */
  forbidReportingLine: boolean;
  /** The ideal coach level minus coachee level. */
  preferredLevelGap: number;
  /** Local working hours [start, end) used for the time-zone overlap term. */
  workingHours: { start: number; end: number };
  weights: { skills: number; timezone: number; language: number; level: number; effectiveness: number };
  /**
   * How far what feedback taught may move a coach's strengths in a score, 0..1 (0: self-ratings only; 1: the calibrated
   * estimate in full, the default). Absent in older programs.
   */
  learning?: number;
  /** After how long (ISO-8601) an answer given in this program counts half as much in the coach's estimates (default P730D). */
  learningHalfLife?: string;
}

/** Session rhythm; durations are ISO-8601. */
export interface CadenceSettings {
  interval: string;
  sessions: number;
  sessionDuration: string;
  reminderLead: string;
}

export interface FeedbackSettings {
  enabled: boolean;
  reminderAfter: string;
  inactivityWindow: string;
  /** How long after the inactivity nudge a still inactive pairing is closed; absent in older programs (default P14D). */
  inactivityGrace?: string;
}

/** A coaching program with its skill framework, matching policy, cadence and offer settings. */
@Entity({ tableName: 'program' })
export class Program {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  @Index()
  organization!: Ref<Organization>;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => ProgramStatus, nativeEnumName: 'program_status' })
  status: Opt<ProgramStatus> = ProgramStatus.Active;

  @Property({ type: 'jsonb' })
  skills!: SkillDefinition[];

  @Property({ type: 'jsonb' })
  policy!: MatchingPolicy;

  @Property({ type: 'jsonb' })
  cadence!: CadenceSettings;

  @Property({ type: 'text' })
  offerTtl!: string;

  @Property({ type: 'jsonb' })
  feedback!: FeedbackSettings;

  @Property({ type: 'boolean' })
  autoPublish: Opt<boolean> = false;

  /** Where Tandem writes to the program's admins (a coachee nobody can coach, a pairing at risk). */
  @Property({ type: 'text', nullable: true })
  adminEmail?: string | null;

  /** When a place last freed up for the waiting list (a pairing ended, a coach joined or took more coachees). */
  @Property({ type: 'timestamptz', nullable: true })
  waitlistDueAt?: Date | null;

  /** The `waitlistDueAt` the waiting list was last matched for; behind it, the reconciler queues the match again. */
  @Property({ type: 'timestamptz', nullable: true })
  waitlistDoneAt?: Date | null;

  @Property({ type: 'integer', version: true })
  version!: Opt<number>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
