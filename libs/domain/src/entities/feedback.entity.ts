import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { CoachingSession } from './coaching-session.entity';

/** Who answers a feedback form. */
export enum FeedbackRole {
  Coach = 'coach',
  Coachee = 'coachee',
}

/** The coachee's answer to "is this a good fit?" after the first session. */
export enum FeedbackFit {
  Good = 'good',
  NotSure = 'not_sure',
  NotGood = 'not_good',
}

/** The coach's account of what happened to the session. */
export enum SessionAttendance {
  Held = 'held',
  Missed = 'missed',
  Moved = 'moved',
}

/**
 * One person's feedback on one session: the request (written when the session closes, with its reminder's due time)
 * and, once submitted, the answers. Answers and the note are confidential: only aggregates over enough answers leave
 * the database. The link token is HMAC(APP_SECRET, 'feedback':id); only its hash is kept.
 */
@Entity({ tableName: 'feedback' })
@Unique({ properties: ['session', 'role'] })
@Index({
  name: 'feedback_remind_due_idx',
  expression: `create index "feedback_remind_due_idx" on "feedback" ("remind_at") where "submitted_at" is null and "reminded_at" is null`,
})
export class Feedback {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => CoachingSession, { ref: true, deleteRule: 'cascade' })
  session!: Ref<CoachingSession>;

  @Enum({ items: () => FeedbackRole, nativeEnumName: 'feedback_role' })
  role!: FeedbackRole;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  requestedAt!: Date;

  /** When the one reminder is due if the form is still unanswered (request time plus the program's `reminderAfter`). */
  @Property({ type: 'timestamptz' })
  remindAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  remindedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  submittedAt?: Date | null;

  /** Coachee: the session, 1-5. */
  @Property({ type: 'smallint', nullable: true })
  sessionRating?: number | null;

  /** Coachee: progress per focus skill key, 1-5. */
  @Property({ type: 'jsonb', nullable: true })
  progress?: Record<string, number> | null;

  /** Coachee: working alliance, agreement on goals, 1-5. */
  @Property({ type: 'smallint', nullable: true })
  allianceGoals?: number | null;

  /** Coachee: working alliance, agreement on tasks, 1-5. */
  @Property({ type: 'smallint', nullable: true })
  allianceTasks?: number | null;

  /** Coachee: working alliance, bond, 1-5. */
  @Property({ type: 'smallint', nullable: true })
  allianceBond?: number | null;

  /** Coachee, after the first session only. */
  @Enum({ items: () => FeedbackFit, nativeEnumName: 'feedback_fit', nullable: true })
  fit?: FeedbackFit | null;

  /** Coach. */
  @Enum({ items: () => SessionAttendance, nativeEnumName: 'session_attendance', nullable: true })
  attendance?: SessionAttendance | null;

  /** Coach: a private note, visible to nobody else. */
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
