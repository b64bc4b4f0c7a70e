import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { newId } from './base';
import { Organization } from './organization.entity';
import { Program } from './program.entity';

export enum RoundStatus {
  Queued = 'queued',
  Running = 'running',
  Proposed = 'proposed',
  Published = 'published',
  /** A newer round of the same program replaced it before it was published. */
  Superseded = 'superseded',
  Failed = 'failed',
}

/** A pair an admin fixed (pin) or ruled out (exclusion) in a round, by enrollment ids. */
export interface RoundOverride {
  coacheeId: string;
  coachId: string;
}

/** A coachee the round could not match, and why. */
export interface RoundUnmatched {
  coacheeId: string;
  reason: string;
}

/** What one solve produced. */
export interface RoundStats {
  coachees: number;
  coaches: number;
  matched: number;
  unmatched: number;
  totalScore: number;
  lowestScore: number | null;
  scoringMs: number;
  solveMs: number;
  allowedPairs: number;
  /** Loading the pool from Postgres (absent on rounds solved before it was recorded). */
  loadMs?: number;
  /** Explaining and inserting the proposals, up to the commit. */
  storeMs?: number;
}

/** A matching round: a snapshot of a program's pool, solved into proposals an admin reviews and publishes. */
@Entity({ tableName: 'matching_round' })
@Index({ properties: ['program', 'createdAt'] })
@Index({
  name: 'matching_round_one_running',
  expression: `create unique index "matching_round_one_running" on "matching_round" ("program_id") where "status" in ('queued', 'running')`,
})
export class MatchingRound {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Organization, { ref: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @ManyToOne(() => Program, { ref: true, deleteRule: 'cascade' })
  program!: Ref<Program>;

  @Enum({ items: () => RoundStatus, nativeEnumName: 'round_status' })
  status: Opt<RoundStatus> = RoundStatus.Queued;

  /** 0..1 while the round runs. */
  @Property({ type: 'double precision' })
  progress: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  phase?: string | null;

  @Property({ type: 'text' })
  objective!: string;

  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  pins: Opt<RoundOverride[]> = [];

  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  exclusions: Opt<RoundOverride[]> = [];

  @Property({ type: 'jsonb', nullable: true })
  stats?: RoundStats | null;

  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  unmatched: Opt<RoundUnmatched[]> = [];

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  /** Bumped by every override; an admin's stale override is refused (409). Also names each solve's job. */
  @Property({ type: 'integer', defaultRaw: '1' })
  revision: Opt<number> = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date | null;
}
