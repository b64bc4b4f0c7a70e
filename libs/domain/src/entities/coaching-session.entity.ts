import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { newId } from './base';
import { Pairing } from './pairing.entity';

/** The session states (docs/design.md, States). */
export enum SessionStatus {
  Scheduled = 'scheduled',
  Held = 'held',
  Missed = 'missed',
  Cancelled = 'cancelled',
}

/**
 * One planned session of a pairing. Its due times (`remindAt`) live on the row, so the reconciler can re-create a
 * reminder whose job Redis lost; `sequence` counts moves and cancellations (the .ics SEQUENCE, and part of the
 * reminder's job id and email key, so a moved session gets a reminder of its own). Each person's move/cancel link
 * token is HMAC(APP_SECRET, kind:id); only its hash is kept.
 */
@Entity({ tableName: 'coaching_session' })
@Unique({ properties: ['pairing', 'index'] })
@Index({
  name: 'coaching_session_remind_due_idx',
  expression: `create index "coaching_session_remind_due_idx" on "coaching_session" ("remind_at") where "status" = 'scheduled' and "reminded_at" is null`,
})
export class CoachingSession {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Pairing, { ref: true, deleteRule: 'cascade' })
  pairing!: Ref<Pairing>;

  /** 1 for the first session of the series. */
  @Property({ type: 'smallint' })
  index!: number;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  @Enum({ items: () => SessionStatus, nativeEnumName: 'session_status' })
  status: Opt<SessionStatus> = SessionStatus.Scheduled;

  @Property({ type: 'integer' })
  sequence: Opt<number> = 0;

  /** When both get their reminder (start minus the program's reminder lead). */
  @Property({ type: 'timestamptz' })
  remindAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  remindedAt?: Date | null;

  @Property({ type: 'text', unique: true })
  coachTokenHash!: string;

  @Property({ type: 'text', unique: true })
  coacheeTokenHash!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
