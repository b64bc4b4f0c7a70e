import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { EnrollmentRole } from './enrollment.entity';
import { Program } from './program.entity';

/**
 * A program's registration settings (one row per program, made when first set): the deadline after which nobody is
 * reminded and no first answer is taken, the reminder days, and the open registration link (off by default).
 */
@Entity({ tableName: 'program_registration' })
export class ProgramRegistration {
  @ManyToOne(() => Program, { ref: true, primary: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  /** No reminder after it, and no first answer (a submitted answer may still be changed until matched). */
  @Property({ type: 'timestamptz', nullable: true })
  deadline?: Date | null;

  /** Days after the invitation on which the unanswered are reminded; null: the default, 3 and 7. */
  @Property({ type: 'jsonb', nullable: true })
  reminderDays?: number[] | null;

  /** When an admin closed registration (the deadline is then the close time). */
  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  /** Whether the public registration link takes new addresses (off by default). */
  @Property({ type: 'boolean', default: false })
  openRegistration: Opt<boolean> = false;

  /** Lower-cased email domains allowed to register; empty: the organization's single sign-on domains. */
  @Property({ type: 'text[]', default: '{}' })
  allowedDomains: Opt<string[]> = [];

  /** hashSecret of the public link's token (HMAC of 'registration':program id), so the link finds its program. */
  @Property({ type: 'text', unique: true })
  linkTokenHash!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}

/**
 * One person invited to a program's questionnaire (by an admin's roster or the console, or by a confirmed open
 * registration). The link token is HMAC(APP_SECRET, 'questionnaire':id), only its hash is kept. Its answers make or
 * update the enrollment by the rules of an import; they can be changed until the person is matched.
 */
@Entity({ tableName: 'invitation' })
@Unique({ properties: ['program', 'email'] })
export class Invitation {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => EnrollmentRole, nativeEnumName: 'enrollment_role' })
  role!: EnrollmentRole;

  /** The language to write in; null: the person's, else the organization's default. */
  @Property({ type: 'text', nullable: true })
  locale?: string | null;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** `roster`, `console` or `registration`. */
  @Property({ type: 'text' })
  source!: string;

  /** Values a full participant file gave, shown prefilled in the questionnaire. */
  @Property({ type: 'jsonb', nullable: true })
  prefill?: Record<string, unknown> | null;

  /** The last submitted answers (as the questionnaire posts them, validated). */
  @Property({ type: 'jsonb', nullable: true })
  answers?: Record<string, unknown> | null;

  /** The enrollment the answers made or updated. */
  @Property({ type: 'uuid', nullable: true })
  enrollmentId?: string | null;

  /** When the invitation email was written to the outbox; null: the `intake.send-invitations` job has it to do. */
  @Property({ type: 'timestamptz', nullable: true })
  invitedAt?: Date | null;

  /** The first time the page was fetched: a count for the funnel only, never a change of what anyone sees. */
  @Property({ type: 'timestamptz', nullable: true })
  openedAt?: Date | null;

  /** Scheduled reminders sent (0..reminder days). */
  @Property({ type: 'smallint', default: 0 })
  remindersSent: Opt<number> = 0;

  /** When the next scheduled reminder is due; null: none is left. */
  @Property({ type: 'timestamptz', nullable: true })
  @Index()
  remindAt?: Date | null;

  /** Reminders an admin sent on demand. */
  @Property({ type: 'smallint', default: 0 })
  extraReminders: Opt<number> = 0;

  @Property({ type: 'timestamptz', nullable: true })
  lastRemindedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  submittedAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Opt<Date> = new Date();
}

/**
 * An address entered on a program's public registration link: the confirmation link (HMAC of 'registration-confirm':id,
 * only its hash kept) makes its invitation. One per program and address; entering it again sends the link again.
 */
@Entity({ tableName: 'registration_request' })
@Unique({ properties: ['program', 'email'] })
export class RegistrationRequest {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  /** How many confirmation emails were written (each has its own idempotency key); at most a few. */
  @Property({ type: 'smallint', default: 0 })
  sends: Opt<number> = 0;

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt?: Date | null;

  /** When the link was last sent: it works for REGISTRATION_LINK_DAYS after that. */
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  lastSentAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
