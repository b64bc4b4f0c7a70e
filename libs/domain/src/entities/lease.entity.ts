import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A named lease: which process may run one periodic activity (the reconciler's pass) now, however many workers run.
 * Taken by one atomic statement, renewed while its holder works, given back at the end; a holder that dies loses it
 * when `expiresAt` passes. Statements, not session locks, so it works behind a transaction-mode pooler.
 */
@Entity({ tableName: 'lease' })
export class Lease {
  @PrimaryKey({ type: 'text' })
  name!: string;

  /** The process and the acquisition (`host:pid:random`): never a person. */
  @Property({ type: 'text' })
  holder!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  acquiredAt: Opt<Date> = new Date();

  /** How many times the lease was taken: one more per holder that acted. */
  @Property({ type: 'bigint', default: 1 })
  generation: Opt<string> = '1';
}
