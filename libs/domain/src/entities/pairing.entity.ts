import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Enrollment } from './enrollment.entity';
import { MatchingRound } from './matching-round.entity';
import { Organization } from './organization.entity';
import { Program } from './program.entity';

/** The pairing states (docs/design.md, States). */
export enum PairingStatus {
  Proposed = 'proposed',
  Offered = 'offered',
  Active = 'active',
  Declined = 'declined',
  Expired = 'expired',
  Withdrawn = 'withdrawn',
  Ended = 'ended',
  Completed = 'completed',
}

/** One term of a score: its share of the 100 points, how fully the pair earns it (0..1), the points earned. */
export interface ScoreTerm {
  term: string;
  weight: number;
  value: number;
  points: number;
}

/** Why a pair scored what it did: each term's contribution, the skill-by-skill detail and the top reasons in words. */
export interface ScoreBreakdown {
  score: number;
  terms: ScoreTerm[];
  skills: { skill: string; need: number; strength: number; points: number }[];
  reasons: string[];
  /** The reasons as text keys and values, so each reader's language can word them (older pairings have none). */
  wording?: string[];
}

/**
 * A coach and a coachee with their score. A coachee has at most one live pairing (offered or active) and each round
 * proposes a coachee once: both are unique indexes, so a retried job can never double them.
 */
@Entity({ tableName: 'pairing' })
@Index({
  name: 'pairing_round_coachee_unique',
  expression: `create unique index "pairing_round_coachee_unique" on "pairing" ("round_id", "coachee_id") where "status" = 'proposed'`,
})
@Index({
  name: 'pairing_live_coachee_unique',
  expression: `create unique index "pairing_live_coachee_unique" on "pairing" ("coachee_id") where "status" in ('offered', 'active')`,
})
@Index({ properties: ['coach', 'status'] })
@Index({ properties: ['program', 'status'] })
export class Pairing {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  /** The round that proposed it; null for an automatic re-match. */
  @ManyToOne(() => MatchingRound, { ref: true, nullable: true, deleteRule: 'cascade' })
  @Index()
  round?: Ref<MatchingRound> | null;

  @ManyToOne(() => Enrollment, { ref: true, deleteRule: 'cascade' })
  coach!: Ref<Enrollment>;

  @ManyToOne(() => Enrollment, { ref: true, deleteRule: 'cascade' })
  @Index()
  coachee!: Ref<Enrollment>;

  @Enum({ items: () => PairingStatus, nativeEnumName: 'pairing_status' })
  status: Opt<PairingStatus> = PairingStatus.Proposed;

  @Property({ type: 'double precision' })
  score!: number;

  @Property({ type: 'jsonb' })
  breakdown!: ScoreBreakdown;

  @Property({ type: 'boolean', defaultRaw: 'false' })
  pinned: Opt<boolean> = false;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  activatedAt?: Date | null;

  /** When it ended, completed, was declined or expired. */
  @Property({ type: 'timestamptz', nullable: true })
  endedAt?: Date | null;

  /** The first at-risk rule that fired (`fit`, `alliance`, `missed`, `coach_fit`, `inactive`); null while all is well. */
  @Property({ type: 'text', nullable: true })
  atRiskReason?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  atRiskAt?: Date | null;

  /** When the coachee was offered a re-match by link; the link token is HMAC(APP_SECRET, 'rematch':id), only its hash kept. */
  @Property({ type: 'timestamptz', nullable: true })
  rematchOfferedAt?: Date | null;

  @Property({ type: 'text', nullable: true, unique: true })
  rematchTokenHash?: string | null;

  /** When the coachee took the re-match (the pairing ended then; the reconciler re-queues a lost re-match from it). */
  @Property({ type: 'timestamptz', nullable: true })
  rematchAcceptedAt?: Date | null;

  /** When both were nudged for inactivity; a held session after it starts a new inactivity window. */
  @Property({ type: 'timestamptz', nullable: true })
  nudgedAt?: Date | null;
}
